"""Paths and names the OS refuses: said in Vietnamese before anything is written.

``--out`` that is a file, sits under a file, cannot be written or is too long is exit 2 naming
it; a unit whose file name would pass the OS's limit is exit 2 at its name's cell; an audit log
entry with an impossible path is one problem of ``audit verify``, never a crash.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.support import Canary, Result, cli, documents, rename_unit, run, workbook
from vanban.issuing.audit import AuditLog

pytestmark = pytest.mark.usefixtures("prefect_harness")


def assert_bad_input(result: Result, *named: str) -> None:
    result.assert_clean()
    assert result.code == 2, result.text
    for name in named:
        assert name in result.text, (name, result.text)


def test_out_naming_an_existing_file(tmp_path: Path, canary: Canary) -> None:
    target = tmp_path / "ke-hoach.docx"
    target.write_bytes(b"a clerk's own file")
    result = run(workbook(tmp_path), target)
    assert_bad_input(result, str(target), "là một tệp, không phải thư mục")
    assert target.read_bytes() == b"a clerk's own file"
    canary.assert_untouched()


def test_out_inside_a_file(tmp_path: Path, canary: Canary) -> None:
    target = tmp_path / "ghi-chu.txt"
    target.write_bytes(b"x")
    result = run(workbook(tmp_path), target / "out")
    assert_bad_input(result, str(target / "out"), "không phải thư mục")
    assert target.read_bytes() == b"x"
    canary.assert_untouched()


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder this process cannot write into: permission bits, or for root a kernel folder."""
    if os.geteuid() == 0:
        yield Path("/sys/kernel")  # root ignores permission bits; sysfs refuses new files
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    yield folder
    folder.chmod(0o700)


def test_out_naming_a_folder_that_cannot_be_written(
    tmp_path: Path, canary: Canary, unwritable: Path
) -> None:
    before = sorted(os.listdir(unwritable))
    result = run(workbook(tmp_path), unwritable)
    assert_bad_input(result, str(unwritable), "Không ghi được vào thư mục đầu ra", "--out")
    assert sorted(os.listdir(unwritable)) == before
    result = run(workbook(tmp_path), unwritable / "moi")
    assert_bad_input(result, str(unwritable / "moi"), "--out")
    assert not (unwritable / "moi").exists()
    canary.assert_untouched()


def test_out_with_a_folder_name_too_long(tmp_path: Path, canary: Canary) -> None:
    target = tmp_path / ("thu-muc-" * 40)
    result = run(workbook(tmp_path), target / "out")
    assert_bad_input(result, "Không tạo được thư mục đầu ra", "quá dài")
    canary.assert_untouched()


def test_out_so_deep_that_the_whole_path_is_too_long(tmp_path: Path, canary: Canary) -> None:
    target = tmp_path.joinpath(*(["a" * 200] * 21))
    result = run(workbook(tmp_path), target)
    assert_bad_input(result, "đường dẫn", "quá dài", "--out")
    assert not (tmp_path / ("a" * 200)).exists()  # refused before the folder was made
    canary.assert_untouched()


@pytest.mark.parametrize("length", [330, 200])
def test_a_unit_name_too_long_for_a_file_name(
    tmp_path: Path, canary: Canary, length: int
) -> None:
    # Long before a name is too long for a file (255 bytes), it is too long for the metadata of
    # the unit's documents: the bound at its cell (60 characters) refuses it first.
    long_name = ("Mỹ Quý " * 100)[:length].strip()
    wb = workbook(tmp_path, rename_unit("Mỹ Quý", long_name))
    out = tmp_path / "out"
    result = run(wb, out)
    assert_bad_input(result, 'Sheet "Đơn vị", ô C2', f"tên đơn vị dài {length} ký tự", "tối đa 60")
    assert documents(out) == [] and not out.exists()
    canary.assert_untouched()


def test_a_long_unit_name_in_another_column_order_is_named_at_its_own_cell(
    tmp_path: Path, canary: Canary
) -> None:
    def name_first(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Đơn vị"]
        for r in range(1, ws.max_row + 1):
            a, c = ws.cell(r, 1), ws.cell(r, 3)
            a.value, c.value = c.value, a.value

    wb = workbook(tmp_path, rename_unit("Láng Biển", "Láng Biển " * 40), name_first)
    result = run(wb, tmp_path / "out")
    assert_bad_input(result, 'Sheet "Đơn vị", ô A4')
    canary.assert_untouched()


def test_verify_survives_every_impossible_path_in_the_log(
    issued: Path, canary: Canary
) -> None:
    log = AuditLog(issued / "audit.jsonl")
    hostile = ["x" * 300 + ".docx", "03-giay-moi/" + "y" * 5000, "a\x00b.docx", "\x1b[2J.docx"]
    for path in hostile:
        log.append({"event": "issued", "path": path, "sha256": "0" * 64})
    # An entry with a path that is no string, appended by hand with a correct chain.
    with open(issued / "audit.jsonl", "rb") as handle:
        last = handle.read().splitlines()[-1]
    from vanban.files import sha256_bytes

    entry = {"event": "issued", "path": 42, "prev": sha256_bytes(last)}
    with open(issued / "audit.jsonl", "ab") as handle:
        handle.write(json.dumps(entry).encode() + b"\n")
    result = cli("audit", "verify", issued)
    result.assert_clean()
    assert result.code == 1, result.text
    lines = len((issued / "audit.jsonl").read_bytes().splitlines())
    for number in range(lines - 4, lines + 1):
        assert f"dòng {number}" in result.text, (number, result.text)
    assert "\x1b" not in result.out + result.err
    assert max(len(line) for line in result.out.splitlines()) < 1000
    canary.assert_untouched()


def test_out_naming_a_dangling_link(tmp_path: Path, canary: Canary) -> None:
    # The output folder may be a link the clerk made, but not one to nowhere: vanban would
    # otherwise create whatever folder it names, anywhere.
    target = tmp_path / "ra"
    os.symlink(canary.root / "khong-co", target)
    result = run(workbook(tmp_path), target)
    assert_bad_input(result, str(target), "không phải là thư mục", "--out")
    assert not (canary.root / "khong-co").exists()
    canary.assert_untouched()
