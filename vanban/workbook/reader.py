"""Reading the plan workbook's file, sheets, header rows and cells, every problem named by cell.

This layer knows files, sheets and headers: it finds each sheet of :mod:`vanban.workbook.schema` (by
name, whatever its Unicode form or case), finds its columns by header rather than position, and
hands over each cell's text cleaned (Excel's _xHHHH_ escapes decoded, legacy fonts converted,
NFC, control characters reported and dropped). What the clerk cannot see but vanban reads (hidden
sheets, rows and columns, external links, macros, over-long cells) is warned about at its cell;
the file itself is checked first by :mod:`vanban.workbook.archive`.
Typing a cell's value is :mod:`vanban.workbook.cells`' job; building the plan is :mod:`vanban.workbook.loader`'s.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from vanban.errors import Problem
from vanban.text.formatting import group_digits
from vanban.text.legacy import convert_legacy
from vanban.text.names import clean_text, closest, match_key, nfc
from vanban.workbook import archive
from vanban.workbook.escapes import decode_escapes, without_controls
from vanban.workbook.grid import DEFAULT_ENGINE, Book, Engine, GridCell, SheetGrid
from vanban.workbook.links import OutsideFormulas
from vanban.workbook.reference import open_reference
from vanban.workbook.schema import GUIDE_SHEET, KV_HEADERS, SHEETS, Sheet
from vanban.workbook.stream import open_stream
from vanban.workbook.visibility import STATES, hidden_findings, hides_value

_HEADER_SEARCH_ROWS = 10
# Excel holds at most 32.767 characters in a cell: a longer one was not typed in Excel, and
# Excel itself would cut it when the clerk opens and saves the file.
EXCEL_CELL_LIMIT = 32_767
# openpyxl reads both Excel serial 59 and the phantom serial 60 as this day.
_PHANTOM_CANDIDATE = date(1900, 2, 28)
# Cleaned text kept for reuse (a province's roster names the same units and groups on every row)
# holds at most this many strings before it starts again.
_CLEAN_CACHE = 65_536


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


@dataclass(slots=True)
class Cell:
    sheet: str
    coord: str
    value: Any  # after text cleaning; None when empty
    formula: str | None = None  # the formula, when Excel never stored its result
    error: str | None = None  # an Excel error value such as "#REF!"
    phantom_day: bool = False  # Excel's serial 60, the 29/02/1900 that never was


@dataclass(slots=True)
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

    def __init__(
        self, path: Path, problems: Problems, data: bytes | None = None,
        engine: Engine = DEFAULT_ENGINE, *, keep_cells: bool = True,
    ) -> None:  # fmt: skip
        """``data`` is the file's bytes when the caller has read them already; ``engine`` reads
        the sheets' XML (:mod:`vanban.workbook.grid`): the streaming reader, or openpyxl.

        Without ``keep_cells``, a sheet's cells are let go once its table is read: a caller that
        reads each sheet once (the plan's loader) does not hold a province's roster twice.
        """
        self.path = path
        self.keep_cells = keep_cells
        self.problems = problems
        if data is None:
            data = archive.read_regular_file(path)
        self.data = data
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.package = archive.inspect(path, data)
        self.book = _open(path, data, self.package.has_formulas, engine)
        self._ambiguous = self._check_sheet_names()
        self._outside: OutsideFormulas | None = None  # made when a formula is first read
        self._phantoms: dict[int, frozenset[str]] = {}  # by sheet position, read when needed
        # clean()'s results by (raw text, font) for text whose cleaning said nothing.
        self._cleaned: dict[tuple[str, str | None], Any] = {}
        self._hiding: dict[str, bool] = {}  # whether a number format shows nothing, by format
        self._warn_about_package()

    def sheet(self, title: str) -> SheetGrid | None:
        """The worksheet of exactly that title, without a warning; None when there is none."""
        return self.book.grid(title)

    def _check_sheet_names(self) -> set[str]:
        """Sheets whose names differ only in case, Unicode form or spacing: an error naming all.

        Which of them vanban would read is an accident of their order, and one may be a hidden
        copy planted to be read instead of the visible sheet; so none of them is read.
        """
        names = self._sheet_names()
        groups: dict[str, list[int]] = {}
        for i, (name, _) in enumerate(names):
            groups.setdefault(match_key(name), []).append(i)
        ambiguous = set()
        ours = {match_key(s.name): s.name for s in SHEETS}
        for key, positions in groups.items():
            if len(positions) < 2:
                continue
            ambiguous.add(key)
            described = ", ".join(
                f'"{names[i][0]}" (sheet thứ {i + 1}'
                + (f", {STATES[names[i][1]]}" if names[i][1] in STATES else "") + ")"
                for i in positions
            )
            self.problems.error(
                ours.get(key, names[positions[0]][0]), None,
                f"có {len(positions)} sheet trùng tên (chỉ khác chữ hoa, chữ thường, dạng "
                f"Unicode hoặc khoảng trắng): {described}; hãy xóa hoặc đổi tên sheet thừa",
            )
        return ambiguous

    def _sheet_names(self) -> list[tuple[str, str]]:
        """(name, state) of each sheet as the file gives them, in openpyxl's order."""
        stored = list(self.package.sheets)
        if len(stored) == len(self.book.sheets):
            return stored
        return [(title, state) for title, state, grid in self.book.sheets if grid is not None]

    def _warn_about_package(self) -> None:
        name = self.path.name
        if self.package.macros:
            self.problems.warning(
                None, None,
                f'tệp "{name}" có macro ({", ".join(self.package.macros)}): vanban không chạy '
                "macro, chỉ đọc giá trị Excel đã lưu; hãy kiểm tra tệp có nguồn tin cậy, hoặc lưu "
                "lại dạng .xlsx không có macro",
            )
        if self.package.external_links:
            self.problems.warning(
                None, None,
                f'tệp "{name}" có {len(self.package.external_links)} liên kết tới tệp hoặc nguồn '
                f"dữ liệu khác ({', '.join(self.package.external_links)}): giá trị lấy qua liên "
                "kết là bản Excel lưu lần cuối, có thể đã cũ; hãy ghi giá trị trực tiếp vào ô",
            )

    def find_sheet(self, name: str) -> SheetGrid | None:
        wanted = match_key(name)
        if wanted in self._ambiguous:
            return None  # reported as two sheets of one name
        for ws_name in self.book.sheetnames:
            if match_key(ws_name) == wanted:
                ws = self.book.grid(ws_name)
                if ws is not None:
                    state = ws.state
                    if state in STATES:
                        self.problems.warning(
                            name, None,
                            f'sheet "{ws_name}" {STATES[state]} nhưng vanban vẫn đọc: hãy bỏ ẩn '
                            "sheet và kiểm tra nội dung",
                        )
                    return ws
                self.problems.error(name, None, "sheet là biểu đồ, không phải bảng dữ liệu")
                return None
        return None

    def read_table(self, spec: Sheet) -> Table | None:
        """Rows of a sheet keyed by field; None (with a problem) when the sheet cannot be read."""
        ws = self.find_sheet(spec.name)
        if ws is None:
            if spec.required and match_key(spec.name) not in self._ambiguous:
                self._missing_sheet(spec.name)
            return None
        if not ws.has_values():
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
                    header = clean_text(decode_escapes(str(ws.cell(header_row, col).value)))
                    self.problems.warning(
                        spec.name, f"{get_column_letter(col)}{header_row}",
                        f'cột "{header}" không thuộc mẫu, bỏ qua',
                    )
        rows = list(self._rows(ws, spec.name, header_row, columns))
        self._warn_hidden(ws, spec, header_row, columns, [r.number for r in rows])
        if not self.keep_cells:
            ws.release()
        return Table(spec, rows, header_row, columns)

    def _warn_hidden(
        self, ws: SheetGrid, spec: Sheet, header_row: int, columns: dict[str, int], rows: list[int]
    ) -> None:
        for cell, message in hidden_findings(ws, spec, header_row, columns, rows):
            self.problems.warning(spec.name, cell, message)

    def _missing_sheet(self, name: str) -> None:
        ours = {match_key(s.name) for s in SHEETS} | {match_key(GUIDE_SHEET)}
        others = [n for n in self.book.sheetnames if match_key(n) not in ours]
        near = closest(name, others, n=1)
        hint = f'; có sheet "{near[0]}", hãy đổi tên thành "{name}"' if near else ""
        self.problems.error(name, None, f'thiếu sheet "{name}"{hint}')

    def _find_header(
        self, ws: SheetGrid, wanted: list[str]
    ) -> tuple[int | None, dict[str, list[int]]]:
        wanted_keys = {match_key(w) for w in wanted}
        best: tuple[int, int | None, dict[str, list[int]]] = (0, None, {})
        last_row = min(ws.max_row, _HEADER_SEARCH_ROWS)
        last_column = ws.max_column
        for r in range(1, last_row + 1):
            cols: dict[str, list[int]] = {}
            for c in range(1, last_column + 1):
                cell = ws.cell(r, c)
                v = cell.value
                if isinstance(v, str) and v.strip():
                    v = decode_escapes(v)
                    text = convert_legacy(v, cell.font) or v
                    cols.setdefault(match_key(text), []).append(c)
            hits = len(wanted_keys & cols.keys())
            # Half the headers is enough to recognise the row; the missing ones are then reported.
            if hits > best[0] and hits * 2 >= len(wanted_keys):
                best = (hits, r, cols)
        return best[1], best[2]

    def _rows(
        self, ws: SheetGrid, sheet: str, header_row: int, columns: dict[str, int]
    ) -> Iterator[Row]:
        if not columns:
            return
        first, last = min(columns.values()), max(columns.values())
        keys, numbers = list(columns), list(columns.values())
        letters = [get_column_letter(c) for c in numbers]
        read = self._read
        for r in ws.stored_rows(header_row, first, last):
            cells: dict[str, Cell] = {}
            blank = True  # as Row.is_blank, found while the row is read
            for key, letter, stored in zip(keys, letters, ws.row(r, numbers), strict=True):
                cell = cells[key] = read(ws, stored, sheet, f"{letter}{r}")
                if blank and not (cell.value is None and cell.formula is None and cell.error is None):
                    blank = False
            if not blank:
                yield Row(r, cells)

    def read_cell(self, ws: SheetGrid, sheet: str, r: int, c: int) -> Cell:
        """One cell as every reader of vanban takes it, with its warnings at its coordinate.

        Its stored value (Excel's, never a formula evaluated), its formula when Excel stored no
        value, its error value, the 29/02/1900 that never was; a formula that reads another file
        or a DDE or web source, and a number format that hides the value, are warned about.
        """
        return self._read(ws, ws.cell(r, c), sheet, f"{get_column_letter(c)}{r}")

    def _read(self, ws: SheetGrid, cell: GridCell, sheet: str, coord: str) -> Cell:
        """The cell of ``ws`` at ``coord``, as the grid gives it, read (see ``read_cell``)."""
        raw = cell.value
        formula = error = None
        f = cell.formula
        if isinstance(f, str) and f.startswith("=") and self._external(f):
            self.problems.warning(
                sheet, coord,
                "giá trị lấy qua liên kết tới tệp khác hoặc nguồn dữ liệu ngoài (DDE, web): "
                "là bản Excel lưu lần cuối, có thể đã cũ; hãy ghi giá trị trực tiếp vào ô",
            )
        if cell.data_type == "e":
            error, raw = str(raw), None
        elif raw is None and f is not None:
            if isinstance(f, str) and f.startswith("="):
                formula = f
            elif not isinstance(f, str):
                formula = "=" + str(getattr(f, "text", "") or "")  # array formulas
        if raw is None:
            return Cell(sheet, coord, None, formula, error, False)  # nothing to check or clean
        phantom = (
            isinstance(raw, datetime) and raw.date() == _PHANTOM_CANDIDATE
            and coord in self._serial_60(ws)
        )  # fmt: skip
        hides = self._hiding.get(cell.number_format)
        if hides is None:
            hides = self._hiding[cell.number_format] = hides_value(cell.number_format)
        if hides:
            self.problems.warning(
                sheet, coord,
                f'ô có định dạng số "{cell.number_format}" nên Excel không hiện giá trị, '
                "nhưng vanban vẫn đọc: hãy đổi định dạng ô để kiểm tra",
            )
        if raw.__class__ is str:
            value = self._cleaned.get((raw, cell.font), self._cleaned)
            if value is self._cleaned:
                value = self.clean(sheet, coord, raw, cell.font)
        else:
            value = self.clean(sheet, coord, raw, cell.font)
        return Cell(sheet, coord, value, formula, error, phantom)

    def _external(self, formula: str) -> bool:
        if self._outside is None:
            self._outside = OutsideFormulas(
                self.book.defined_names if self.package.has_formulas else {}
            )
        return self._outside.reads_outside(formula)

    def _serial_60(self, ws: SheetGrid) -> frozenset[str]:
        """The sheet's cells that store serial 60; its position counts chart sheets too."""
        index = self.book.sheetnames.index(ws.title)
        if index not in self._phantoms:
            self._phantoms[index] = archive.serial_60_cells(self.data, index)
        return self._phantoms[index]

    def clean(self, sheet: str, coord: str, raw: Any, font: str | None) -> Any:
        """A cell's raw value as the reader keeps it: Excel's escapes decoded, text checked.

        The same text in the same font cleans the same: what cleaned without a word is kept and
        reused; text that was warned about is cleaned (and warned about) again at each cell.
        """
        if not isinstance(raw, str):
            return raw
        key = (raw, font)
        kept = self._cleaned.get(key, self._cleaned)
        if kept is not self._cleaned:
            return kept
        said = len(self.problems.items)
        value = self._clean(sheet, coord, raw, font)
        if len(self.problems.items) == said:
            if len(self._cleaned) >= _CLEAN_CACHE:
                self._cleaned.clear()
            self._cleaned[key] = value
        return value

    def _clean(self, sheet: str, coord: str, raw: str, font: str | None) -> Any:
        raw = decode_escapes(raw)
        if len(raw) > EXCEL_CELL_LIMIT:
            self.problems.warning(
                sheet, coord,
                f"ô dài {group_digits(len(raw))} ký tự, quá giới hạn "
                f"{group_digits(EXCEL_CELL_LIMIT)} ký tự một ô của Excel: tệp không do Excel lưu, "
                "hoặc Excel sẽ cắt bớt; hãy kiểm tra nội dung ô",
            )
        converted = convert_legacy(raw, font)
        if converted is not None and converted != raw:
            shown = clean_text(without_controls(converted)[0])
            self.problems.warning(
                sheet, coord, f'ô dùng phông cũ "{font}", đã chuyển sang Unicode: "{shown}"'
            )
            raw = converted
        raw, controls = without_controls(raw)
        if controls:
            self.problems.warning(
                sheet, coord,
                f"ô có ký tự điều khiển ({', '.join(controls)}) không hiện trong Excel: đã đổi "
                "thành xuống dòng hoặc khoảng trắng, hoặc bỏ đi",
            )
        if "\n" not in raw:
            return clean_text(raw) or None  # one line (NFC makes no line break)
        # Line breaks (Alt+Enter) are kept for fields that are lists of lines; each line is cleaned.
        lines = [clean_text(line) for line in nfc(raw).split("\n")]
        return "\n".join(line for line in lines if line) or None


def _column_required(spec: Sheet, key: str) -> bool:
    if spec.key_value:
        return key in KV_HEADERS[:2]
    return spec.field(key).required


def _open(path: Path, data: bytes, has_formulas: bool, engine: Engine) -> Book:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it drops (extensions, odd dates); the reader reports cells.
            warnings.simplefilter("ignore")
            if engine == "openpyxl":
                return open_reference(data, has_formulas)
            return open_stream(data, has_formulas)
    except Exception as exc:  # a malformed part raises many kinds of error
        raise archive.fail(
            path, f"không đọc được tệp .xlsx: tệp hỏng hoặc sai định dạng ({type(exc).__name__})"
        ) from exc
