"""The streaming reader: each sheet's XML read once, as it inflates, into the cells vanban reads.

openpyxl, the reference (:mod:`vanban.workbook.reference`), makes a cell object and a style
array for every cell of every sheet, and does it twice when the file holds formulas (once with
the stored values, once with the formulas): on a province's roster of 100.000 invitees that is
most of the time a plan takes to load, and most of its memory. This reader walks each sheet's
XML once with lxml's ``iterparse``, keeps of each cell only what :class:`~vanban.workbook.grid.GridCell`
holds, and drops each row's XML as soon as it is read, so no sheet's tree is ever whole in memory.

It gives every cell exactly what openpyxl gives, because wherever it can it is openpyxl's own
code that decides: openpyxl's ``ExcelReader`` finds the parts and reads the workbook part (sheet
names and states, defined names, the 1904 date system), the relations and the stylesheet; values
are typed by openpyxl's ``_cast_number``, ``from_excel`` and ``from_ISO8601``, dates told by the
styles openpyxl marks as dates; formulas (shared ones translated, array and data-table ones) are
read by openpyxl's ``parse_formula``; a string that is more than one plain run (rich text,
phonetic guides) is read by openpyxl's ``Text``. Only the loop over rows, cells and shared
strings is this module's. It does not read what vanban never looks at (comments, drawings,
tables, pivot tables), so a broken drawing does not stop a plan from being read.

The XML is parsed without resolving entities, without network access and within lxml's size
limits; a part that declares a document type is refused (Excel never writes one).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import IO, Any

from lxml import etree
from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.cell.text import Text
from openpyxl.packaging.relationship import RelationshipList, get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import WorkSheetParser, _cast_number
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from vanban.workbook.grid import (
    EMPTY,
    Book,
    GridCell,
    SheetGrid,
    dimension_hidden,
    font_name,
)

_NO_CELLS: dict[int, GridCell] = {}  # a row the sheet does not store
_M = f"{{{SHEET_MAIN_NS}}}"
_ROW, _COL, _C_V, _C_F, _C_IS, _T = (_M + t for t in ("row", "col", "v", "f", "is", "t"))
_SI, _SST, _SHEET_DATA, _COLS = (_M + t for t in ("si", "sst", "sheetData", "cols"))
_SAFE = {
    "resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False,
    "remove_comments": True, "remove_pis": True,  # as Python's parser, which openpyxl uses
}  # fmt: skip


class DoctypeRefused(ValueError):
    """A part declared a document type: no spreadsheet application writes one."""


def open_stream(data: bytes, has_formulas: bool) -> Book:
    """The workbook's sheets read by streaming their XML; raises on a part that cannot be read."""
    reader = _Package(data, has_formulas)
    reader.read()
    return Book(reader.sheets, reader.wb.defined_names)


