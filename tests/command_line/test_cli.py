"""The command line as a clerk uses it: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.command_line.running import vanban
from tests.conftest import EXAMPLE, EXAMPLE_ISSUED


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    out = tmp / "out"
    home = tmp / "prefect"
    proc = vanban("run", str(EXAMPLE), "--out", str(out), home=home)
    assert proc.returncode == 0, proc.stderr
    # A first run on a fresh machine: no traceback, no error lines from the temporary server.
    assert "Traceback" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    # It says first which server it uses; the temporary server's own output went to its log.
    assert "dùng máy chủ tạm" in proc.stderr.splitlines()[0]
    assert (home / "logs" / "temporary-server.log").is_file()
    # Progress, one plain line per step when the output is not a terminal.
    for line in ("Khởi động Prefect: xong", "Kiểm tra bảng tính: xong", "Kế hoạch: 2/2 văn bản"):
        assert line in proc.stderr, proc.stderr
    # The 11 sign-in lists of units without a roster are no work of the stage, nor outstanding.
    assert "Giấy mời: 15/15 văn bản (" in proc.stderr
    assert f"Tổng: đã phát hành {EXAMPLE_ISSUED}, không cần lập 11." in proc.stdout
    assert str(out) in proc.stdout
    # A short summary: one row per kind of document, then what waits and why.
    assert len(proc.stdout.splitlines()) < 25
    assert "Danh sách mời" in proc.stdout and "Giấy mời" in proc.stdout
    return out


def test_check_prints_a_summary() -> None:
    proc = vanban("check", str(EXAMPLE))
    assert proc.returncode == 0
    for text in ("Bảng tính hợp lệ", "6662/KH-UBND", "1.179", "11.300.000đ", "13"):
        assert text in proc.stdout


def test_check_bad_workbook_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("không phải bảng tính")
    proc = vanban("check", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and ".xlsx" in proc.stderr


def test_audit_verify_and_show(issued: Path, tmp_path: Path) -> None:
    proc = vanban("audit", "verify", str(issued))
    assert proc.returncode == 0 and "32" in proc.stdout
    shown = vanban("audit", "show", str(issued), "--unit", "Mỹ Quý")
    assert shown.returncode == 0
    assert "xa-my-quy" in shown.stdout and "xa-my-dong" not in shown.stdout

    copy = tmp_path / "copy"
    shutil.copytree(issued, copy)
    (copy / "02-phu-luc-phan-bo-kinh-phi.docx").write_bytes(b"edited")
    broken = vanban("audit", "verify", str(copy))
    assert broken.returncode == 1
    assert "02-phu-luc-phan-bo-kinh-phi.docx" in broken.stdout


def test_review_check_finds_no_format_problem(issued: Path) -> None:
    proc = vanban("review", "--check", str(issued))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.count("đạt thể thức") == EXAMPLE_ISSUED


def test_unknown_unit_is_a_clear_error(issued: Path, tmp_path: Path) -> None:
    proc = vanban(
        "run", str(EXAMPLE), "--out", str(issued), "--unit", "Mỹ Qúi Tây", home=tmp_path / "prefect"
    )
    assert proc.returncode == 2
    assert "Xã Mỹ Quý" in proc.stderr and "Traceback" not in proc.stderr


def test_new_workbook_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "ke-hoach-2023.xlsx"
    assert vanban("new-workbook", str(target)).returncode == 0
    before = target.read_bytes()
    again = vanban("new-workbook", str(target))
    assert again.returncode == 4 and target.read_bytes() == before
