"""The reference engine: the workbook as openpyxl reads it, cell objects and all.

vanban read every workbook this way before the streaming reader (:mod:`vanban.workbook.stream`);
it is kept, selectable as engine "openpyxl", as what the streaming reader must equal cell for
cell (the differential tests) and be measured against (``bench/read_bench.py``). openpyxl loads
the file twice when it holds formulas: with the values Excel stored, and with the formulas.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from vanban.workbook.grid import Book, GridCell, SheetGrid, dimension_hidden, font_name


def open_reference(data: bytes, has_formulas: bool) -> Book:
    """The workbook loaded by openpyxl; raises whatever openpyxl raises on a broken part."""
    values = load_workbook(BytesIO(data), data_only=True)
    formulas = load_workbook(BytesIO(data), data_only=False) if has_formulas else None
    sheets: list[tuple[str, str, SheetGrid | None]] = []
    for sheet in values._sheets:
        if isinstance(sheet, Worksheet):
            fws = formulas[sheet.title] if formulas is not None else None
            sheets.append((sheet.title, sheet.sheet_state, ReferenceGrid(sheet, fws)))
        else:  # a chart sheet
            sheets.append((sheet.title, sheet.sheet_state, None))
    names = formulas.defined_names if formulas is not None else values.defined_names
    return Book(sheets, names)


class ReferenceGrid(SheetGrid):
    """An openpyxl worksheet, and the same sheet read with formulas when the file has any."""

    def __init__(self, ws: Worksheet, fws: Worksheet | None) -> None:
        super().__init__(ws.title, ws.sheet_state)
        self._ws, self._fws = ws, fws
        # A column group's dimension covers columns min..max.
        self.hidden_columns = [
            (dim.min or 0, dim.max or 0) for dim in ws.column_dimensions.values()
            if dimension_hidden(bool(dim.hidden), dim.width)
        ]  # fmt: skip
        self.hidden_rows = {
            r for r, dim in ws.row_dimensions.items() if dimension_hidden(bool(dim.hidden), dim.ht)
        }

    def cell(self, row: int, column: int) -> GridCell:
        cell = self._ws.cell(row, column)
        formula = self._fws.cell(row, column).value if self._fws is not None else None
        return GridCell(cell.value, cell.data_type, formula, font_name(cell), cell.number_format)

    @property
    def max_row(self) -> int:
        return int(self._ws.max_row)

    @property
    def max_column(self) -> int:
        return int(self._ws.max_column)

    def has_values(self) -> bool:
        return any(cell.value is not None for cell in self._ws._cells.values())

    def stored_rows(self, after: int, first: int, last: int) -> list[int]:
        rows: set[int] = set()
        for ws in (self._ws, self._fws):
            if ws is not None:
                rows.update(
                    r
                    for (r, c), cell in ws._cells.items()
                    if r > after and first <= c <= last and cell.value is not None
                )
        return sorted(rows)
