"""The workbook as read, before it is a plan: typed values that may be missing, and their cells.

A :class:`Draft` holds every row of every sheet with the values that could be read (None where a
cell was wrong, the reason already recorded) and the cell each came from. The rules between
sheets (:mod:`vanban.workbook.rules`) run on it even when some cells are wrong, so a clerk sees all the
mistakes of a workbook at once; only a draft without errors becomes a
:class:`~vanban.model.Plan` (:mod:`vanban.workbook.assemble`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from vanban.model import Unit
from vanban.workbook import schema
from vanban.workbook.unitref import UnitIndex


@dataclass(slots=True)
class Record:
    """One row of a sheet (or the whole "Kế hoạch" sheet): values and cells by field key."""

    sheet: str
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    coords: dict[str, str] = field(default_factory=dict)
    unit: Unit | None = None  # the unit the row names, when it could be resolved

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def coord(self, key: str) -> str | None:
        return self.coords.get(key)

    def ints(self, *keys: str) -> bool:
        """True when every one of the fields was read as a whole number."""
        return all(isinstance(self.values.get(k), int) for k in keys)


@dataclass
class Texts:
    sections: dict[str, list[str]] = field(
        default_factory=lambda: {s: [] for s in schema.SECTIONS}
    )
    organisation: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Draft:
    meta: Record
    units: list[Record]
    unit_totals: Record | None
    funding: list[Record]
    funding_total: Record | None
    tiers: list[Record]
    schedules: list[Record]
    results: list[Record]
    opinions: list[Record]
    texts: Texts
    index: UnitIndex
    tiers_complete: bool = True  # every tier row read
    roster: list[Record] = field(default_factory=list)  # "Danh sách mời", one row per invitee
    documents: list[Record] = field(default_factory=list)  # "Văn bản", one row per kind
    # The rows of each sheet with a context key (schema.TABLE_SHEETS), by that key.
    tables: dict[str, list[Record]] = field(default_factory=dict)
    codes: list[Record] = field(default_factory=list)  # "Mã định danh", one row per recipient

    @cached_property
    def _unit_records(self) -> dict[int, Record]:
        """The units' first records by their unit's row, made when first asked (the rules ask
        for each unit): ``units`` is read whole before the draft is made."""
        by_row: dict[int, Record] = {}
        for r in self.units:
            if r.unit is not None:
                by_row.setdefault(r.unit.row, r)
        return by_row

    def unit_record(self, unit: Unit) -> Record | None:
        """The first row of sheet "Đơn vị" for the unit."""
        return self._unit_records.get(unit.row)


def one_per_unit(records: Iterable[Record]) -> dict[int, Record | None]:
    """For each unit a sheet's rows name, by the unit's row: its row, or None when it has
    several."""
    found: dict[int, Record | None] = {}
    for r in records:
        if r.unit is not None:
            found[r.unit.row] = None if r.unit.row in found else r
    return found
