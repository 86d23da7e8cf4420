"""What a workbook may cost: a zip that inflates too far or holds too many entries is refused
before openpyxl reads it, only regular files are opened, and `vanban run` reads a workbook once."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT
from tests.hostile.hostile_workbooks import (
    MAIN,
    cli,
    example_with,
    refused,
    rezip,
    sheet_part,
    write,
)
from tests.workbook_mutations import flat, put_plan
from vanban.workbook import archive, loader, reader
from vanban.workbook.loader import load_plan

MIB = 1024 * 1024


def _with_zeros(data: bytes, members: dict[str, int]) -> bytes:
    """The workbook with members of that many zero bytes: kilobytes in the zip, MiB inflated."""
    buf = BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        for name, size in members.items():
            with z.open(name, "w") as member:
                chunk = bytes(MIB)
                for _ in range(size // MIB):
                    member.write(chunk)
    return buf.getvalue()


def test_a_part_that_inflates_past_the_limit_is_refused_naming_it(tmp_path: Path) -> None:
    data = _with_zeros(example_with(), {"xl/sharedStrings.xml": 130 * MIB})
    assert len(data) < 2 * MIB  # a small file: only its inflated size is too large
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(
        None,
        None,
        "bảng tính quá lớn, vanban không đọc: phần xl/sharedStrings.xml "
        "giải nén ra 130 MiB, tối đa 128 MiB một phần",
    )


def test_a_workbook_that_inflates_past_the_total_is_refused(tmp_path: Path) -> None:
    parts = {f"xl/media/image{i}.png": 100 * MIB for i in range(1, 4)}
    data = _with_zeros(example_with(), parts)
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    # 300 MiB of planted parts, plus the workbook's own (under a MiB, rounded either way).
    assert any(
        outcome.says(None, None, f"giải nén ra {n} MiB, tối đa 256 MiB") for n in (300, 301)
    )
    assert f"Tệp {tmp_path / 'ke-hoach.xlsx'}" in outcome.text  # the file is named


def test_a_zip_of_too_many_entries_is_refused(tmp_path: Path) -> None:
    buf = BytesIO(example_with())
    with zipfile.ZipFile(buf, "a") as z:
        for i in range(archive.MAX_ENTRIES):
            z.writestr(f"xl/customXml/item{i}.xml", b"")
        entries = len(z.infolist())
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", buf.getvalue()))
    shown = f"{entries:,}".replace(",", ".")
    assert outcome.says(None, None, f"tệp nén có {shown} mục, tối đa 10.000")


def _sheet_of_too_many_cells() -> bytes:
    """One cell more than a workbook may hold, in twelve bytes of XML a cell."""
    cells = b"".join(b'<c r="A%d"/>' % r for r in range(1, archive.MAX_CELLS + 2))
    return b'<worksheet xmlns="%s"><sheetData><row r="1">%s</row></sheetData></worksheet>' % (
        MAIN.encode(), cells,
    )  # fmt: skip


def test_a_sheet_of_too_many_cells_is_refused_before_openpyxl_builds_them(tmp_path: Path) -> None:
    # Twelve bytes of XML a cell: small once inflated, gigabytes as openpyxl's objects.
    xml = _sheet_of_too_many_cells()
    data = example_with()
    part = sheet_part(data, "Hướng dẫn")
    data = rezip(data, lambda name, body: xml if name == part else body)
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(None, None, "tệp có 1.01")
    assert outcome.says(None, None, "ô, tối đa 1.000.000")


def test_cells_in_a_sheet_stored_under_an_unusual_name_are_counted_too(tmp_path: Path) -> None:
    # The relations, not the part's name, tell openpyxl where a sheet is: move the guide sheet.
    xml = _sheet_of_too_many_cells()
    data = example_with()
    part = sheet_part(data, "Hướng dẫn")
    moved = "xl/khac/huong-dan.bin"

    def change(name: str, body: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(part.removeprefix("xl/").encode(), b"khac/huong-dan.bin")
        return body

    with zipfile.ZipFile(BytesIO(rezip(data, change))) as z:
        buf = BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                if info.filename != part:
                    out.writestr(info.filename, z.read(info.filename))
            out.writestr(moved, xml)
    assert sheet_part(buf.getvalue(), "Hướng dẫn") == moved
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", buf.getvalue()))
    assert outcome.says(None, None, "ô, tối đa 1.000.000")


def test_a_sheet_of_too_many_empty_rows_is_refused(tmp_path: Path) -> None:
    # A row with an attribute and no cell is still an object in openpyxl.
    rows = b"".join(b'<row r="%d" hidden="1"/>' % r for r in range(1, archive.MAX_CELLS + 2))
    xml = b'<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (MAIN.encode(), rows)
    data = example_with()
    part = sheet_part(data, "Hướng dẫn")
    data = rezip(data, lambda name, body: xml if name == part else body)
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(None, None, "dòng, tối đa 1.000.000")


def test_a_fifo_is_refused_at_once_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "ke-hoach.xlsx"
    os.mkfifo(fifo)
    # Its own process, with a deadline: a reader that opened the FIFO would wait for a writer.
    proc = subprocess.run(
        [sys.executable, "-m", "vanban", "run", str(fifo), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "đây không phải tệp thông thường (FIFO, thiết bị hoặc socket)" in flat(proc.stderr)
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ke-hoach.xlsx"]


def test_a_device_is_refused(tmp_path: Path) -> None:
    outcome = refused(tmp_path, Path(os.devnull))
    assert outcome.says(None, None, "đây không phải tệp thông thường (FIFO, thiết bị hoặc socket)")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ke-hoach.xlsx"
    folder.mkdir()
    outcome = refused(tmp_path, folder)
    assert outcome.says(None, None, "đây là thư mục, cần một tệp .xlsx")


def test_a_second_read_of_unchanged_bytes_is_the_same_plan(tmp_path: Path) -> None:
    # No plan is kept between reads (a run reads its workbook once): the same bytes read again
    # give an equal plan, and an edit is read anew, even one that keeps the file's size and time.
    path = write(tmp_path / "ke-hoach.xlsx", EXAMPLE.read_bytes())
    first = load_plan(path)
    assert load_plan(path) == first
    stat = path.stat()
    path.write_bytes(example_with(put_plan("Số kế hoạch", 6663)))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = load_plan(path)
    assert edited != first and edited.ref.number == 6663


@pytest.mark.usefixtures("prefect_harness")
def test_vanban_run_opens_the_workbook_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = example_with(put_plan("Số kế hoạch", 7001))
    path = write(tmp_path / "ke-hoach.xlsx", data)
    opened: list[Path] = []
    real = reader.WorkbookFile

    def counting(*args: object, **kwargs: object) -> object:
        opened.append(Path(str(args[0])))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "WorkbookFile", counting)
    out = tmp_path / "out"
    outcome = cli(tmp_path, "run", str(path), "--out", str(out), "--only", "plan", out=out)
    assert outcome.code == 0, outcome.text
    assert opened == [path]  # the CLI's read; the flow's read was the cached plan
    assert (out / "01-ke-hoach.docx").is_file()
