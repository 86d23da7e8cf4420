"""vanban.review.build and the review page, on an output folder built here by hand."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest

from vanban.errors import TransientIOError, VanbanError
from vanban.review.build import (
    INSTALL_LIBREOFFICE,
    ReviewResult,
    convert_to_pdf,
    first_page_png,
    review_folder,
)

PLAN_TITLE = "Kế hoạch số 6662/KH-UBND ngày 02 tháng 11 năm 2022"
PENDING_REASON = 'chưa có kết quả đối thoại trong sheet "Kết quả"'
OLD_LINE = "Thời gian: Từ ngày 11/11/2022 đến ngày 20/11/2022."
NEW_LINE = "Thời gian: Từ ngày 12/11/2022 đến ngày 20/11/2022."
HISTORY = ".history/01-ke-hoach.20221101T080000Z.docx"

# path -> (paragraphs, text that only this document's PDF holds)
FILES: dict[str, list[str]] = {
    "01-ke-hoach.docx": ["ỦY BAN NHÂN DÂN", "KẾ HOẠCH", NEW_LINE, "Tổng cộng"],
    "02-phu-luc-phan-bo-kinh-phi.docx": ["DANH SÁCH", "PHÂN BỔ KINH PHÍ", "11.300.000đ"],
    "03-giay-moi/xa-my-quy.docx": ["GIẤY MỜI", "Kính mời hộ nghèo xã Mỹ Quý"],
    "03-giay-moi/xa-my-dong.docx": ["GIẤY MỜI", "Kính mời hộ nghèo xã Mỹ Đông"],
    "04-bao-cao-ket-qua/xa-my-quy.docx": ["BÁO CÁO", "Kết quả đối thoại xã Mỹ Quý"],
}


def _docx(path: Path, paragraphs: list[str]) -> str:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest_entry(path: str | None, status: str, sha: str | None, **kw: Any) -> dict[str, Any]:
    kind, label, stage, unit = kw["kind"], kw["label"], kw["stage"], kw.get("unit")
    return {
        "kind": kind,
        "label": label,
        "stage": stage,
        "stage_label": label,
        "unit": unit,
        "path": path,
        "status": status,
        "reason": kw.get("reason"),
        "sha256": sha,
    }


def build_output(out: Path, *, history: str = HISTORY) -> Path:
    """A run's output folder: five documents (two share a base name), one pending, one reissue."""
    sha = {path: _docx(out / path, paragraphs) for path, paragraphs in FILES.items()}
    old_sha = _docx(out / HISTORY, ["ỦY BAN NHÂN DÂN", "KẾ HOẠCH", OLD_LINE, "Tổng cộng"])
    audit = [
        {"event": "issued", "path": "01-ke-hoach.docx", "sha256": old_sha},
        {"event": "refused", "path": "01-ke-hoach.docx"},
        {"event": "issued", "path": "01-ke-hoach.docx", "sha256": sha["01-ke-hoach.docx"],
         "history": history},
    ] + [
        {"event": "issued", "path": path, "sha256": sha[path]}
        for path in FILES
        if path != "01-ke-hoach.docx"
    ]  # fmt: skip
    lines = [json.dumps(entry, ensure_ascii=False) for entry in audit]
    lines.append('{"event": "issued", "path": "03-gi')  # a torn last line from a killed run
    (out / "audit.jsonl").write_text("\n".join(lines), encoding="utf-8")
    invitation = {"kind": "giay_moi", "label": "Giấy mời", "stage": 3}
    report = {"kind": "bao_cao_don_vi", "label": "Báo cáo kết quả", "stage": 4}
    documents = [
        _manifest_entry(
            "04-bao-cao-ket-qua/xa-my-quy.docx", "issued", sha["04-bao-cao-ket-qua/xa-my-quy.docx"],
            unit="Xã Mỹ Quý", **report,
        ),
        _manifest_entry(None, "pending", None, unit="Xã Mỹ Đông", reason=PENDING_REASON, **report),
        _manifest_entry(
            "03-giay-moi/xa-my-quy.docx", "issued", sha["03-giay-moi/xa-my-quy.docx"],
            unit="Xã Mỹ Quý", **invitation,
        ),
        _manifest_entry(
            "03-giay-moi/xa-my-dong.docx", "unchanged", sha["03-giay-moi/xa-my-dong.docx"],
            unit="Xã Mỹ Đông", **invitation,
        ),
        _manifest_entry(
            "02-phu-luc-phan-bo-kinh-phi.docx", "issued", sha["02-phu-luc-phan-bo-kinh-phi.docx"],
            kind="phu_luc", label="Phụ lục phân bổ kinh phí", stage=2,
        ),
        _manifest_entry(
            "01-ke-hoach.docx", "issued", sha["01-ke-hoach.docx"],
            kind="ke_hoach", label="Kế hoạch", stage=1,
        ),
    ]  # fmt: skip
    manifest = {
        "plan": {"symbol": "6662/KH-UBND", "title": PLAN_TITLE, "slug": "6662-kh-ubnd-2022"},
        "generated_at": "2026-11-30T10:00:00+00:00",
        "flow_run_id": "test",
        "documents": documents,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return out


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    where: str


def fake_checker(path: Path) -> list[Finding]:
    if path.as_posix().endswith("03-giay-moi/xa-my-quy.docx"):
        return [Finding("font", "Phông chữ không phải Times New Roman", "đoạn 2")]
    return []


class _Page(HTMLParser):
    """Each <article class="doc">: its attributes, its text and its inner HTML tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.articles: dict[str, dict[str, Any]] = {}
        self._current: dict[str, Any] | None = None
        self.images: list[dict[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "img":
            self.images.append(attributes)
        if tag == "article":
            self._current = {"attrs": attributes, "text": "", "tags": []}
            self.articles[str(attributes["id"])] = self._current
        if self._current is not None:
            self._current["tags"].append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if self._current is not None and tag == "article":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["text"] += data

    def by_path(self, path: str) -> dict[str, Any]:
        [article] = [a for a in self.articles.values() if a["attrs"]["data-path"] == path]
        return article


def _soffice_calls(calls: list[list[str]]) -> list[list[str]]:
    return [c for c in calls if Path(c[0]).name in ("soffice", "libreoffice")]


def _counting_popen(calls: list[list[str]]) -> type[subprocess.Popen[Any]]:
    real = subprocess.Popen

    class CountingPopen(real):  # type: ignore[valid-type,misc]
        def __init__(self, args: Any, *rest: Any, **kw: Any) -> None:
            calls.append([str(a) for a in args] if isinstance(args, list | tuple) else [str(args)])
            super().__init__(args, *rest, **kw)

    return CountingPopen


@dataclass
class Reviewed:
    out: Path
    result: ReviewResult
    calls: list[list[str]]
    page: _Page
    html: str


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    out = build_output(tmp_path_factory.mktemp("run") / "6662-kh-ubnd-2022")
    calls: list[list[str]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "Popen", _counting_popen(calls))
        result = review_folder(out, check=fake_checker)
    html = result.index.read_text(encoding="utf-8")
    return Reviewed(out, result, calls, _Page(html), html)


def _pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def _png_width(png: Path) -> int:
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width: int = struct.unpack(">I", header[16:20])[0]
    return width


# --- with LibreOffice ---------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_one_pdf_and_one_png_per_document(reviewed: Reviewed) -> None:
    review_dir = reviewed.out / "review"
    expected_pdfs = sorted(review_dir / Path(p).with_suffix(".pdf") for p in FILES)
    assert sorted(reviewed.result.pdfs) == expected_pdfs
    assert sorted(reviewed.result.pngs) == sorted(p.with_suffix(".png") for p in expected_pdfs)
    assert sorted(review_dir.rglob("*.pdf")) == expected_pdfs
    assert len(list(review_dir.rglob("*.png"))) == len(FILES)
    assert reviewed.result.libreoffice is True
    # The only note is about the torn last line of audit.jsonl; nothing about missing tools.
    assert reviewed.result.message is not None
    assert reviewed.result.message.startswith("audit.jsonl có 1 dòng không đọc được")
    assert "apt-get" not in reviewed.result.message
    for png in reviewed.result.pngs:
        assert _png_width(png) == 300


@pytest.mark.libreoffice
def test_pdfs_sharing_a_base_name_hold_their_own_document(reviewed: Reviewed) -> None:
    review_dir = reviewed.out / "review"
    for path, paragraphs in FILES.items():
        text = " ".join(_pdf_text(review_dir / Path(path).with_suffix(".pdf")).split())
        assert paragraphs[-1] in text, path


@pytest.mark.libreoffice
def test_soffice_runs_once_per_core_at_most_each_with_a_private_profile(
    reviewed: Reviewed,
) -> None:
    calls = _soffice_calls(reviewed.calls)
    assert 1 <= len(calls) <= min(len(FILES), os.cpu_count() or 1)
    profiles = set()
    for call in calls:
        assert "--headless" in call
        [profile] = [arg for arg in call if arg.startswith("-env:UserInstallation=file:///")]
        profiles.add(profile)
    assert len(profiles) == len(calls)  # two soffice processes never share a profile
    assert sum(arg.endswith(".docx") for call in calls for arg in call) == len(FILES)


@pytest.mark.libreoffice
def test_a_re_review_converts_only_what_changed(tmp_path: Path) -> None:
    out = build_output(tmp_path / "run")
    first = review_folder(out, check=fake_checker)
    pdfs = {p: p.read_bytes() for p in first.pdfs}
    calls: list[list[str]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "Popen", _counting_popen(calls))
        again = review_folder(out, check=fake_checker)
    assert _soffice_calls(calls) == []
    assert {p: p.read_bytes() for p in again.pdfs} == pdfs and len(again.pngs) == len(FILES)
    # One document changes: only it is converted again, and its preview shows the change.
    changed = "04-bao-cao-ket-qua/xa-my-quy.docx"
    _docx(out / changed, [*FILES[changed][:-1], "Đoạn cuối đã sửa lại./."])
    calls.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "Popen", _counting_popen(calls))
        third = review_folder(out, check=fake_checker)
    converted = [a for call in _soffice_calls(calls) for a in call if a.endswith(".docx")]
    assert len(converted) == 1
    pdf = out / "review" / Path(changed).with_suffix(".pdf")
    assert "Đoạn cuối đã sửa lại" in " ".join(_pdf_text(pdf).split())
    assert len(third.pdfs) == len(FILES)


def test_conversion_is_shared_out_by_size_among_processes(tmp_path: Path) -> None:
    from vanban.pdf import libreoffice as previews

    sizes = {"big.docx": 9000, "a.docx": 3000, "b.docx": 3000, "c.docx": 2000, "d.docx": 1000}
    jobs = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        jobs.append((tmp_path / name, tmp_path / "pdf" / name.replace(".docx", ".pdf")))
    groups: list[list[str]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            previews,
            "_convert_group",
            lambda g, timeout: groups.append(sorted(s.name for s, _ in g)) or {},
        )
        assert previews.convert_jobs(jobs, timeout=None, processes=2) == {}
    assert sorted(groups) == [["a.docx", "b.docx", "c.docx", "d.docx"], ["big.docx"]]


@pytest.mark.libreoffice
def test_page_links_thumbnails_to_pdfs_and_docx(reviewed: Reviewed) -> None:
    article = reviewed.page.by_path("04-bao-cao-ket-qua/xa-my-quy.docx")
    links = [attrs["href"] for tag, attrs in article["tags"] if tag == "a"]
    images = [attrs["src"] for tag, attrs in article["tags"] if tag == "img"]
    assert images == ["04-bao-cao-ket-qua/xa-my-quy.png"]
    assert "04-bao-cao-ket-qua/xa-my-quy.pdf" in links
    assert "../04-bao-cao-ket-qua/xa-my-quy.docx" in links
    review_dir = reviewed.out / "review"
    for image in reviewed.page.images:
        assert (review_dir / str(image["src"])).is_file()
    for article in reviewed.page.articles.values():
        for tag, attrs in article["tags"]:
            if tag == "a" and not attrs["href"].startswith("#"):
                assert (review_dir / attrs["href"]).resolve().is_file(), attrs["href"]


@pytest.mark.libreoffice
def test_page_lists_every_document_by_stage_then_unit(reviewed: Reviewed) -> None:
    listed = [
        (a["attrs"]["data-stage"], a["attrs"]["data-unit"], a["attrs"]["data-status"])
        for a in reviewed.page.articles.values()
    ]
    assert listed == [
        ("1", "", "issued"),
        ("2", "", "issued"),
        ("3", "Xã Mỹ Quý", "issued"),
        ("3", "Xã Mỹ Đông", "unchanged"),
        ("4", "Xã Mỹ Quý", "issued"),
        ("4", "Xã Mỹ Đông", "pending"),
    ]
    assert PLAN_TITLE in reviewed.html
    assert reviewed.html.count('<article class="doc') == 6


@pytest.mark.libreoffice
def test_pending_document_shows_its_reason(reviewed: Reviewed) -> None:
    [pending] = [
        a for a in reviewed.page.articles.values() if a["attrs"]["data-status"] == "pending"
    ]
    assert pending["attrs"]["data-path"] == ""
    assert PENDING_REASON in pending["text"]
    assert "Chưa phát hành" in pending["text"]
    assert not [tag for tag, _ in pending["tags"] if tag == "img"]


@pytest.mark.libreoffice
def test_findings_or_format_ok(reviewed: Reviewed) -> None:
    flagged = reviewed.page.by_path("03-giay-moi/xa-my-quy.docx")
    assert "Phông chữ không phải Times New Roman" in flagged["text"]
    assert "Đạt thể thức" not in flagged["text"]
    assert "Đạt thể thức" in reviewed.page.by_path("01-ke-hoach.docx")["text"]


@pytest.mark.libreoffice
def test_diff_against_previous_issue(reviewed: Reviewed) -> None:
    plan = reviewed.page.by_path("01-ke-hoach.docx")
    assert "<del>11</del>" in reviewed.html and "<ins>12</ins>" in reviewed.html
    tags = [tag for tag, _ in plan["tags"]]
    assert "del" in tags and "ins" in tags
    assert HISTORY in plan["text"]
    assert "Phát hành lần đầu" in reviewed.page.by_path("03-giay-moi/xa-my-quy.docx")["text"]


@pytest.mark.libreoffice
def test_convert_to_pdf_reports_a_broken_file_by_name(tmp_path: Path) -> None:
    good = tmp_path / "a" / "same.docx"
    _docx(good, ["Tốt"])
    broken = tmp_path / "b" / "same.docx"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(VanbanError, match="b/same.docx") as caught:
        convert_to_pdf([good, broken], tmp_path / "pdf")
    assert "không mở được tệp" in caught.value.message
    assert "a/same.docx" not in caught.value.message
    assert (tmp_path / "pdf" / "a" / "same.pdf").is_file()


@pytest.mark.libreoffice
@pytest.mark.slow
def test_page_in_headless_chromium_lists_everything_and_loads_thumbnails(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    profile = tmp_path / "chromium-profile"
    command = [
        "/usr/bin/chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--proxy-server=127.0.0.1:9",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        reviewed.result.index.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _Page(done.stdout)
    assert 'data-images-checked="true"' in done.stdout
    assert len(dom.articles) == 6
    assert {a["attrs"]["data-path"] for a in dom.articles.values()} == set(FILES) | {""}
    assert len(dom.images) == len(FILES)
    assert all(image.get("data-loaded") == "true" for image in dom.images), dom.images


# --- without LibreOffice ------------------------------------------------------------------------


@pytest.fixture
def no_tools_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding nothing, so neither soffice nor pdftoppm can be found."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def test_without_libreoffice_the_page_is_still_written(
    tmp_path: Path, no_tools_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = build_output(tmp_path / "run")
    (out / "review").mkdir()
    (out / "review" / "stale.pdf").write_bytes(b"old")
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "Popen", _counting_popen(calls))
    result = review_folder(out, check=fake_checker)
    assert calls == []
    assert result.libreoffice is False
    assert result.pdfs == [] and result.pngs == []
    assert result.message is not None and "apt-get install libreoffice-writer" in result.message
    assert result.index == out / "review" / "index.html"
    assert not (out / "review" / "stale.pdf").exists()
    html = result.index.read_text(encoding="utf-8")
    page = _Page(html)
    assert len(page.articles) == 6
    assert page.images == []
    assert "apt-get install libreoffice-writer" in html
    assert PENDING_REASON.replace('"', "&quot;") in html
    # The diff and the checker need no LibreOffice.
    assert "<del>11</del>" in html and "<ins>12</ins>" in html
    assert "Phông chữ không phải Times New Roman" in html
    assert INSTALL_LIBREOFFICE.split(":")[0] in html


def test_history_without_its_folder_prefix_is_found(tmp_path: Path, no_tools_path: Path) -> None:
    out = build_output(tmp_path / "run", history=HISTORY.removeprefix(".history/"))
    result = review_folder(out, check=fake_checker)
    [plan] = [d for d in result.documents if d.path == "01-ke-hoach.docx"]
    assert plan.previous == HISTORY
    assert plan.diff is not None
    assert [(line.op, line.text) for line in plan.diff if line.op != "="] == [
        ("-", OLD_LINE),
        ("+", NEW_LINE),
    ]


def test_missing_previous_issue_and_edited_file_are_reported(
    tmp_path: Path, no_tools_path: Path
) -> None:
    out = build_output(tmp_path / "run")
    (out / HISTORY).unlink()
    _docx(out / "03-giay-moi/xa-my-quy.docx", ["GIẤY MỜI", "sửa tay"])
    result = review_folder(out, check=fake_checker)
    by_path = {d.path: d for d in result.documents}
    assert by_path["01-ke-hoach.docx"].diff is None
    assert "Không tìm thấy bản phát hành trước" in str(by_path["01-ke-hoach.docx"].diff_note)
    assert "sửa tay" in str(by_path["03-giay-moi/xa-my-quy.docx"].reason)
    assert by_path["03-giay-moi/xa-my-dong.docx"].reason is None


def test_text_from_data_is_escaped(tmp_path: Path, no_tools_path: Path) -> None:
    out = build_output(tmp_path / "run")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["plan"]["title"] = "<b>Kế hoạch</b> & <script>alert(1)</script>"
    manifest["documents"][1]["reason"] = '<img src=x onerror="alert(1)">'
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    html = review_folder(out, check=fake_checker).index.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;b&gt;Kế hoạch&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_checker_defaults_to_a_note_when_absent_and_survives_its_errors(
    tmp_path: Path, no_tools_path: Path
) -> None:
    def broken(path: Path) -> list[Any]:
        raise RuntimeError("hỏng")

    out = build_output(tmp_path / "run")
    result = review_folder(out, check=broken)
    notes = {d.check_note for d in result.documents if d.path and d.exists}
    assert notes == {"Lỗi khi kiểm tra thể thức: hỏng"}


def test_ids_are_stable_across_runs(tmp_path: Path, no_tools_path: Path) -> None:
    out = build_output(tmp_path / "run")
    first = _Page(review_folder(out, check=fake_checker).index.read_text(encoding="utf-8"))
    second = _Page(review_folder(out, check=fake_checker).index.read_text(encoding="utf-8"))
    assert list(first.articles) == list(second.articles)
    assert "doc-03-giay-moi-xa-my-quy-docx" in first.articles
    assert "doc-bao-cao-don-vi-xa-my-dong" in first.articles


# --- soffice that misbehaves --------------------------------------------------------------------


def _fake_soffice(folder: Path, body: str) -> None:
    script = folder / "soffice"
    script.write_text(f"#!{sys.executable}\n{body}\n", encoding="utf-8")
    script.chmod(0o755)


def test_soffice_that_hangs_is_stopped(tmp_path: Path, no_tools_path: Path) -> None:
    _fake_soffice(no_tools_path, "import time\ntime.sleep(60)")
    source = tmp_path / "a.docx"
    _docx(source, ["a"])
    with pytest.raises(TransientIOError, match="không chuyển xong"):
        convert_to_pdf([source], tmp_path / "pdf", timeout=1)


def test_soffice_that_writes_nothing_fails_per_document(
    tmp_path: Path, no_tools_path: Path
) -> None:
    _fake_soffice(no_tools_path, "print('Error: source file could not be loaded')")
    out = build_output(tmp_path / "run")
    result = review_folder(out, check=fake_checker)
    assert result.libreoffice is True
    assert result.pdfs == []
    notes = [d.preview_note for d in result.documents if d.exists]
    assert len(notes) == len(FILES)
    assert all(note and note.startswith("Không chuyển được sang PDF") for note in notes)
    assert result.index.is_file()


def test_no_files_start_nothing(tmp_path: Path) -> None:
    assert convert_to_pdf([], tmp_path) == []


def test_first_page_png_without_pdftoppm(tmp_path: Path, no_tools_path: Path) -> None:
    with pytest.raises(VanbanError, match="poppler-utils"):
        first_page_png(tmp_path / "a.pdf", tmp_path / "a.png")
