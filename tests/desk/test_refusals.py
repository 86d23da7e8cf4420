"""What the desk refuses, tested against the application directly (and once through a real
server): a foreign Host, a foreign Origin, a missing token, an upload over its cap, a path that
leaves the workspace or the output folder, a link in the output folder."""

from __future__ import annotations

import http.client
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.command_line.running import free_port
from tests.conftest import EXAMPLE
from vanban.desk.app import FORM_LIMIT, WORKBOOK_LIMIT, create_app
from vanban.desk.runs import Runner

PORT = 8799
TOKEN = "the-desks-own-token"
OURS = {"Origin": f"http://127.0.0.1:{PORT}", "X-Vanban-Token": TOKEN}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def client(workspace: Path) -> Iterator[TestClient]:
    app = create_app(workspace, port=PORT, token=TOKEN, runner=Runner())
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}") as client:
        yield client


@pytest.fixture
def plan_id(client: TestClient) -> str:
    answer = client.post("/api/plans", content=EXAMPLE.read_bytes(), headers=OURS)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["plan"])


def test_the_desks_own_page_may_add_a_plan(client: TestClient, workspace: Path, plan_id: str) -> None:
    assert plan_id == "6662-kh-ubnd-2022"
    assert (workspace / plan_id / "ke-hoach.xlsx").read_bytes() == EXAMPLE.read_bytes()
    page = client.get(f"/plans/{plan_id}/check")
    assert page.status_code == 200 and "Bảng tính không có lỗi" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("host", ["evil.example:8799", "127.0.0.1:80", "localhost.evil.example:8799"])
def test_a_foreign_host_is_refused_even_for_reading(workspace: Path, host: str) -> None:
    app = create_app(workspace, port=PORT, token=TOKEN, runner=Runner())
    with TestClient(app, base_url=f"http://{host}") as client:
        answer = client.get("/")
    assert answer.status_code == 421 and "Host" in answer.text


@pytest.mark.parametrize("origin", [None, "http://evil.example", "http://127.0.0.1:8800", "null"])
def test_a_change_from_another_origin_is_refused(
    client: TestClient, workspace: Path, origin: str | None
) -> None:
    headers = {"X-Vanban-Token": TOKEN} | ({"Origin": origin} if origin else {})
    answer = client.post("/api/plans", content=EXAMPLE.read_bytes(), headers=headers)
    assert answer.status_code == 403 and "Origin" in answer.text
    assert not workspace.exists() or not any(workspace.iterdir())


@pytest.mark.parametrize("token", [None, "", "guessed"])
def test_a_change_without_the_token_is_refused(
    client: TestClient, workspace: Path, token: str | None
) -> None:
    headers = {"Origin": OURS["Origin"]} | ({"X-Vanban-Token": token} if token is not None else {})
    answer = client.post("/api/plans", content=EXAMPLE.read_bytes(), headers=headers)
    assert answer.status_code == 403 and "mã" in answer.text
    assert not any(workspace.iterdir())


def test_an_upload_over_its_cap_is_refused_and_nothing_is_kept(
    client: TestClient, workspace: Path, plan_id: str
) -> None:
    too_big = b"PK\x03\x04" + b"\0" * (WORKBOOK_LIMIT + 1)
    answer = client.post("/api/plans", content=too_big, headers=OURS)
    assert answer.status_code == 413 and "30 MB" in answer.json()["error"]
    form = b"PK\x03\x04" + b"\0" * (FORM_LIMIT + 1)
    answer = client.put(f"/api/plans/{plan_id}/returned", content=form, headers=OURS)
    assert answer.status_code == 413
    assert [p.name for p in workspace.iterdir()] == [plan_id]
    assert not (workspace / plan_id / "phieu-tra-ve").exists()


def test_an_upload_that_is_no_workbook_is_named_and_not_kept(
    client: TestClient, workspace: Path
) -> None:
    headers = OURS | {"X-File-Name": "k%E1%BA%BF-ho%E1%BA%A1ch.xlsx"}
    answer = client.post("/api/plans", content=b"not a workbook", headers=headers)
    assert answer.status_code == 400 and "kế-hoạch.xlsx" in answer.json()["error"]
    assert "Traceback" not in answer.text and not any(workspace.iterdir())


