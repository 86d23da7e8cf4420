"""The roster ("Danh sách mời"): who each unit invites by name, read, checked and put in order.

A unit with roster rows gets one personal invitation per row and a sign-in list; how many rows
each group has must be what the plan invites (households from "Đơn vị", committee members and
officials from "Kế hoạch"). A unit without rows keeps the general invitation only.

The roster holds personal data of poor households, so no message about it quotes a name or a
note: problems name the cell, the unit and the numbers. Legacy-font warnings, which elsewhere
quote the converted text, are folded into one line per font without it.
"""

from __future__ import annotations

import functools

from vanban.errors import Problem
from vanban.model import INVITEE_CATEGORIES, INVITEE_GROUPS, Invitee, Unit
from vanban.text.names import clean_person_name, clean_text, match_key
from vanban.workbook import schema
from vanban.workbook.cells import read_text, unreadable
from vanban.workbook.draft import Draft, Record
from vanban.workbook.reader import Cell, Problems, WorkbookFile
from vanban.workbook.unitref import UnitIndex, unit_label

SHEET = schema.ROSTER.name
GROUP_OF_CATEGORY = {category: group for group, category in INVITEE_CATEGORIES.items()}
# Other ways clerks write a group; the plan's own names for its groups are added when read.
_ALIASES = {
    "nghèo": "poor",
    "cận nghèo": "near_poor",
    "bcđ": "steering",
    "ban chỉ đạo giảm nghèo": "steering",
    "cán bộ": "officials",
    "cán bộ ấp": "officials",
    "cán bộ khóm": "officials",
    "cán bộ ấp, khóm": "officials",
    "cán bộ khóm, ấp": "officials",
    "cán bộ ấp khóm": "officials",
    "thành phần khác": "other",
    "khách mời": "other",
}
# Kinds of place below a commune, longest first so "tổ dân phố" is not read as "tổ".
HAMLET_KINDS = sorted(
    ("ấp", "khóm", "thôn", "bản", "buôn", "làng", "xóm", "sóc", "phum", "tổ", "tổ dân phố",
     "khu phố", "khu", "tiểu khu"),
    key=len, reverse=True,
)  # fmt: skip
# What a hamlet is called in each kind of unit when the cell gives only its name.
_DEFAULT_HAMLET_KIND = {"xã": "ấp", "đặc khu": "ấp", "thị trấn": "khóm", "phường": "khóm"}
_LEGACY = 'ô dùng phông cũ "'
_CATEGORY, _NAME = schema.ROSTER.field("category"), schema.ROSTER.field("name")
# Where each group comes in a unit's list.
_GROUP_ORDER = {group: i for i, group in enumerate(INVITEE_GROUPS)}


def read_roster(
    wb: WorkbookFile, problems: Problems, index: UnitIndex, plan_names: dict[str, str]
) -> list[Record]:
    """Every row of the roster sheet (none when the sheet is absent), each resolved to its unit.

    ``plan_names`` maps the plan's own group names ("Ban Chỉ đạo Giảm nghèo") to group keys, so
    a clerk may write a group as the plan does.
    """
    own = Problems()
    saved, wb.problems = wb.problems, own
    try:
        table = wb.read_table(schema.ROSTER)
    finally:
        wb.problems = saved
    problems.items += _without_text(own.items)
    if table is None:
        return []
    aliases = {match_key(k): v for k, v in _ALIASES.items()}
    aliases |= {match_key(k): v for k, v in GROUP_OF_CATEGORY.items()}
    aliases |= {match_key(k): v for k, v in plan_names.items() if k}
    records = []
    fields = [f for f in schema.ROSTER.fields if f.key in table.columns]
    # Each unit as the rows name it, once found: a unit's name is written on each of its rows.
    named: dict[str, Unit] = {}
    for row in table.rows:
        rec = Record(SHEET, row.number)
        cells = row.cells
        for f in fields:
            key = f.key
            cell = cells[key]
            rec.coords[key] = cell.coord
            if key == "category":
                rec.values[key] = _group(problems, cell, aliases)
            elif key == "name":
                rec.values[key] = _name(problems, cell)
            else:
                rec.values[key] = read_text(problems, cell, f)
        text = rec.values.get("unit")
        if text is not None:
            unit = named.get(text)
            if unit is None:  # not found yet, or not found at all (reported at each cell)
                unit = index.resolve(text, rec.coords["unit"], SHEET)
                if unit is not None:
                    named[text] = unit
            rec.unit = unit
        records.append(rec)
    return records


def _without_text(items: list[Problem]) -> list[Problem]:
    """The sheet's problems, with its legacy-font warnings folded per font and without text."""
    out: list[Problem] = []
    legacy: dict[str, list[str]] = {}
    for p in items:
        if p.is_error or not p.message.startswith(_LEGACY) or p.cell is None:
            out.append(p)
            continue
        font = p.message[len(_LEGACY) :].split('"', 1)[0]
        legacy.setdefault(font, []).append(p.cell)
    for font, cells in legacy.items():
        more = f" (và {len(cells) - 1} ô khác, đến ô {cells[-1]})" if len(cells) > 1 else ""
        out.append(
            Problem(SHEET, cells[0], f'ô dùng phông cũ "{font}"{more}, đã chuyển sang Unicode',
                    "warning")
        )  # fmt: skip
    return out


