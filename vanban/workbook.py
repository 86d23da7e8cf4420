"""Reading the plan workbook cell by cell, with every problem named by sheet and cell.

This layer knows files, sheets, headers and cell types; it turns each cell into a clean Python
value (NFC text, legacy fonts converted, numbers typed as text read as numbers) and records a
:class:`~vanban.errors.Problem` for everything it cannot read. Building the plan and checking the
rules between sheets is :mod:`vanban.loader`'s job.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from vanban.errors import Problem, WorkbookError
from vanban.formatting import group_digits, lower_first
from vanban.legacy import convert_legacy
from vanban.names import clean_text, match_key, nfc
from vanban.schema import KV_HEADERS, Field, Sheet

_HEADER_SEARCH_ROWS = 10


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


@dataclass
class Row:
    number: int  # the Excel row number
    cells: dict[str, Cell] = field(default_factory=dict)

    def is_blank(self) -> bool:
        return all(c.value is None and c.formula is None for c in self.cells.values())


@dataclass
class Table:
    sheet: Sheet
    rows: list[Row]


def shown(value: Any) -> str:
    """How a found value is quoted back to the clerk."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return group_digits(Decimal(str(value)), None) if value != int(value) else str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time(0) else value.strftime(
            "%d/%m/%Y"
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class WorkbookFile:
    """An opened workbook: the values Excel stored, and the formulas behind them."""

    def __init__(self, path: Path, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.values, self.formulas = _open(path)

    def sheet_names(self) -> list[str]:
        return list(self.values.sheetnames)

    def find_sheet(self, name: str) -> Worksheet | None:
        wanted = match_key(name)
        for ws_name in self.values.sheetnames:
            if match_key(ws_name) == wanted:
                ws = self.values[ws_name]
                assert isinstance(ws, Worksheet)
                return ws
        return None

    def read_table(self, spec: Sheet) -> Table | None:
        """Rows of a table sheet keyed by field; None (with a problem) when it cannot be read."""
        ws = self.find_sheet(spec.name)
        if ws is None:
            if spec.required:
                self.problems.error(spec.name, None, f'thiếu sheet "{spec.name}"')
            return None
        headers = spec.fields if not spec.key_value else ()
        wanted = [f.label for f in headers] if headers else list(KV_HEADERS)
        header_row, columns = self._find_header(ws, wanted)
        if header_row is None:
            if ws.max_row <= 1 and ws.max_column <= 1 and ws.cell(1, 1).value is None:
                self.problems.error(spec.name, None, "sheet trống, không có dòng tiêu đề nào")
            else:
                self.problems.error(
                    spec.name, None,
                    "không tìm thấy dòng tiêu đề (cần các cột: " + ", ".join(wanted) + ")",
                )
            return None
        label_to_key = {f.label: f.key for f in headers} if headers else {
            h: h for h in KV_HEADERS
        }
        present: dict[str, int] = {}
        for label, key in label_to_key.items():
            col = columns.get(match_key(label))
            if col is not None:
                present[key] = col
            else:
                required = (
                    spec.field(key).required if headers else label in KV_HEADERS[:2]
                )
                if required:
                    self.problems.error(
                        spec.name, f"{header_row}", f'thiếu cột "{label}" ở dòng tiêu đề {header_row}'
                    )
        known = {match_key(label) for label in label_to_key}
        for key_text, col in columns.items():
            if key_text not in known:
                letter = get_column_letter(col)
                header = ws.cell(header_row, col).value
                self.problems.warning(
                    spec.name, f"{letter}{header_row}",
                    f'cột "{header}" không thuộc mẫu, bỏ qua',
                )
        rows = list(self._rows(ws, spec.name, header_row, present))
        return Table(spec, rows)

    def _find_header(self, ws: Worksheet, wanted: list[str]) -> tuple[int | None, dict[str, int]]:
        wanted_keys = {match_key(w) for w in wanted}
        best: tuple[int, int | None, dict[str, int]] = (0, None, {})
        for r in range(1, min(ws.max_row, _HEADER_SEARCH_ROWS) + 1):
            cols: dict[str, int] = {}
            for c in range(1, ws.max_column + 1):
                v = ws.cell(r, c).value
                if isinstance(v, str) and v.strip():
                    cols[match_key(clean_text(v))] = c
            hits = len(wanted_keys & cols.keys())
            # Half the headers is enough to recognise the row; the missing ones are then reported.
            if hits > best[0] and hits * 2 >= len(wanted_keys):
                best = (hits, r, cols)
        return best[1], best[2]

    def _rows(
        self, ws: Worksheet, sheet: str, header_row: int, columns: dict[str, int]
    ) -> Iterator[Row]:
        fws = self.formulas[ws.title]
        for r in range(header_row + 1, ws.max_row + 1):
            row = Row(r)
            for key, c in columns.items():
                cell = ws.cell(r, c)
                coord = f"{get_column_letter(c)}{r}"
                raw = cell.value
                formula = None
                if raw is None:
                    f = fws.cell(r, c).value
                    if isinstance(f, str) and f.startswith("="):
                        formula = f
                value = self._clean(sheet, coord, raw, cell.font.name if cell.font else None)
                row.cells[key] = Cell(sheet, coord, value, formula)
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
        lines = [clean_text(line) for line in nfc(raw).replace("\r", "\n").split("\n")]
        text = "\n".join(line for line in lines if line)
        return text or None


def _open(path: Path) -> tuple[Workbook, Workbook]:
    def fail(message: str) -> WorkbookError:
        return WorkbookError([Problem(None, None, message)], str(path))

    if not path.exists():
        raise fail(f"không tìm thấy tệp {path}")
    if path.is_dir():
        raise fail(f"{path} là thư mục, cần một tệp .xlsx")
    if path.stat().st_size == 0:
        raise fail("tệp rỗng (0 byte), không phải bảng tính Excel")
    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container: either an old .xls or an .xlsx that Excel encrypted with a password.
        raise fail(
            "tệp có mật khẩu hoặc là định dạng .xls cũ: hãy bỏ mật khẩu và lưu lại dạng .xlsx"
        )
    if not zipfile.is_zipfile(path):
        raise fail("tệp không phải bảng tính Excel .xlsx")
    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise fail(f"không đọc được tệp .xlsx ({type(exc).__name__}): tệp hỏng hoặc sai định dạng")
    return values, formulas


# ---- typed values -------------------------------------------------------------------------


def _what(f: Field) -> str:
    return lower_first(f.label)


def uncalculated(problems: Problems, cell: Cell, f: Field) -> bool:
    if cell.value is None and cell.formula is not None:
        problems.error(
            cell.sheet, cell.coord,
            f"{_what(f)}: công thức {cell.formula} chưa được tính, hãy mở và lưu lại tệp bằng Excel",
        )
        return True
    return False


_NUMBER_TEXT = re.compile(r"^-?\d{1,3}(\.\d{3})+$|^-?\d+$")


def _number_from_text(text: str) -> int | None:
    """ "1.179", "850.000đ", "11.300.000 đồng" -> int; None when it is not a written number."""
    t = text.strip().lower()
    for suffix in ("đồng", "đ", "vnđ", "vnd"):
        if t.endswith(suffix):
            t = t[: -len(suffix)].strip()
            break
    t = t.replace(" ", "")
    if not _NUMBER_TEXT.match(t):
        return None
    return int(t.replace(".", ""))


def read_int(problems: Problems, cell: Cell, f: Field, *, money: bool = False) -> int | None:
    if uncalculated(problems, cell, f):
        return None
    v = cell.value
    expected = (
        f"{_what(f)} phải là số tiền (đồng), số nguyên không âm"
        if money
        else f"{_what(f)} phải là số nguyên không âm"
    )
    if v is None:
        if f.required:
            problems.error(cell.sheet, cell.coord, f"{expected}, ô đang trống")
        return None
    if isinstance(v, bool) or isinstance(v, (datetime, date, time)):
        problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
        return None
    if isinstance(v, str):
        n = _number_from_text(v)
        if n is None or n < 0:
            problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
            return None
        problems.warning(
            cell.sheet, cell.coord, f"{_what(f)} ghi dạng chữ {shown(v)}, đã đọc là {group_digits(n)}"
        )
        return n
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
        return None
    if d < 0 or d != d.to_integral_value():
        problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
        return None
    return int(d)


_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def read_date(problems: Problems, cell: Cell, f: Field) -> date | None:
    if uncalculated(problems, cell, f):
        return None
    v = cell.value
    expected = f"{_what(f)} phải là ngày (ngày/tháng/năm)"
    if v is None:
        if f.required:
            problems.error(cell.sheet, cell.coord, f"{expected}, ô đang trống")
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        m = _DATE_TEXT.match(v)
        if m:
            try:
                d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                d = None
            if d is not None:
                problems.warning(
                    cell.sheet, cell.coord,
                    f"{_what(f)} ghi dạng chữ {shown(v)}, đã đọc là ngày {d:%d/%m/%Y}",
                )
                return d
    problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
    return None


_TIME_TEXT = re.compile(r"^(\d{1,2})\s*(?:[:hg]|giờ)\s*(\d{0,2})\s*(?:phút|p)?$", re.IGNORECASE)


def read_time(problems: Problems, cell: Cell, f: Field) -> time | None:
    if uncalculated(problems, cell, f):
        return None
    v = cell.value
    expected = f"{_what(f)} phải là giờ (ví dụ 07:30)"
    if v is None:
        if f.required:
            problems.error(cell.sheet, cell.coord, f"{expected}, ô đang trống")
        return None
    if isinstance(v, datetime):
        return v.time()
    if isinstance(v, time):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1:
        minutes = round(v * 24 * 60)
        return time(minutes // 60, minutes % 60)
    if isinstance(v, str):
        m = _TIME_TEXT.match(v.strip())
        if m and int(m.group(1)) < 24 and int(m.group(2) or 0) < 60:
            return time(int(m.group(1)), int(m.group(2) or 0))
    problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
    return None


def read_text(problems: Problems, cell: Cell, f: Field) -> str | None:
    if uncalculated(problems, cell, f):
        return None
    v = cell.value
    if v is None:
        if f.required:
            problems.error(cell.sheet, cell.coord, f"{_what(f)} không được để trống")
        return None
    if isinstance(v, str):
        if f.type != "lines":
            v = v.replace("\n", " ")
        if f.choices and match_key(v) not in {match_key(c) for c in f.choices}:
            problems.error(
                cell.sheet, cell.coord,
                f"{_what(f)} phải là một trong: {', '.join(f.choices)}; nhận được {shown(v)}",
            )
            return None
        if f.choices:
            return next(c for c in f.choices if match_key(c) == match_key(v))
        return v
    if isinstance(v, (datetime, date, time)):
        problems.error(cell.sheet, cell.coord, f"{_what(f)} phải là chữ, nhận được {shown(v)}")
        return None
    if f.type == "phone" and isinstance(v, (int, float)):
        # Excel drops the leading zero of a phone number typed as a number: put it back.
        text = str(int(v))
        return text if text.startswith("0") else "0" + text
    return shown(v)


def read_value(problems: Problems, cell: Cell, f: Field) -> Any:
    if f.type in ("int", "money"):
        return read_int(problems, cell, f, money=f.type == "money")
    if f.type == "date":
        return read_date(problems, cell, f)
    if f.type == "time":
        return read_time(problems, cell, f)
    return read_text(problems, cell, f)
