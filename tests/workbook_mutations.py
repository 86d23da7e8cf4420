"""Copies of the example workbook with one thing changed, for the workbook tests.

The example is the seed's data filled into the blank workbook (``tools.example_workbook.fill``
on ``build_blank_workbook()``), the content of ``inputs/thap-muoi-2022.xlsx``. A mutation is
a function that changes an openpyxl workbook in place; a raw file is bytes that are no workbook.
"""

from __future__ import annotations

import contextlib
import io
import sys
import zipfile
from collections.abc import Callable, Iterator
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from tools.example_workbook import example_bytes

Mutation = Callable[[Workbook], None]

PLAN = "Kế hoạch"
UNITS = "Đơn vị"
FUNDING = "Kinh phí"
TIERS = "Định mức kinh phí"
SCHEDULE = "Lịch đối thoại"
RESULTS = "Kết quả"
OPINIONS = "Ý kiến"
TEXTS = "Nội dung"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@lru_cache(maxsize=1)
def example_data() -> bytes:
    return example_bytes()


def example_workbook() -> Workbook:
    return load_workbook(BytesIO(example_data()))


def save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def mutated(mutation: Mutation, path: Path) -> Path:
    wb = example_workbook()
    mutation(wb)
    return save(wb, path)


def plan_row(wb: Workbook, label: str) -> int:
    ws = wb[PLAN]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            return r
    raise KeyError(label)


# --- mutations ------------------------------------------------------------------------------


def put(sheet: str, coord: str, value: Any) -> Mutation:
    def change(wb: Workbook) -> None:
        wb[sheet][coord].value = value

    return change


def put_plan(label: str, value: Any) -> Mutation:
    """Set the "Giá trị" of a "Kế hoạch" item."""

    def change(wb: Workbook) -> None:
        wb[PLAN].cell(plan_row(wb, label), 2).value = value

    return change


def in_font(sheet: str, coord: str, font: str, value: str) -> Mutation:
    def change(wb: Workbook) -> None:
        cell = wb[sheet][coord]
        cell.value = value
        cell.font = Font(name=font)

    return change


def delete_sheet(name: str) -> Mutation:
    def change(wb: Workbook) -> None:
        del wb[name]

    return change


def rename_sheet(name: str, new: str) -> Mutation:
    def change(wb: Workbook) -> None:
        wb[name].title = new

    return change


def clear_sheet(name: str) -> Mutation:
    def change(wb: Workbook) -> None:
        ws = wb[name]
        ws.delete_rows(1, ws.max_row)

    return change


def delete_rows(sheet: str, row: int, amount: int = 1) -> Mutation:
    def change(wb: Workbook) -> None:
        wb[sheet].delete_rows(row, amount)

    return change


def delete_plan_item(label: str) -> Mutation:
    def change(wb: Workbook) -> None:
        wb[PLAN].delete_rows(plan_row(wb, label))

    return change


def delete_column(sheet: str, column: int) -> Mutation:
    def change(wb: Workbook) -> None:
        wb[sheet].delete_cols(column)

    return change


def swap_columns(sheet: str, a: int, b: int) -> Mutation:
    """Exchange two whole columns, headers and data: the same table in another order."""

    def change(wb: Workbook) -> None:
        ws = wb[sheet]
        for r in range(1, ws.max_row + 1):
            first, second = ws.cell(r, a), ws.cell(r, b)
            first.value, second.value = second.value, first.value
            first.number_format, second.number_format = second.number_format, first.number_format

    return change


def both(*mutations: Mutation) -> Mutation:
    def change(wb: Workbook) -> None:
        for m in mutations:
            m(wb)

    return change


# --- files that are not workbooks -----------------------------------------------------------


def docx_like_zip() -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def truncated_xlsx() -> bytes:
    data = example_data()
    return data[: len(data) // 2]


RAW_FILES: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "csv": lambda: "STT;Đơn vị;Số hộ nghèo\n1;Xã Mỹ Quý;41\n".encode(),
    "password": lambda: OLE_MAGIC + bytes(range(256)) * 8,
    "docx": docx_like_zip,
    "truncated": truncated_xlsx,
}


# --- running the real entry point -----------------------------------------------------------


def flat(text: str) -> str:
    """Terminal output without the line breaks Rich adds to fit its width."""
    return " ".join(text.split())


@contextlib.contextmanager
def _argv(args: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = ["vanban", *args]
    try:
        yield
    finally:
        sys.argv = saved


def run_main(args: list[str]) -> tuple[int, str, str]:
    """``vanban.cli.app.main`` in this process: (exit code, stdout, stderr)."""
    from vanban.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with _argv(args), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code
    return (code if isinstance(code, int) else 1), out.getvalue(), err.getvalue()