@pytest.mark.parametrize(
    "path",
    [
        "/plans/%2E%2E/check",
        "/plans/ETC/check",
        "/plans/x%00/check",
        "/plans/6662-kh-ubnd-2022/files/%2E%2E/ke-hoach.xlsx",
        "/plans/6662-kh-ubnd-2022/files/ke-hoach.xlsx%00",
        "/plans/6662-kh-ubnd-2022/files/manifest.json/x",
        "/plans/6662-kh-ubnd-2022/files/a%5Cb",
        "/plans/6662-kh-ubnd-2022/changes/%2E%2E/ke-hoach.xlsx",
    ],
)
def test_a_path_outside_the_workspace_is_refused_in_words(
    client: TestClient, plan_id: str, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 400, answer.text
    assert "Không thực hiện được" in answer.text and "PK" not in answer.text


def test_a_request_a_browser_marks_as_from_another_site_is_refused(client: TestClient) -> None:
    for site in ("cross-site", "same-site"):
        answer = client.get("/", headers={"Sec-Fetch-Site": site})
        assert answer.status_code == 403 and "trang web khác" in answer.text
    assert client.get("/", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert client.get("/", headers={"Sec-Fetch-Site": "none"}).status_code == 200


def test_every_change_needs_the_token(client: TestClient, plan_id: str) -> None:
    origin = {"Origin": OURS["Origin"]}
    for method, path in (
        ("PUT", f"/api/plans/{plan_id}/workbook"),
        ("PUT", f"/api/plans/{plan_id}/returned"),
        ("DELETE", f"/api/plans/{plan_id}/returned/phieu-01.xlsx"),
        ("POST", f"/api/plans/{plan_id}/runs"),
        ("POST", f"/api/plans/{plan_id}/forms"),
        ("POST", f"/api/plans/{plan_id}/previews"),
        ("POST", "/api/plans/adopt"),
        ("POST", f"/api/plans/{plan_id}/pdf"),
        ("PUT", f"/api/plans/{plan_id}/signed"),
        ("DELETE", f"/api/plans/{plan_id}/signed/ky-01.pdf"),
        ("POST", f"/api/plans/{plan_id}/signed/record"),
    ):
        answer = client.request(method, path, content=b"{}", headers=origin)
        assert answer.status_code == 403, (method, path)


def test_an_unknown_page_is_said_in_vietnamese(client: TestClient) -> None:
    answer = client.get("/khong-co")
    assert answer.status_code == 404 and "Không có trang này" in answer.text


def test_a_link_in_the_output_folder_is_never_followed(
    client: TestClient, workspace: Path, plan_id: str, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("bí mật", "utf-8")
    out = workspace / plan_id / "van-ban"
    out.mkdir()
    os.symlink(secret, out / "01-ke-hoach.docx")
    answer = client.get(f"/plans/{plan_id}/files/01-ke-hoach.docx")
    assert answer.status_code == 400 and "bí mật" not in answer.text


def test_removing_a_returned_form_takes_only_a_form_the_desk_keeps(
    client: TestClient, workspace: Path, plan_id: str, tmp_path: Path
) -> None:
    forms = workspace / plan_id / "phieu-tra-ve"
    forms.mkdir()
    outside = tmp_path / "khac.xlsx"
    outside.write_bytes(b"not ours")
    os.symlink(outside, forms / "phieu-01.xlsx")
    for name in ("phieu-01.xlsx", "ke-hoach.xlsx", "phieu-1.xlsx"):
        answer = client.delete(f"/api/plans/{plan_id}/returned/{name}", headers=OURS)
        assert answer.status_code == 400 and "Không có phiếu" in answer.json()["error"], name
    assert outside.read_bytes() == b"not ours" and (forms / "phieu-01.xlsx").is_symlink()


def test_a_plan_folder_that_is_a_link_is_never_read_through(
    client: TestClient, workspace: Path, plan_id: str, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.docx").write_text("bí mật", "utf-8")
    os.symlink(elsewhere, workspace / plan_id / "van-ban")
    answer = client.get(f"/plans/{plan_id}/files/secret.docx")
    assert answer.status_code == 400 and "bí mật" not in answer.text
    assert client.get(f"/plans/{plan_id}/set.zip").status_code == 400


def test_a_replaced_workbook_and_a_removed_form_are_kept_in_the_history(
    client: TestClient, workspace: Path, plan_id: str
) -> None:
    from tests.result_forms.filling import bare_workbook

    corrected = bare_workbook(workspace.parent / "da-sua.xlsx").read_bytes()
    answer = client.put(f"/api/plans/{plan_id}/workbook", content=corrected, headers=OURS)
    assert answer.status_code == 200
    history = workspace / plan_id / ".history"
    [kept] = history.glob("ke-hoach.*.xlsx")
    assert kept.read_bytes() == EXAMPLE.read_bytes()
    assert (workspace / plan_id / "ke-hoach.xlsx").read_bytes() == corrected
    answer = client.put(f"/api/plans/{plan_id}/returned", content=corrected, headers=OURS)
    assert answer.status_code == 200
    assert client.delete(f"/api/plans/{plan_id}/returned/phieu-01.xlsx", headers=OURS).status_code == 200
    assert [p.read_bytes() for p in history.glob("phieu-tra-ve__phieu-01.*.xlsx")] == [corrected]


def test_a_real_server_refuses_a_rebinding_host(workspace: Path) -> None:
    import uvicorn

    port = free_port()
    app = create_app(workspace, port=port, token=TOKEN, runner=Runner())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/", headers={"Host": f"rebound.example:{port}"})
        refused = connection.getresponse()
        assert refused.status == 421
        refused.read()
        connection.putrequest("GET", "/", skip_host=True)  # no Host at all
        connection.endheaders()
        hostless = connection.getresponse()
        assert hostless.status in (400, 421)
        hostless.read()
        connection.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
        ours = connection.getresponse()
        assert ours.status == 200 and "Các kế hoạch" in ours.read().decode("utf-8")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_workbook_lying_in_the_workspace_is_added_by_its_name_only(
    client: TestClient, workspace: Path
) -> None:
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "ke-hoach-2022.xlsx").write_bytes(EXAMPLE.read_bytes())
    assert "ke-hoach-2022.xlsx" in client.get("/").text
    for name in ("../ke-hoach-2022.xlsx", "/etc/passwd", "khong-co.xlsx"):
        answer = client.post("/api/plans/adopt", json={"name": name}, headers=OURS)
        assert answer.status_code == 400, name
    answer = client.post("/api/plans/adopt", json={"name": "ke-hoach-2022.xlsx"}, headers=OURS)
    assert answer.status_code == 200 and answer.json()["plan"] == "6662-kh-ubnd-2022"


def test_signed_files_are_pdfs_kept_under_the_desks_names(
    client: TestClient, workspace: Path, plan_id: str
) -> None:
    answer = client.put(f"/api/plans/{plan_id}/signed", content=b"PK not a pdf", headers=OURS)
    assert answer.status_code == 400 and "không phải PDF" in answer.json()["error"]
    answer = client.post(f"/api/plans/{plan_id}/signed/record", headers=OURS)
    assert answer.status_code == 400 and "Chưa có bản đã ký" in answer.json()["error"]
    headers = OURS | {"X-File-Name": "..%2F..%2Fevil.pdf"}
    answer = client.put(f"/api/plans/{plan_id}/signed", content=b"%PDF-1.7\n", headers=headers)
    assert answer.status_code == 200
    assert [p.name for p in (workspace / plan_id / "ban-ky-nhan-ve").iterdir()] == ["ky-01.pdf"]
    answer = client.delete(f"/api/plans/{plan_id}/signed/ke-hoach.xlsx", headers=OURS)
    assert answer.status_code == 400