class _Package(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader of the package, with the shared strings and the sheets read here."""

    def __init__(self, data: bytes, has_formulas: bool) -> None:
        super().__init__(BytesIO(data), data_only=True)
        self.has_formulas = has_formulas
        self.sheets: list[tuple[str, str, SheetGrid | None]] = []

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as src:
                self.shared_strings = _string_table(src)

    def read_worksheets(self) -> None:
        styles = _Styles(self.wb)
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue  # as openpyxl: a sheet whose part is missing is no sheet
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                chart = self.wb._sheets[-1]
                self.sheets.append((chart.title, chart.sheet_state, None))
                continue
            rels_path = get_rels_path(rel.target)
            rels = RelationshipList()
            if rels_path in self.valid_files:
                rels = get_dependents(self.archive, rels_path)
            # An empty openpyxl sheet holds the title (openpyxl renames a repeated one), the
            # state (checked by openpyxl) and the sheet's defined names.
            ws = self.wb.create_sheet(sheet.name)
            ws._rels = rels
            ws.sheet_state = sheet.state
            with self.archive.open(rel.target) as src:
                grid = _SheetReader(ws, self.shared_strings, styles, self.has_formulas).read(src)
            self.sheets.append((grid.title, grid.state, grid))


class StreamGrid(SheetGrid):
    """A sheet's stored cells by row, then column; a cell that holds nothing is not kept."""

    def __init__(self, title: str, state: str) -> None:
        super().__init__(title, state)
        self.rows: dict[int, dict[int, GridCell]] = {}
        # The last row and column of a cell the file stores empty (openpyxl counts them in a
        # sheet's size); None when it stores none.
        self.empty_row: int | None = None
        self.empty_column: int | None = None
        self._size: tuple[int, int] | None = None

    def cell(self, row: int, column: int) -> GridCell:
        return self.rows.get(row, _NO_CELLS).get(column, EMPTY)

    def row(self, row: int, columns: list[int]) -> list[GridCell]:
        get = self.rows.get(row, _NO_CELLS).get
        return [get(c, EMPTY) for c in columns]

    def release(self) -> None:
        self._last()  # its size stays what it was
        self.rows = {}

    @property
    def max_row(self) -> int:
        return self._last()[0]

    @property
    def max_column(self) -> int:
        return self._last()[1]

    def _last(self) -> tuple[int, int]:
        """The last row and column holding a stored cell, as openpyxl counts them (1 for none)."""
        if self._size is None:
            rows = [r for r, cells in self.rows.items() if cells]
            columns = [max(cells) for cells in self.rows.values() if cells]
            if self.empty_row is not None and self.empty_column is not None:
                rows.append(self.empty_row)
                columns.append(self.empty_column)
            self._size = (max(rows), max(columns)) if rows else (1, 1)
        return self._size

    def has_values(self) -> bool:
        return any(c.value is not None for cells in self.rows.values() for c in cells.values())

    def stored_rows(self, after: int, first: int, last: int) -> list[int]:
        return sorted({
            r for r, cells in self.rows.items() if r > after
            for c, cell in cells.items()
            if first <= c <= last and (cell.value is not None or cell.formula is not None)
        })  # fmt: skip


class _Styles:
    """Per cell format index (the ``s`` of a cell): its font name, number format and date kind,
    taken from openpyxl's own cell of that format, once per index."""

    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._holder = Worksheet(wb, title="vanban")  # not added to the workbook
        # (font name, number format, is a date, is a duration) by a cell's ``s`` attribute.
        self.by_attribute: dict[object, tuple[str | None, str, bool, bool]] = {}

    def make(self, attribute: object) -> tuple[str | None, str, bool, bool]:
        """The format of a cell whose ``s`` attribute is new, kept for the next one."""
        found = self.by_attribute[attribute] = self._make(attribute)
        return found

    def _make(self, attribute: object) -> tuple[str | None, str, bool, bool]:
        # As openpyxl: s="" stays "" and fails as an index; s="-1" is the last format.
        style_id = int(attribute) if attribute else attribute  # type: ignore[call-overload]
        wb = self._wb
        cell = OpenpyxlCell(self._holder, row=1, column=1, style_array=wb._cell_styles[style_id])
        return (
            font_name(cell),
            cell.number_format,
            style_id in wb._date_formats,
            style_id in wb._timedelta_formats,
        )


class _SheetReader:
    """One pass over a worksheet's XML, as openpyxl's ``WorkSheetParser.parse`` walks it."""

    def __init__(self, ws: Any, strings: list[Any], styles: _Styles, has_formulas: bool) -> None:
        self.ws = ws
        self.strings = strings
        self.styles = styles
        self.grid = StreamGrid(ws.title, ws.sheet_state)
        wb = ws.parent
        # openpyxl's own parser reads the formulas (and keeps the sheet's shared ones).
        self.formulas = (
            WorkSheetParser(None, strings, data_only=False, epoch=wb.epoch,
                            date_formats=wb._date_formats,
                            timedelta_formats=wb._timedelta_formats)
            if has_formulas else None
        )  # fmt: skip
        self.epoch = wb.epoch
        self.texts: dict[str, str] = {}  # one object per distinct inline string

    def read(self, src: IO[bytes]) -> StreamGrid:
        column_dims: dict[str, tuple[int | None, int | None, bool]] = {}
        row_dims: dict[int, tuple[bool, float | None]] = {}
        row_counter = 0
        for element in _elements(src, (_ROW, _COL), (_SHEET_DATA, _COLS)):
            if element.tag == _COL:
                attrs = element.attrib
                # Keyed as openpyxl keys it: by the first column's letter, a later one replacing.
                column_dims[get_column_letter(int(attrs["min"]))] = self._column_dimension(attrs)
                continue
            attrs = element.attrib
            number = attrs.get("r")
            row_counter = _row_number(number) if number is not None else row_counter + 1
            # As openpyxl: a row with an attribute besides its number and spans has dimensions.
            if len(attrs) > (number is not None) + ("spans" in attrs) and any(
                not k.startswith("{") and k not in ("r", "spans") for k in attrs.keys()
            ):
                row_dims[row_counter] = self._row_dimension(attrs)
            self._cells(element, row_counter)
        grid = self.grid
        grid.hidden_columns = [(lo or 0, hi or 0) for lo, hi, hidden in column_dims.values()
                               if hidden]  # fmt: skip
        grid.hidden_rows = {
            r for r, (hidden, ht) in row_dims.items() if dimension_hidden(hidden, ht)
        }
        return grid

    def _column_dimension(self, attrs: Any) -> tuple[int | None, int | None, bool]:
        """(first, last, hidden or zero wide) of a <col>, its values converted as openpyxl does."""
        first = int(attrs["min"])
        last = int(attrs["max"]) if "max" in attrs else None
        width = float(attrs["width"]) if "width" in attrs else None
        if "style" in attrs:
            self.ws.parent._cell_styles[int(attrs["style"])]  # as openpyxl: an unknown format fails
        return first, last, dimension_hidden(_bool(attrs.get("hidden", False)), width)

    def _row_dimension(self, attrs: Any) -> tuple[bool, float | None]:
        if "s" in attrs:
            self.ws.parent._cell_styles[int(attrs["s"])]  # as openpyxl: an unknown format fails
        height = attrs.get("ht")
        return _bool(attrs.get("hidden", False)), float(height) if height is not None else None

    def _cells(self, row: Any, row_counter: int) -> None:
        """The row's cells, each as openpyxl's ``parse_cell`` reads it into both its workbooks.

        One function for the whole row, every step written out: it runs once per cell of a
        province's roster, where each call and lookup saved counts.
        """
        grid = self.grid
        rows = grid.rows
        cells = rows.get(row_counter)
        if cells is None:
            cells = rows[row_counter] = {}
        empty_row, empty_column = grid.empty_row, grid.empty_column
        styles = self.styles.by_attribute
        make_style = self.styles.make
        texts = self.texts
        formulas = self.formulas
        letters, lettered, new_cell, grid_cell = _LETTERS, _LAST_LETTERED, _new_cell, GridCell
        v_tag, is_tag, f_tag, t_tag = _C_V, _C_IS, _C_F, _T
        row_text = str(row_counter)
        column_counter = 0
        for element in row:
            coordinate = element.get("r")
            column_counter += 1
            if coordinate:
                # Excel writes each cell's place, which is where the count has got to: checking
                # that is cheaper than reading the place.
                if column_counter < lettered and coordinate == letters[column_counter] + row_text:
                    r = row_counter
                else:
                    r, column_counter = self._coordinate(coordinate)
            else:
                r = row_counter
            data_type = element.get("t", "n")
            attribute = element.get("s", 0)
            style = styles.get(attribute)
            if style is None:
                style = make_style(attribute)
            # The first <v>, <f> and <is>, as openpyxl's find() and findtext() take them.
            text = formula_element = inline = None
            children = len(element)
            if children == 1:  # most cells: one value, or one inline string
                child = element[0]
                tag = child.tag
                if tag == v_tag:
                    text = child.text
                elif tag == is_tag:
                    inline = child
                elif tag == f_tag:
                    formula_element = child
            elif children:
                found_text = False
                for child in element:
                    tag = child.tag
                    if tag == v_tag:
                        if not found_text:
                            text, found_text = child.text, True
                    elif tag == is_tag:
                        if inline is None:
                            inline = child
                    elif tag == f_tag and formula_element is None:
                        formula_element = child
            value: Any = None
            if data_type == "inlineStr":
                if inline is not None:
                    data_type = "s"
                    if not inline.attrib:  # one plain run, else openpyxl's Text reads it
                        size = len(inline)
                        if size == 0:
                            value = ""
                        elif size == 1:
                            run = inline[0]
                            if run.tag == t_tag and len(run) == 0:
                                value = run.text or ""
                    if value is None:
                        value = Text.from_tree(inline).content
                    value = texts.setdefault(value, value)
            elif text:
                value = text
                if data_type == "n":
                    value = _cast_number(text)
                    if style[2]:  # a date format
                        data_type = "d"
                        try:
                            value = from_excel(value, self.epoch, timedelta=style[3])
                        except (OverflowError, ValueError):
                            data_type, value = "e", "#VALUE!"
                elif data_type == "s":
                    value = self.strings[int(text)]
                elif data_type == "b":
                    value = bool(int(text))
                elif data_type == "str":
                    data_type = "s"
                elif data_type == "d":
                    value = from_ISO8601(text)
            formula: Any = None
            if formulas is not None:
                formula = value if formula_element is None else formulas.parse_formula(element)
            # A cell's place may name another row than the one it stands in.
            held = cells if r == row_counter else rows.setdefault(r, {})
            if value is None and formula is None and data_type != "e":
                held.pop(column_counter, None)  # an empty cell replaces what the place held
                if empty_row is None or r > empty_row:
                    empty_row = r
                if empty_column is None or column_counter > empty_column:
                    empty_column = column_counter
            else:
                held[column_counter] = new_cell(
                    grid_cell, (value, data_type, formula, style[0], style[1])
                )
        grid.empty_row, grid.empty_column = empty_row, empty_column

    def _coordinate(self, coordinate: str) -> tuple[int, int]:
        row, column = coordinate_to_tuple(coordinate)  # openpyxl's reading, and its errors
        return int(row), int(column)


_new_cell = tuple.__new__
# Column letters by number ("A" is 1), as far as openpyxl names columns ("ZZZ").
_LETTERS = ("", *(get_column_letter(i) for i in range(1, 18279)))
_LAST_LETTERED = len(_LETTERS)


def _row_number(number: str) -> int:
    """A <row>'s ``r``, as openpyxl reads it ("7", or "7.0")."""
    try:
        return int(number)
    except ValueError:
        as_float = float(number)
        if not as_float.is_integer():
            raise ValueError(f"{number} is not a valid row number") from None
        return int(as_float)


def _bool(value: Any) -> bool:
    """An attribute as openpyxl's ``Bool`` reads it: "false", "f", "0" and "" are false."""
    if isinstance(value, str) and value in ("false", "f", "0"):
        return False
    return bool(value)


def _string_table(src: IO[bytes]) -> list[Any]:
    """The shared strings, as openpyxl's ``read_string_table`` reads them."""
    strings: list[Any] = []
    for si in _elements(src, (_SI,), (_SST,)):
        text = None
        if not si.attrib:  # one plain run, else openpyxl's Text reads it
            if len(si) == 0:
                text = ""
            elif len(si) == 1:
                run = si[0]
                if run.tag == _T and len(run) == 0:
                    text = run.text or ""
        if text is None:
            text = Text.from_tree(si).content
        strings.append(text.replace("x005F_", ""))  # openpyxl's step, for shared strings only
    return strings


def _elements(src: IO[bytes], tags: tuple[str, ...], parents: tuple[str, ...]) -> Iterator[Any]:
    """Each element of those tags, at its end, in document order; once handled it is emptied
    and, under one of ``parents``, dropped with the siblings before it."""
    context = etree.iterparse(src, events=("end",), tag=tags, **_SAFE)
    for _, element in context:
        yield element
        element.clear()
        parent = element.getparent()
        if parent is not None and parent.tag in parents:
            while element.getprevious() is not None:
                del parent[0]
    root = getattr(context, "root", None)
    if root is not None:
        info = root.getroottree().docinfo
        if info.doctype or info.internalDTD is not None:
            raise DoctypeRefused("document type declaration")
