"""The clerk's whole path through the desk, in a real browser (Debian's chromium, driven by
Selenium through /usr/bin/chromedriver), against a real desk with its own Prefect server.

One test, one desk, one browser: add the workbook, see no problem, issue, write the forms, upload
a returned form with a slip and see its file, sheet and cell named, upload the corrected forms
and issue the reports, find the 32 documents and open a PDF, re-issue one unit over a hand edit
(confirmed) and see only its files change, check the audit log, download the set. A screenshot
of each page goes to the test's folder.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest

from tests.command_line.running import free_port
from tests.conftest import EXAMPLE_ISSUED
from tests.result_forms.filling import bare_workbook, fill

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Desk:
    url: str
    workspace: Path
    shots: Path


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    import uvicorn

    from vanban.desk.app import create_app
    from vanban.desk.runs import Runner

    base = tmp_path_factory.mktemp("desk")
    saved = {k: os.environ.get(k) for k in ("PREFECT_HOME", "PREFECT_API_URL")}
    os.environ["PREFECT_HOME"] = str(base / "prefect")
    os.environ.pop("PREFECT_API_URL", None)  # the desk finds or starts its own server
    runner = Runner()
    runner.connect()
    port = free_port()
    app = create_app(base / "ws", port=port, token=secrets.token_urlsafe(16), runner=runner)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield Desk(f"http://127.0.0.1:{port}", base / "ws", base / "screenshots")
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        runner.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for program in (CHROMEDRIVER, CHROMIUM):
        assert Path(program).exists(), f"{program} is missing: apt-get install chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--window-size=1280,1000"):  # fmt: skip
        options.add_argument(flag)
    # The driver is the system's: Selenium never downloads one.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: object, condition: object, seconds: float = 300) -> object:
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    # A page that reloads under a check (an action done) is looked at again, not a failure.
    wait = WebDriverWait(driver, seconds, poll_frequency=0.2,  # type: ignore[arg-type]
                         ignored_exceptions=(StaleElementReferenceException,))  # fmt: skip
    try:
        return wait.until(condition)  # type: ignore[arg-type]
    except TimeoutException:
        # Say what the page showed instead: a timeout alone names nothing to look at.
        url = driver.current_url  # type: ignore[attr-defined]
        raise AssertionError(f"{seconds} s without the awaited state on {url}:\n{_text(driver)}") from None


def _text(driver: object) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "body").text)  # type: ignore[attr-defined]


def _shot(driver: object, desk: Desk, name: str) -> None:
    """A screenshot of the page, which must show no raw error."""
    text = _text(driver)
    for raw in ("Internal Server Error", "Not Found", "Traceback", "Lỗi 5", "Lỗi 4"):
        assert raw not in text, (name, raw)
    desk.shots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(desk.shots / f"{name}.png"))  # type: ignore[attr-defined]


def _upload(driver: object, selector: str, *files: Path) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.CSS_SELECTOR, selector)  # type: ignore[attr-defined]
    field.send_keys("\n".join(str(f) for f in files))


def _click(driver: object, selector: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, selector).click()  # type: ignore[attr-defined]


def _run_ends(driver: object) -> None:
    """The run is over and so is the making of its previews."""
    _wait(
        driver,
        lambda d: ("Đã xong." in _text(d) or "Chưa xong." in _text(d))
        and "Đang tạo bản xem trước" not in _text(d),
    )


def _log(out: Path) -> list[dict[str, object]]:
    lines = (out / "audit.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_the_clerks_whole_path_in_a_browser(desk: Desk, browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    get = driver.get  # type: ignore[attr-defined]
    # 1. Plans: add the workbook (the example, its results to come from the units' forms).
    workbook = bare_workbook(tmp_path / "ke-hoach-cua-toi.xlsx")
    get(desk.url + "/")
    assert "Chưa có kế hoạch nào" in _text(driver)
    _shot(driver, desk, "1-ke-hoach-trong")
    _upload(driver, "input[data-upload='/api/plans']", workbook)
    # 2. Check: no problem.
    _wait(driver, lambda d: "/check" in d.current_url)
    assert "Bảng tính không có lỗi: 13 đơn vị" in _text(driver)
    _shot(driver, desk, "2-kiem-tra")
    plan_url = driver.current_url.rsplit("/", 1)[0]  # type: ignore[attr-defined]
    plan_id = plan_url.rsplit("/", 1)[1]
    out = desk.workspace / plan_id / "van-ban"
    # 3. Issue: live progress, then the summary.
    get(plan_url + "/issue")
    _click(driver, "#issue")
    _wait(driver, lambda d: "Kế hoạch:" in _text(d) or "Đã xong." in _text(d), 120)
    _run_ends(driver)
    assert "đã phát hành: 18" in _text(driver) and "chờ: 14" in _text(driver)
    _shot(driver, desk, "3-phat-hanh")
    # 4. Forms: write them, then a returned form with a slip is named by file, sheet and cell.
    get(plan_url + "/forms")
    _click(driver, "[data-action$='/forms']")
    _wait(driver, lambda d: "Phiếu đã lập (13)" in _text(d))
    from tests.conftest import EXAMPLE
    from vanban.workbook.loader import load_plan

    results = load_plan(EXAMPLE)
    plan = load_plan(workbook)
    filled = tmp_path / "filled"
    filled.mkdir()
    forms = sorted((out / "06-phieu-ket-qua").glob("*.xlsx"))
    units = {u.name: u for u in results.units}
    good = []
    for form in forms:
        from tests.result_forms.filling import _unit_of

        unit = _unit_of(form)
        good.append(fill(form, plan, units[unit].result, filled / form.name))
    slipped = fill(forms[0], plan, units[_unit_of(forms[0])].result, tmp_path / "slip.xlsx",
                   poor="ba mươi")  # fmt: skip
    _upload(driver, "input[data-upload$='/returned']", slipped)
    _wait(driver, lambda d: "phieu-01.xlsx" in _text(d) and "lỗi" in _text(d))
    page = _text(driver)
    assert 'Tệp "phieu-01.xlsx", sheet "Phiếu kết quả", ô' in page and "ba mươi" in page
    _shot(driver, desk, "4-phieu-co-loi")
    driver.find_element(By.CSS_SELECTOR, "#returned button").click()  # type: ignore[attr-defined]
    driver.switch_to.alert.accept()  # type: ignore[attr-defined]
    _wait(driver, lambda d: "Phiếu đã nhận" not in _text(d))
    _upload(driver, "input[data-upload$='/returned']", *good)
    _wait(driver, lambda d: "Phiếu đã nhận (13)" in _text(d))
    assert "lỗi trong bảng tính hoặc phiếu" not in _text(driver)
    _shot(driver, desk, "5-phieu-da-nhan")
    _click(driver, "#issue-reports")
    _wait(driver, lambda d: "/issue" in d.current_url)
    _run_ends(driver)
    assert "đã phát hành: 14" in _text(driver)
    # 5. Documents: the 32, with the previews the run made, one PDF opened.
    get(plan_url + "/documents")
    assert len(driver.find_elements(By.CSS_SELECTOR, "a.pdf")) == EXAMPLE_ISSUED  # type: ignore[attr-defined]
    assert len(driver.find_elements(By.CSS_SELECTOR, "td.thumb img")) == EXAMPLE_ISSUED  # type: ignore[attr-defined]
    rows = driver.find_elements(By.CSS_SELECTOR, "#documents tbody tr")  # type: ignore[attr-defined]
    issued = [r for r in rows if "Đã phát hành" in r.text or "Không thay đổi" in r.text]
    assert len(issued) == EXAMPLE_ISSUED
    _shot(driver, desk, "6-van-ban")
    # A long list is filtered as the clerk types, accents aside.
    driver.find_element(By.ID, "filter").send_keys("my quy")  # type: ignore[attr-defined]
    shown = [r for r in rows if r.is_displayed()]
    assert shown and all("Mỹ Quý" in r.text for r in shown) and len(shown) < len(rows)
    pdf = driver.find_element(By.CSS_SELECTOR, "a.pdf").get_attribute("href")  # type: ignore[attr-defined]
    with urllib.request.urlopen(pdf, timeout=30) as answer:
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.read(5) == b"%PDF-"
    get(pdf)
    _shot(driver, desk, "7-pdf")
    # 6. Re-issue one unit over a hand edit: the desk asks first, then only that unit changes.
    get(plan_url + "/documents")
    edited = out / "03-giay-moi" / "xa-my-quy.docx"
    document = docx.Document(str(edited))
    document.paragraphs[-2].add_run(" Sửa tay.")
    document.save(str(edited))
    before = len(_log(out))
    hashes = _hashes(out)
    driver.find_element(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, "button[data-reissue='Xã Mỹ Quý']"
    ).click()
    _wait(driver, lambda d: _alert(d))
    assert "03-giay-moi/xa-my-quy.docx" in driver.switch_to.alert.text  # type: ignore[attr-defined]
    driver.switch_to.alert.accept()  # type: ignore[attr-defined]
    _wait(driver, lambda d: _reissued(out, before) and _run_phase(plan_url) == "done")
    logged = {str(e.get("path")) for e in _log(out)[before:] if e.get("event") == "issued"}
    after = _hashes(out)
    changed = {p for p in after if after[p] != hashes.get(p)}
    # The hand edit is undone, and nothing of another unit moved, on disk or in the log.
    assert "03-giay-moi/xa-my-quy.docx" in changed and set(after) == set(hashes)
    for paths in (changed, logged):
        assert all("xa-my-quy" in p or p == "05-bao-cao-tong-hop.docx" for p in paths), paths
    assert list((out / ".history").glob("03-giay-moi__xa-my-quy.*.docx"))
    # What changed since the previous issue: the hand edit, gone again.
    # Asked again until it answers: right after a run the desk is still making its previews.
    changes_url = plan_url + "/changes/03-giay-moi/xa-my-quy.docx"
    _wait(driver, lambda d: d.get(changes_url) or "Thay đổi:" in _text(d), seconds=120)
    assert "− " in _text(driver) and "Sửa tay." in _text(driver)
    _shot(driver, desk, "7b-thay-doi")
    # 7. History: the audit log verifies (the signed copies too, further down).
    get(plan_url + "/history")
    _wait(driver, lambda d: "Sổ nhật ký toàn vẹn" in _text(d))
    _shot(driver, desk, "8-lich-su")
    get(plan_url + "/history?don-vi=X%C3%A3%20M%E1%BB%B9%20Qu%C3%BD")
    units = {c.text for c in driver.find_elements(By.CSS_SELECTOR, "#history td:nth-child(4)")}  # type: ignore[attr-defined]
    assert units == {"Xã Mỹ Quý"}, units
    # 8. Signing: PDFs out, signed as the office's tool signs them, back in and recorded.
    get(plan_url + "/signing")
    _click(driver, "[data-action$='/pdf']")
    _wait(driver, lambda d: f"{EXAMPLE_ISSUED} văn bản có PDF để ký" in _text(d))
    from tests.signing import sign_as_office

    signed_dir = tmp_path / "da-ky"
    signed_dir.mkdir()
    for k, pdf_file in enumerate(sorted((out / "pdf").rglob("*.pdf"))):
        annex = pdf_file.name.startswith("02-phu-luc")
        signed_file = signed_dir / f"scan-{k:02d}.pdf"
        signed_file.write_bytes(sign_as_office(pdf_file.read_bytes(), annex=annex))
    _upload(driver, "input[data-upload$='/signed']", *sorted(signed_dir.glob("*.pdf")))
    _wait(driver, lambda d: f"chưa ghi nhận ({EXAMPLE_ISSUED})" in _text(d))
    _click(driver, "#record-signed")
    _wait(driver, lambda d: f"{EXAMPLE_ISSUED} văn bản đã ký" in _text(d))
    assert "Ban Cơ yếu Chính phủ" in _text(driver)
    _shot(driver, desk, "8b-ky-so")
    # The records office's part: one register per issuing body, each document's metadata, an
    # edXML package per signed copy.
    get(plan_url + "/signing")
    registers = driver.find_elements(By.CSS_SELECTOR, "#registers a.register")  # type: ignore[attr-defined]
    assert [r.text for r in registers][:1] == ["Phòng Lao động - Thương binh và Xã hội huyện Tháp Mười"]
    assert len(registers) == 15
    # A package needs a number: the example numbers its plan only (the annex carries it).
    assert len(driver.find_elements(By.CSS_SELECTOR, "a.package")) == 2  # type: ignore[attr-defined]
    assert len(driver.find_elements(By.CSS_SELECTOR, ".no-package")) == EXAMPLE_ISSUED - 2  # type: ignore[attr-defined]
    details = driver.find_element(By.CSS_SELECTOR, "#signing details.metadata")  # type: ignore[attr-defined]
    details.find_element(By.TAG_NAME, "summary").click()
    _wait(driver, lambda d: "Ủy ban nhân dân huyện Tháp Mười (chưa có mã)" in _text(d))
    assert "Trích yếu" in details.text and "Số trang" in details.text
    _shot(driver, desk, "8c-dang-ky")
    with urllib.request.urlopen(registers[1].get_attribute("href"), timeout=30) as answer:
        register = answer.read()
        assert answer.headers["content-disposition"].endswith('so-dang-ky-van-ban-di.xlsx"')
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(register)).active
    assert ws is not None and ws.cell(1, 1).value == "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"
    # 9. The whole set as one zip.
    with urllib.request.urlopen(plan_url + "/set.zip", timeout=60) as answer:
        names = zipfile.ZipFile(io.BytesIO(answer.read())).namelist()
    assert sum(n.endswith(".docx") for n in names) == EXAMPLE_ISSUED
    assert sum(n.startswith("van-ban/pdf/") and n.endswith(".pdf") for n in names) == EXAMPLE_ISSUED
    assert "van-ban/audit.jsonl" in names and "van-ban/manifest.json" in names
    assert sum(n.startswith("van-ban/da-ky/") and n.endswith(".pdf") for n in names) == EXAMPLE_ISSUED
    assert sum(n.endswith(".edxml") for n in names) == 2
    assert sum(n.endswith(".metadata.json") for n in names) == EXAMPLE_ISSUED
    assert sum(n.startswith("van-ban/so-dang-ky/") for n in names) == 15
    # The plans page, now with its plan's state.
    get(desk.url + "/")
    cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#plans tbody td")]  # type: ignore[attr-defined]
    # The one warning: the example names no identifier code (see the records office's part).
    assert cells[1:5] == ["Không có lỗi\n1 cảnh báo", str(EXAMPLE_ISSUED), "0", "13"], cells
    _shot(driver, desk, "9-cac-ke-hoach")
    for shot in desk.shots.glob("*.png"):
        shutil.copy(shot, tmp_path / shot.name)


def _alert(driver: object) -> bool:
    try:
        return bool(driver.switch_to.alert.text)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no alert yet
        return False


def _hashes(out: Path) -> dict[str, str]:
    """Every document of the folder and its SHA-256."""
    import hashlib

    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*.docx")
        if not p.relative_to(out).parts[0].startswith(".") and p.relative_to(out).parts[0] != "review"
    }


def _reissued(out: Path, before: int) -> bool:
    return any(
        e.get("event") == "issued" and e.get("path") == "03-giay-moi/xa-my-quy.docx"
        for e in _log(out)[before:]
    )


def _run_phase(plan_url: str) -> str:
    api = plan_url.replace("/plans/", "/api/plans/") + "/run"
    with urllib.request.urlopen(api, timeout=30) as answer:
        state = json.loads(answer.read())
    if not state or state.get("previews") == "making":
        return ""
    return str(state["phase"])
