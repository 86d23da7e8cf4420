"""Resolving the unit names that other sheets (and the command line) use.

A unit is named "Xã Mỹ Quý" in tables, "xã Mỹ Quý" in text, or just "Mỹ Quý" when that is not
ambiguous (the seed has both "Xã Mỹ An" and "Thị trấn Mỹ An"). Unicode form and tone-mark
placement never matter ("Mỹ Hoà" is "Mỹ Hòa"); a real difference, even one letter as the seed's
"Láng Biển" / "Láng Biền", is an error that names both cells: never a silent guess.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter

from vanban.errors import UnknownUnitError
from vanban.model import Unit
from vanban.names import closest, match_key
from vanban.schema import UNITS
from vanban.workbook import Cell, Problems, Row

_NAME_COLUMN = get_column_letter(next(i for i, f in enumerate(UNITS.fields, 1) if f.key == "name"))


class UnitIndex:
    def __init__(self, units: Sequence[Unit], problems: Problems | None, units_sheet: str) -> None:
        self.problems = problems
        self.units_sheet = units_sheet
        self.rows: dict[tuple[int, str], Row] = {}
        self.opinion_rows: list[tuple[int, Row]] = []
        self.funding_cells: dict[int, str] = {}
        self.stated_funding_total: tuple[int | None, str] | None = None
        self.update(units)

    def update(self, units: Sequence[Unit]) -> None:
        """Swap in new versions of the same units (rows stay the keys)."""
        self.units = list(units)
        self._full: dict[str, list[Unit]] = {}
        self._bare: dict[str, list[Unit]] = {}
        for u in self.units:
            self._full.setdefault(match_key(u.place.text), []).append(u)
            self._bare.setdefault(match_key(u.place.name), []).append(u)

    def cell_of(self, unit: Unit) -> str:
        """Where the unit's name stands on the units sheet (as a column-letter guess by schema)."""
        return f"{_NAME_COLUMN}{unit.row}"

    def by_row(self, row: int) -> Unit:
        return next(u for u in self.units if u.row == row)

    def remember(self, unit: Unit, what: str, row: Row) -> None:
        self.rows[(unit.row, what)] = row

    def report_duplicates(self) -> None:
        assert self.problems is not None
        for same in self._full.values():
            for dup in same[1:]:
                self.problems.error(
                    self.units_sheet, self.cell_of(dup),
                    f'đơn vị "{dup.name}" trùng với dòng {same[0].row} (ô {self.cell_of(same[0])})',
                )

    def find(self, text: str) -> list[Unit]:
        """Every unit the text can mean: by full name first, else by bare name."""
        key = match_key(text)
        return self._full.get(key) or self._bare.get(key) or []

    def suggestions(self, text: str) -> list[str]:
        names = [u.name for u in self.units]
        return closest(text, names)

    def resolve(self, cell: Cell, sheet: str) -> Unit | None:
        """The unit a cell names, or None with an error naming the cell and the closest units."""
        assert self.problems is not None
        if not isinstance(cell.value, str):
            if cell.value is not None:
                self.problems.error(sheet, cell.coord, f"đơn vị phải là tên, nhận được {cell.value!r}")
            else:
                self.problems.error(sheet, cell.coord, "tên đơn vị không được để trống")
            return None
        found = self.find(cell.value)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            self.problems.error(
                sheet, cell.coord,
                f'"{cell.value}" có thể là: ' + ", ".join(f'"{u.name}"' for u in found)
                + "; hãy ghi cả loại đơn vị",
            )
            return None
        hints = []
        for name in self.suggestions(cell.value):
            unit = self.find(name)[0]
            hints.append(f'"{name}" (sheet "{self.units_sheet}", ô {self.cell_of(unit)})')
        hint = f"; có phải {' hoặc '.join(hints)}?" if hints else ""
        self.problems.error(
            sheet, cell.coord,
            f'đơn vị "{cell.value}" không có trong sheet "{self.units_sheet}"{hint}',
        )
        return None

    def resolve_cli(self, names: Sequence[str]) -> list[Unit]:
        """Units named on the command line, or UnknownUnitError with the closest names."""
        chosen: list[Unit] = []
        for text in names:
            found = self.find(text)
            if len(found) == 1:
                if found[0] not in chosen:
                    chosen.append(found[0])
                continue
            if found:
                options = ", ".join(f'"{u.name}"' for u in found)
                raise UnknownUnitError(f'"{text}" có thể là {options}: hãy ghi cả loại đơn vị.')
            near = self.suggestions(text)
            hint = f" Có phải: {', '.join(near)}?" if near else ""
            raise UnknownUnitError(f'Không có đơn vị "{text}" trong kế hoạch.{hint}')
        return chosen
