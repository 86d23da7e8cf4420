"""Reading the plan workbook's file, sheets, header rows and cells, every problem named by cell.

This layer knows files, sheets and headers: it finds each sheet of :mod:`vanban.workbook.schema` (by
name, whatever its Unicode form or case), finds its columns by header rather than position, and
hands over each cell's text cleaned (NFC, legacy fonts converted, control characters dropped).
Typing a cell's value is :mod:`vanban.workbook.cells`' job; building the plan is :mod:`vanban.workbook.loader`'s.
"""

from __future__ import annotations

import hashlib
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from vanban.errors import Problem, WorkbookError
from vanban.text.legacy import convert_legacy
from vanban.text.names import clean_text, closest, match_key, nfc
from vanban.workbook.schema import GUIDE_SHEET, KV_HEADERS, SHEETS, Sheet

_HEADER_SEARCH_ROWS = 10
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A formula element in a sheet's XML, with or without a namespace prefix.
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
# C0 controls other than tab and line breaks cannot be written into a .docx; a tab is a space.
_CONTROLS = {i: None for i in range(32) if i not in (9, 10, 13)} | {9: " ", 0x7F: None}


class Problems:
    """Collects every finding, so a clerk sees all mistakes of a workbook at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, sheet: str | None, cell: str | None, message: str) -> None:
        self.items.append(Problem(sheet, cell, message, "error"))

    def warning(self, sheet: str | None, cell: str | None, message: str) -> None:
        self.items.append(Problem(sheet, cell, message, "warning"))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.items)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]


@dataclass
class Cell:
    sheet: str
    coord: str
    value: Any  # after text cleaning; None when empty
    formula: str | None = None  # the formula, when Excel never stored its result
    error: str | None = None  # an Excel error value such as "#REF!"


@dataclass
class Row:
    number: int  # the Excel row number
    cells: dict[str, Cell] = field(default_factory=dict)

    def is_blank(self) -> bool:
        return all(
            c.value is None and c.formula is None and c.error is None for c in self.cells.values()
        )


@dataclass
class Table:
    sheet: Sheet
    rows: list[Row]
    header_row: int = 1
    columns: dict[str, int] = field(default_factory=dict)  # field key -> column number

    def has(self, key: str) -> bool:
        return key in self.columns


class WorkbookFile:
    """An opened workbook: the values Excel stored, and the formulas behind them."""

    def __init__(self, path: Path, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        data = _read_bytes(path)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.values, self.formulas = _open(path, data)

    def find_sheet(self, name: str) -> Worksheet | None:
        wanted = match_key(name)
        for ws_name in self.values.sheetnames:
            if match_key(ws_name) == wanted:
                ws = self.values[ws_name]
                if isinstance(ws, Worksheet):
                    return ws
                self.problems.error(name, None, "sheet là biểu đồ, không phải bảng dữ liệu")
                return None
        return None

    def read_table(self, spec: Sheet) -> Table | None:
        """Rows of a sheet keyed by field; None (with a problem) when the sheet cannot be read."""
        ws = self.find_sheet(spec.name)
        if ws is None:
            if spec.required:
                self._missing_sheet(spec.name)
            return None
        if not _has_values(ws):
            if spec.required:
                self.problems.error(
                    spec.name, None, "sheet trống: không có dòng tiêu đề và dữ liệu"
                )
            else:
                self.problems.warning(spec.name, None, "sheet trống, bỏ qua")
            return None
        fields = {f.label: f.key for f in spec.fields} if not spec.key_value else {
            h: h for h in KV_HEADERS
        }
        header_row, found = self._find_header(ws, list(fields))
        if header_row is None:
            self.problems.error(
                spec.name, None,
                "không tìm thấy dòng tiêu đề trong 10 dòng đầu; cần các cột: "
                + ", ".join(f'"{label}"' for label in fields),
            )
            return None
        last_header = max(c for cols in found.values() for c in cols)
        span = f"A{header_row}:{get_column_letter(last_header)}{header_row}"
        columns: dict[str, int] = {}
        for label, key in fields.items():
            cols = found.get(match_key(label), [])
            if cols:
                columns[key] = cols[0]
                for extra in cols[1:]:
                    self.problems.error(
                        spec.name, f"{get_column_letter(extra)}{header_row}",
                        f'cột "{label}" có hai lần (đã có ở ô '
                        f"{get_column_letter(cols[0])}{header_row}); hãy xóa một cột",
                    )
            elif _column_required(spec, key):
                self.problems.error(
                    spec.name, span, f'dòng tiêu đề {header_row} thiếu cột "{label}"'
                )
        known = {match_key(label) for label in fields}
        for key_text, cols in found.items():
            if key_text not in known:
                for col in cols:
                    header = clean_text(str(ws.cell(header_row, col).value))
                    self.problems.warning(
                        spec.name, f"{get_column_letter(col)}{header_row}",
                        f'cột "{header}" không thuộc mẫu, bỏ qua',
                    )
        rows = list(self._rows(ws, spec.name, header_row, columns))
        return Table(spec, rows, header_row, columns)

    def _missing_sheet(self, name: str) -> None:
        ours = {match_key(s.name) for s in SHEETS} | {match_key(GUIDE_SHEET)}
        others = [n for n in self.values.sheetnames if match_key(n) not in ours]
        near = closest(name, others, n=1)
        hint = f'; có sheet "{near[0]}", hãy đổi tên thành "{name}"' if near else ""
        self.problems.error(name, None, f'thiếu sheet "{name}"{hint}')

    def _find_header(
        self, ws: Worksheet, wanted: list[str]
    ) -> tuple[int | None, dict[str, list[int]]]:
        wanted_keys = {match_key(w) for w in wanted}
        best: tuple[int, int | None, dict[str, list[int]]] = (0, None, {})
        last_row = min(ws.max_row, _HEADER_SEARCH_ROWS)
        for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=last_row), start=1):
            cols: dict[str, list[int]] = {}
            for c, cell in enumerate(cells, start=1):
                v = cell.value
                if isinstance(v, str) and v.strip():
                    text = convert_legacy(v, _font_name(cell)) or v
                    cols.setdefault(match_key(text), []).append(c)
            hits = len(wanted_keys & cols.keys())
            # Half the headers is enough to recognise the row; the missing ones are then reported.
            if hits > best[0] and hits * 2 >= len(wanted_keys):
                best = (hits, r, cols)
        return best[1], best[2]

    def _rows(
        self, ws: Worksheet, sheet: str, header_row: int, columns: dict[str, int]
    ) -> Iterator[Row]:
        fws = self.formulas[ws.title] if self.formulas is not None else None
        if not columns:
            return
        first, last = min(columns.values()), max(columns.values())
        for r in _stored_rows(ws, fws, after=header_row, first=first, last=last):
            row = Row(r)
            for key, c in columns.items():
                cell = ws.cell(r, c)
                coord = f"{get_column_letter(c)}{r}"
                raw = cell.value
                formula = error = None
                if cell.data_type == "e":
                    error, raw = str(raw), None
                elif raw is None and fws is not None:
                    f = fws.cell(r, c).value
                    if isinstance(f, str) and f.startswith("="):
                        formula = f
                    elif f is not None and not isinstance(f, str):
                        formula = "=" + str(getattr(f, "text", "") or "")  # array formulas
                value = self._clean(sheet, coord, raw, _font_name(cell))
                row.cells[key] = Cell(sheet, coord, value, formula, error)
            if not row.is_blank():
                yield row

    def _clean(self, sheet: str, coord: str, raw: Any, font: str | None) -> Any:
        if not isinstance(raw, str):
            return raw
        converted = convert_legacy(raw, font)
        if converted is not None and converted != raw:
            self.problems.warning(
                sheet, coord,
                f'ô dùng phông cũ "{font}", đã chuyển sang Unicode: "{clean_text(converted)}"',
            )
            raw = converted
        # Line breaks (Alt+Enter) are kept for fields that are lists of lines; each line is cleaned.
        text = nfc(raw).translate(_CONTROLS).replace("\r\n", "\n").replace("\r", "\n")
        lines = [clean_text(line) for line in text.split("\n")]
        return "\n".join(line for line in lines if line) or None


def _font_name(cell: Any) -> str | None:
    font = getattr(cell, "font", None)
    name = getattr(font, "name", None) if font is not None else None
    return name if isinstance(name, str) else None


def _column_required(spec: Sheet, key: str) -> bool:
    if spec.key_value:
        return key in KV_HEADERS[:2]
    return spec.field(key).required


def _has_values(ws: Worksheet) -> bool:
    return any(cell.value is not None for cell in ws._cells.values())


def _stored_rows(*sheets: Worksheet | None, after: int, first: int, last: int) -> list[int]:
    """Rows below ``after`` holding a value between the two columns, in order.

    openpyxl keeps only the cells a file stores: looking there rather than walking every row up
    to ``max_row`` keeps a stray value at row 1.048.576 from costing a million empty rows.
    """
    rows: set[int] = set()
    for ws in sheets:
        if ws is not None:
            rows.update(
                r for (r, c), cell in ws._cells.items()
                if r > after and first <= c <= last and cell.value is not None
            )
    return sorted(rows)


def _fail(path: Path, message: str) -> WorkbookError:
    return WorkbookError([Problem(None, None, message)], str(path))


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise _fail(path, "không tìm thấy tệp")
    if path.is_dir():
        raise _fail(path, "đây là thư mục, cần một tệp .xlsx")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"không đọc được tệp ({exc.strerror or type(exc).__name__})") from exc


def _open(path: Path, data: bytes) -> tuple[Workbook, Workbook | None]:
    if not data:
        raise _fail(path, "tệp rỗng (0 byte), không phải bảng tính Excel .xlsx")
    if data.startswith(_OLE_MAGIC):
        # An OLE container: an .xlsx that Excel encrypted with a password, or an old .xls.
        raise _fail(
            path,
            "tệp có mật khẩu hoặc là định dạng .xls cũ: hãy mở bằng Excel, bỏ mật khẩu và lưu lại "
            "dạng .xlsx",
        )
    if data.startswith(b"PK") and not zipfile.is_zipfile(BytesIO(data)):
        raise _fail(
            path, "tệp .xlsx bị hỏng (không giải nén được): hãy mở bằng Excel và lưu lại"
        )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise _fail(
            path, "tệp không phải bảng tính Excel .xlsx: hãy mở bằng Excel và lưu dạng .xlsx"
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            has_formulas = any(
                _FORMULA_TAG.search(archive.read(n))
                for n in names
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError) as exc:
        raise _fail(path, f"tệp .xlsx bị hỏng, không giải nén được ({type(exc).__name__})") from exc
    if "xl/workbook.xml" not in names:
        raise _fail(
            path,
            "tệp nén này không phải bảng tính .xlsx (có thể là .docx hoặc .ods): hãy lưu lại dạng "
            ".xlsx",
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it drops (extensions, odd dates); the reader reports cells.
            warnings.simplefilter("ignore")
            values = load_workbook(BytesIO(data), data_only=True)
            formulas = load_workbook(BytesIO(data), data_only=False) if has_formulas else None
    except Exception as exc:  # openpyxl raises many kinds of error on a malformed part
        raise _fail(
            path, f"không đọc được tệp .xlsx: tệp hỏng hoặc sai định dạng ({type(exc).__name__})"
        ) from exc
    return values, formulas
