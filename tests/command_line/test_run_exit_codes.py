"""``vanban run`` as a process: the server it uses, and the exit code of each kind of failure.

The runs share one local server started with ``vanban server start`` for the module, as an office
would keep one, so that each run does not boot its own temporary server.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.command_line.running import free_port, vanban
from tests.conftest import EXAMPLE, TEMPLATES


@pytest.fixture(scope="module")
def server_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    started = vanban("server", "start", "--port", str(port), home=home)
    assert started.returncode == 0, started.stdout + started.stderr
    assert f"http://127.0.0.1:{port}" in started.stdout
    status = vanban("server", "status", home=home)
    assert status.returncode == 0 and f"http://127.0.0.1:{port}" in status.stdout
    try:
        yield home
    finally:
        stopped = vanban("server", "stop", home=home)
        assert stopped.returncode == 0 and "Đã dừng" in stopped.stdout
        after = vanban("server", "status", home=home)
        assert after.returncode == 1 and "không chạy" in after.stdout


def no_traceback(proc: object) -> None:
    text = getattr(proc, "stdout", "") + getattr(proc, "stderr", "")
    assert "Traceback" not in text, text


def test_a_run_uses_the_local_server_and_says_so_first(server_home: Path, tmp_path: Path) -> None:
    proc = vanban("run", str(EXAMPLE), "--out", str(tmp_path / "out"), "--only", "plan",
                  home=server_home)
    assert proc.returncode == 0, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert "máy chủ cục bộ" in first and "http://127.0.0.1:" in first
    assert "Kế hoạch: 2/2 văn bản" in proc.stderr  # the plan and the decision
    assert (tmp_path / "out" / "01-ke-hoach.docx").is_file()
    no_traceback(proc)


def test_bad_input_exits_2_and_writes_nothing(server_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    book = load_workbook(EXAMPLE)
    book["Đơn vị"]["D7"] = "ba mươi"
    book.save(bad)
    proc = vanban("run", str(bad), "--out", str(tmp_path / "out"), home=server_home)
    assert proc.returncode == 2
    assert 'Sheet "Đơn vị", ô D7' in proc.stderr
    assert not (tmp_path / "out").exists()
    no_traceback(proc)


def break_a_tag(template: Path) -> None:
    """Rewrite ``template`` with one of its Jinja tags missing a closing brace."""
    with zipfile.ZipFile(template) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename == "word/document.xml":
                assert b"{{ doc.symbol }}" in data
                data = data.replace(b"{{ doc.symbol }}", b"{{ doc.symbol }", 1)
            target.writestr(info, data)


def test_a_broken_template_exits_3(server_home: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    break_a_tag(templates / "ke-hoach.docx")
    out = tmp_path / "out"
    proc = vanban("run", str(EXAMPLE), "--out", str(out), "--templates", str(templates),
                  home=server_home)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    # Refused while the run is prepared: said as an error, and nothing at all is written.
    assert "ke-hoach.docx" in proc.stderr and "cú pháp" in proc.stderr
    assert not out.exists()
    no_traceback(proc)


def test_a_file_where_a_folder_must_be_exits_4(server_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "03-giay-moi").write_text("không phải thư mục", "utf-8")
    proc = vanban("run", str(EXAMPLE), "--out", str(out), "--only", "invitations",
                  home=server_home)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "không phải thư mục" in proc.stdout
    assert (out / "03-giay-moi").read_text("utf-8") == "không phải thư mục"
    no_traceback(proc)


def test_an_edited_document_exits_4_and_is_kept(server_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = vanban("run", str(EXAMPLE), "--out", str(out), "--only", "plan", home=server_home)
    assert first.returncode == 0, first.stderr
    plan_doc = out / "01-ke-hoach.docx"
    edited = plan_doc.read_bytes() + b"\0"  # any change after issue is an edit
    plan_doc.write_bytes(edited)
    proc = vanban("run", str(EXAMPLE), "--out", str(out), "--only", "plan", home=server_home)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "--force" in proc.stdout
    assert plan_doc.read_bytes() == edited
    no_traceback(proc)


# A full disk cannot be made without privileges on every machine, so this run's process makes
# every write of one document fail as a full disk does (ENOSPC), then runs the real command line.
FULL_DISK = """
import errno, sys
from pathlib import Path
from vanban.issuing import storage
real, name = storage.atomic_write, sys.argv[1]
def full_disk(path, data, **kw):
    if Path(path).name == name:
        raise OSError(errno.ENOSPC, "No space left on device")
    real(path, data, **kw)
storage.atomic_write = full_disk
from vanban.cli.app import main
sys.argv = ["vanban", *sys.argv[2:]]
main()
"""


def test_a_full_disk_that_does_not_clear_exits_75(server_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = vanban("xa-tan-kieu.docx", "run", str(EXAMPLE), "--out", str(out), "--only",
                  "invitations", home=server_home, command=("-c", FULL_DISK))
    assert proc.returncode == 75, proc.stdout + proc.stderr
    assert "ổ đĩa đã đầy" in proc.stdout
    assert not (out / "03-giay-moi" / "xa-tan-kieu.docx").exists()
    assert (out / "03-giay-moi" / "xa-my-quy.docx").is_file()
    no_traceback(proc)


def test_a_temporary_server_that_cannot_start_exits_75(tmp_path: Path) -> None:
    # No local server in this home; a start-up timeout no server can meet.
    proc = vanban("run", str(EXAMPLE), "--out", str(tmp_path / "out"), "--verbose",
                  home=tmp_path / "home",
                  env={"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "0"})
    assert proc.returncode == 75, proc.stdout + proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Lỗi:")]
    assert len(errors) == 1 and "vanban server start" in errors[0], proc.stderr
    assert "không khởi động được" in errors[0]
    # --verbose shows where the temporary server's own log is.
    assert str(tmp_path / "home" / "logs" / "temporary-server.log") in proc.stderr
    assert not (tmp_path / "out").exists()
    no_traceback(proc)
