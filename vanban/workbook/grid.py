"""A sheet's cells as the reader takes them, whichever engine read the file.

Two engines read a workbook's XML: the streaming reader of :mod:`vanban.workbook.stream`, the
default, and openpyxl (:mod:`vanban.workbook.reference`), kept as the reference that the
streaming reader is measured and tested against. Each gives every sheet as a :class:`SheetGrid`:
per cell what openpyxl's ``data_only=True`` workbook holds (the value Excel stored, typed) and
what its ``data_only=False`` workbook holds (the formula, or the value again), the name of the
cell's font and its number format; and which rows and columns are hidden. Everything above the
grid (finding headers, cleaning text, the messages) is the reader's, shared by both engines.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Engine = Literal["stream", "openpyxl"]
# The streaming reader: several times faster than openpyxl and a fraction of its memory on a
# province's roster. "openpyxl" reads as vanban did before it, cell for cell the same.
DEFAULT_ENGINE: Engine = "stream"


class GridCell(NamedTuple):
    """One cell as openpyxl's two workbooks of the file hold it."""

    value: Any  # as data_only=True holds it: Excel's stored value, typed; None when empty
    data_type: str  # openpyxl's data type; "e" for an Excel error value such as "#REF!"
    # As data_only=False holds it: the formula ("=..."; an array or data-table formula object),
    # else the value again; None for every cell when the file stores no formula at all.
    formula: Any
    font: str | None  # the name of the cell's font, which tells a legacy Vietnamese encoding
    number_format: str


EMPTY = GridCell(None, "n", None, None, "General")


def dimension_hidden(hidden: bool, size: float | None) -> bool:
    """A row or column the clerk cannot see: hidden (by hand, a filter, a collapsed outline) or
    zero high or wide. ``size`` is None when the file gives none (the default size)."""
    return hidden or size == 0


class SheetGrid(ABC):
    """The cells, size and hidden rows and columns of one worksheet."""

    def __init__(self, title: str, state: str) -> None:
        self.title = title  # as openpyxl names it (it renames a repeated name: "Đơn vị1")
        self.state = state  # "visible", "hidden" or "veryHidden"
        # Column ranges (first, last) and rows that are hidden or of no size.
        self.hidden_columns: list[tuple[int, int]] = []
        self.hidden_rows: set[int] = set()

    @abstractmethod
    def cell(self, row: int, column: int) -> GridCell:
        """The cell at (row, column), 1-based; :data:`EMPTY` when the file stores none."""

    def row(self, row: int, columns: list[int]) -> list[GridCell]:
        """The cells of a row in those columns, in their order."""
        return [self.cell(row, c) for c in columns]

    @property
    @abstractmethod
    def max_row(self) -> int:
        """The last row that stores a cell (empty or not); 1 for a sheet of none."""

    @property
    @abstractmethod
    def max_column(self) -> int:
        """The last column that stores a cell (empty or not); 1 for a sheet of none."""

    @abstractmethod
    def has_values(self) -> bool:
        """Whether any cell holds a value (formulas without a stored value do not count)."""

    @abstractmethod
    def stored_rows(self, after: int, first: int, last: int) -> list[int]:
        """Rows below ``after`` holding a value or a formula between the two columns, in order.

        Only the cells the file stores are looked at: a stray value at row 1.048.576 does not
        cost a million empty rows.
        """

    def release(self) -> None:  # noqa: B027 (an engine may have nothing to let go)
        """Let the cells go: the sheet has been read and will not be again. Its cells then
        read as empty."""

    def column_hidden(self, column: int) -> bool:
        return any(lo <= column <= hi for lo, hi in self.hidden_columns)

    def row_hidden(self, row: int) -> bool:
        return row in self.hidden_rows


@dataclass
class Book:
    """What the reader takes from an opened workbook besides the cells."""

    # Every sheet in the file's order: its title, its state, and its grid (None for a chart sheet).
    sheets: list[tuple[str, str, SheetGrid | None]]
    # The workbook's defined names as openpyxl keeps them (each with its ``attr_text``).
    defined_names: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sheetnames(self) -> list[str]:
        return [title for title, _, _ in self.sheets]

    def grid(self, title: str) -> SheetGrid | None:
        """The worksheet of that exact title; None when there is none (or it is a chart)."""
        return next((g for t, _, g in self.sheets if t == title), None)


def font_name(cell: Any) -> str | None:
    """The name of an openpyxl cell's font, as both readers give it: None when the format
    names a font the file lacks, or the name is no text."""
    try:
        font = getattr(cell, "font", None)
    except IndexError:  # a format naming a font the file lacks
        return None
    name = getattr(font, "name", None) if font is not None else None
    return name if isinstance(name, str) else None