def _group(problems: Problems, cell: Cell, aliases: dict[str, str]) -> str | None:
    f = _CATEGORY
    if unreadable(problems, cell, f):
        return None
    if cell.value is None:
        problems.error(cell.sheet, cell.coord, "thành phần không được để trống")
        return None
    group = aliases.get(match_key(str(cell.value)).rstrip("."))
    if group is None:
        # The value is not quoted back: a name typed in the wrong column would be.
        problems.error(
            cell.sheet, cell.coord,
            "thành phần phải là một trong: " + ", ".join(schema.ROSTER_CATEGORIES),
        )
    return group


def _name(problems: Problems, cell: Cell) -> str | None:
    text = read_text(problems, cell, _NAME)
    if text is not None and not any(map(str.isalpha, text)):
        problems.error(cell.sheet, cell.coord, "họ và tên phải là chữ")
        return None
    return text


def check_roster(d: Draft, problems: Problems) -> None:
    """Per unit with roster rows: each group's rows match the plan's counts; repeats are warned."""
    by_unit: dict[int, list[Record]] = {}
    for rec in d.roster:
        if rec.unit is not None:
            by_unit.setdefault(rec.unit.row, []).append(rec)
    # A misspelt unit on a row, or a group that could not be read, is reported at its cell; the
    # unit's counts would then be off by that row, so they are not judged as well.
    unsure = set(d.index.suggested.get(SHEET, set()))
    for unit_row, records in by_unit.items():
        _warn_repeats(problems, records)
        by_group: dict[object, list[Record]] = {}
        for r in records:
            by_group.setdefault(r.values.get("category"), []).append(r)
        if unit_row in unsure or None in by_group:
            continue
        unit = records[0].unit
        assert unit is not None
        for group, expected, sheet, coord, what in _expected(d, unit):
            rows = by_group.get(group, [])
            if isinstance(expected, int) and len(rows) != expected:
                first = rows[0] if rows else records[0]
                category = INVITEE_CATEGORIES[group]
                problems.error(
                    SHEET, first.coord("category") if rows else first.coord("unit"),
                    f'{unit_label(unit)}: danh sách mời có {len(rows)} dòng thành phần '
                    f'"{category}", nhưng {what} là {expected} (sheet "{sheet}", ô {coord})',
                )


def _expected(d: Draft, unit: Unit) -> list[tuple[str, object, str, str | None, str]]:
    unit_rec = d.unit_record(unit)
    units, plan = schema.UNITS.name, schema.PLAN.name
    rows: list[tuple[str, object, str, str | None, str]] = []
    if unit_rec is not None:
        rows += [
            ("poor", unit_rec.get("poor"), units, unit_rec.coord("poor"), "số hộ nghèo được mời"),
            ("near_poor", unit_rec.get("near_poor"), units, unit_rec.coord("near_poor"),
             "số hộ cận nghèo được mời"),
        ]  # fmt: skip
    rows += [
        ("steering", d.meta.get("steering_count"), plan, d.meta.coord("steering_count"),
         "số người Ban Chỉ đạo mỗi đơn vị"),
        ("officials", d.meta.get("officials_count"), plan, d.meta.coord("officials_count"),
         "số cán bộ ấp, khóm mỗi đơn vị"),
    ]  # fmt: skip
    return rows


def _warn_repeats(problems: Problems, records: list[Record]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for rec in records:
        name = rec.get("name")
        if not isinstance(name, str):
            continue
        key = (match_key(name), match_key(str(rec.get("hamlet") or "")))
        if key in seen:
            assert rec.unit is not None
            problems.warning(
                SHEET, rec.coord("name"),
                f"{unit_label(rec.unit)}: dòng {rec.row} trùng họ tên và ấp, khóm với dòng "
                f"{seen[key]}; kiểm tra xem có ghi hai lần không",
            )
        else:
            seen[key] = rec.row


@functools.lru_cache(maxsize=4096)  # a province's roster names the same hamlets many times
def hamlet_text(raw: str | None, unit_kind: str) -> str:
    """Where an invitee lives, as written after the name: "ấp Quý Phước", "khóm 2", "thôn Đông".

    A cell naming its kind keeps it (in lower case, as inside a sentence); a bare name gets the
    kind a hamlet has in that kind of unit; the name's words start with a capital.
    """
    if not raw:
        return ""
    words = clean_text(raw).split(" ")
    kind = ""
    for candidate in HAMLET_KINDS:
        size = len(candidate.split(" "))
        if len(words) > size and match_key(" ".join(words[:size])) == match_key(candidate):
            kind, words = candidate, words[size:]
            break
    else:
        kind = _DEFAULT_HAMLET_KIND.get(unit_kind, "")
    name = " ".join(w[:1].upper() + w[1:] for w in words)
    return f"{kind} {name}" if kind else name


def roster_by_unit(d: Draft) -> dict[int, list[Record]]:
    """The roster's rows by the row of their unit in sheet "Đơn vị": one pass for all units."""
    out: dict[int, list[Record]] = {}
    for r in d.roster:
        if r.unit is not None:
            out.setdefault(r.unit.row, []).append(r)
    return out


def invitees_of(records: list[Record], unit: Unit) -> tuple[Invitee, ...]:
    """The unit's roster rows in print order: by group as the plan lists them, then as the sheet
    does."""
    mine = sorted(records, key=lambda r: (_GROUP_ORDER[str(r.values.get("category"))], r.row))
    kind = unit.place.kind
    return tuple([
        Invitee(
            name=clean_person_name(str(values.get("name"))),
            hamlet=hamlet_text(values.get("hamlet"), kind),
            group=str(values.get("category")),
            note=clean_text(str(values.get("note") or "")),
        )
        for values in (r.values for r in mine)
    ])  # fmt: skip
