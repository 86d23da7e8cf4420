"""Resolving the unit names that other sheets (and the command line) use.

A unit is named "Xã Mỹ Quý" in tables, "xã Mỹ Quý" in text, or just "Mỹ Quý" when that is not
ambiguous (the seed has both "Xã Mỹ An" and "Thị trấn Mỹ An"). Unicode form and tone-mark
placement never matter ("Mỹ Hoà" is "Mỹ Hòa"); a real difference, even one letter as the seed's
"Láng Biển" / "Láng Biền", is an error that names both cells: never a silent guess.

One mistake is reported once: a unit listed twice is reported on the units sheet and other sheets
resolve to its first row; a unit whose kind could not be read is still found by its name; when
the units sheet itself cannot be read, the other sheets' names are not checked at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.utils import get_column_letter

from vanban.errors import UnknownUnitError
from vanban.model import Unit
from vanban.text.names import closest, match_key, strip_diacritics
from vanban.workbook.reader import Problems
from vanban.workbook.schema import UNIT_KINDS, UNITS

_NAME_COLUMN = get_column_letter(next(i for i, f in enumerate(UNITS.fields, 1) if f.key == "name"))
_KIND_KEYS = sorted((match_key(k) for k in UNIT_KINDS), key=len, reverse=True)


def unit_label(unit: Unit) -> str:
    """"Xã Mỹ Quý"; just the name when the kind could not be read."""
    return unit.name.strip() if unit.place.kind else unit.place.name


class UnitIndex:
    def __init__(
        self,
        units: Sequence[Unit],
        problems: Problems | None,
        units_sheet: str,
        *,
        name_cells: Mapping[int, str] | None = None,
        available: bool = True,
    ) -> None:
        self.problems = problems
        self.units_sheet = units_sheet
        self.name_cells = dict(name_cells or {})
        self.available = available  # False: the units sheet could not be read
        self.suggested: dict[str, set[int]] = {}  # sheet -> rows of units offered as "có phải"
        self.duplicates: set[int] = set()  # rows of units listed a second time
        # (sheet, match key) -> the text and every cell naming a unit that is not there
        self._unknown: dict[tuple[str, str], tuple[str, list[str]]] = {}
        self.update(units)

    def update(self, units: Sequence[Unit]) -> None:
        """Swap in new versions of the same units (rows stay the keys)."""
        self.units = list(units)
        self._full: dict[str, list[Unit]] = {}
        self._bare: dict[str, list[Unit]] = {}
        for u in self.units:
            if u.place.kind:
                self._full.setdefault(match_key(u.place.text), []).append(u)
            self._bare.setdefault(match_key(u.place.name), []).append(u)

    def cell_of(self, unit: Unit) -> str:
        """Where the unit's name stands on the units sheet."""
        return self.name_cells.get(unit.row, f"{_NAME_COLUMN}{unit.row}")

    def by_row(self, row: int) -> Unit:
        return next(u for u in self.units if u.row == row)

    def report_duplicates(self) -> None:
        assert self.problems is not None
        groups = list(self._full.values()) + [
            [u for u in same if not u.place.kind] for same in self._bare.values()
        ]
        for same in groups:
            for dup in same[1:]:
                self.duplicates.add(dup.row)
                self.problems.error(
                    self.units_sheet, self.cell_of(dup),
                    f'đơn vị "{unit_label(dup)}" trùng với dòng {same[0].row} '
                    f"(ô {self.cell_of(same[0])}); mỗi đơn vị chỉ ghi một dòng",
                )

    def find(self, text: str) -> list[Unit]:
        """Every unit the text can mean: by full name first, else by bare name."""
        key = match_key(text)
        full = self._full.get(key)
        if full:
            return full[:1]  # a unit listed twice is reported once, on the units sheet
        distinct: dict[str, Unit] = {}
        for u in self._bare.get(key, []):
            distinct.setdefault(match_key(u.place.text), u)
        if distinct:
            return list(distinct.values())
        for kind in _KIND_KEYS:
            # "Xã Mỹ Quý" for a unit whose kind cell was wrong (and is reported there).
            if key.startswith(kind + " "):
                rest = self._bare.get(key[len(kind) + 1 :], [])
                return [u for u in rest if not u.place.kind][:1]
        return []

    def suggestions(self, text: str) -> list[str]:
        near = closest(text, [unit_label(u) for u in self.units])
        # A slip of the tone or vowel marks only ("Láng Biền", "Lang Bien") has one answer: do not
        # bury it among names that merely look alike.
        if near and strip_diacritics(match_key(near[0])) == strip_diacritics(match_key(text)):
            return near[:1]
        return near

    def resolve(self, text: str, coord: str, sheet: str) -> Unit | None:
        """The unit a cell names, or None with an error naming the cell and the closest units."""
        assert self.problems is not None
        if not self.available:
            return None
        found = self.find(text)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            self.problems.error(
                sheet, coord,
                f'"{text}" có thể là: ' + ", ".join(f'"{unit_label(u)}"' for u in found)
                + "; hãy ghi cả loại đơn vị",
            )
            return None
        self._unknown.setdefault((sheet, match_key(text)), (text, []))[1].append(coord)
        return None

    def report_unknown(self) -> None:
        """One error per sheet and unknown name, at its first cell, naming the closest units."""
        assert self.problems is not None
        for (sheet, _), (text, coords) in self._unknown.items():
            hints: list[str] = []
            for name in self.suggestions(text):
                unit = next(u for u in self.units if unit_label(u) == name)
                if not hints:
                    self.suggested.setdefault(sheet, set()).add(unit.row)
                hints.append(f'"{name}" (sheet "{self.units_sheet}", ô {self.cell_of(unit)})')
            hint = f"; có phải {' hoặc '.join(hints)}?" if hints else ""
            also = f" (cũng ghi ở ô {', '.join(coords[1:])})" if coords[1:] else ""
            self.problems.error(
                sheet, coords[0],
                f'đơn vị "{text}"{also} không có trong sheet "{self.units_sheet}"{hint}',
            )
        self._unknown.clear()

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
