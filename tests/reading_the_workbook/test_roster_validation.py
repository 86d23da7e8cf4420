"""A roster that does not add up, or a row that cannot be read, is refused at its sheet and cell,
in Vietnamese, naming the unit and both numbers; no message quotes a person's name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from tests.plans import apart_from_codes
from tests.workbook_mutations import (
    Mutation,
    example_workbook,
    flat,
    mutated,
    put,
    put_plan,
    run_main,
)
from vanban.errors import WorkbookError
from vanban.text.legacy import unicode_to_tcvn3, unicode_to_vni
from vanban.workbook.loader import load_plan

ROSTER = "Danh sách mời"
COMMITTEE_COUNT = "B22"  # "Số người Ban Chỉ đạo mỗi đơn vị" on "Kế hoạch"
OFFICIALS_COUNT = "B24"


def roster_row(unit: str, group: str, nth: int = 0) -> int:
    """The sheet row of the nth row of a group of a unit, in the example workbook."""
    ws = example_workbook()[ROSTER]
    rows = [r for r in range(2, ws.max_row + 1)
            if ws.cell(r, 1).value == unit and ws.cell(r, 4).value == group]  # fmt: skip
    return rows[nth]


def delete_row(row: int) -> Mutation:
    def change(wb: Workbook) -> None:
        wb[ROSTER].delete_rows(row)

    return change


def typed_name(row: int) -> str:
    value = example_workbook()[ROSTER].cell(row, 3).value
    assert isinstance(value, str)
    return value


POOR = roster_row("Xã Mỹ Đông", "hộ nghèo")
NEAR = roster_row("Xã Mỹ Đông", "hộ cận nghèo", 4)
COMMITTEE = roster_row("Xã Phú Điền", "Ban Chỉ đạo", 1)


@dataclass(frozen=True)
class Refused:
    id: str
    mutation: Mutation
    # (sheet, cell or None for "any cell of column D", substrings of the message), one per error
    errors: list[tuple[str, str | None, list[str]]]


CASES = [
    Refused("household-row-missing", delete_row(POOR), [
        (ROSTER, None, ["Xã Mỹ Đông", '2 dòng thành phần "hộ nghèo"',
                        "số hộ nghèo được mời là 3", 'sheet "Đơn vị", ô D3']),
    ]),
    Refused("near-poor-row-typed-as-poor", put(ROSTER, f"D{NEAR}", "hộ nghèo"), [
        (ROSTER, None, ["Xã Mỹ Đông", '4 dòng thành phần "hộ nghèo"', "là 3"]),
        (ROSTER, None, ["Xã Mỹ Đông", '50 dòng thành phần "hộ cận nghèo"', "là 51",
                        'sheet "Đơn vị", ô E3']),
    ]),
    Refused("committee-member-typed-as-other", put(ROSTER, f"D{COMMITTEE}", "khác"), [
        (ROSTER, None, ["Xã Phú Điền", '2 dòng thành phần "Ban Chỉ đạo"',
                        "số người Ban Chỉ đạo mỗi đơn vị là 3",
                        f'sheet "Kế hoạch", ô {COMMITTEE_COUNT}']),
    ]),
    Refused("plan-invites-more-officials", put_plan("Số cán bộ ấp, khóm mỗi đơn vị", 6), [
        (ROSTER, None, [unit, '5 dòng thành phần "cán bộ ấp/khóm"', "là 6",
                        f'sheet "Kế hoạch", ô {OFFICIALS_COUNT}'])
        for unit in ("Xã Mỹ Đông", "Xã Phú Điền")
    ]),
    Refused("unknown-unit", put(ROSTER, f"A{POOR}", "Xã Mỹ Đong"), [
        (ROSTER, f"A{POOR}", ['đơn vị "Xã Mỹ Đong" không có trong sheet "Đơn vị"',
                              'có phải "Xã Mỹ Đông"']),
    ]),
    Refused("unknown-group", put(ROSTER, f"D{POOR}", "hộ khá"), [
        (ROSTER, f"D{POOR}", ["thành phần phải là một trong: hộ nghèo, hộ cận nghèo, Ban Chỉ "
                              "đạo, cán bộ ấp/khóm, khác"]),
    ]),
    Refused("name-in-the-group-column", put(ROSTER, f"D{POOR}", typed_name(POOR)), [
        (ROSTER, f"D{POOR}", ["thành phần phải là một trong"]),
    ]),
    Refused("group-empty", put(ROSTER, f"D{NEAR}", None), [
        (ROSTER, f"D{NEAR}", ["thành phần không được để trống"]),
    ]),
    Refused("name-empty", put(ROSTER, f"C{POOR}", None), [
        (ROSTER, f"C{POOR}", ["họ và tên không được để trống"]),
    ]),
    Refused("name-is-a-number", put(ROSTER, f"C{POOR}", 12345), [
        (ROSTER, f"C{POOR}", ["họ và tên phải là chữ"]),
    ]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_wrong_roster_is_refused_at_its_cell(case: Refused, tmp_path: Path) -> None:
    path = mutated(case.mutation, tmp_path / "ke-hoach.xlsx")
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    errors = caught.value.errors
    assert len(errors) == len(case.errors), "\n".join(str(e) for e in errors)
    for sheet, cell, parts in case.errors:
        found = [
            e for e in errors
            if e.sheet == sheet
            and (e.cell == cell if cell else (e.cell or "").startswith("D"))
            and all(part in e.message for part in parts)
        ]  # fmt: skip
        assert found, f"{sheet} {cell} {parts}:\n" + "\n".join(str(e) for e in errors)
    names = [typed_name(r) for r in (POOR, NEAR, COMMITTEE)]
    for problem in caught.value.problems:
        assert not any(name in problem.message for name in names), problem


def test_the_command_line_names_the_unit_and_both_numbers(tmp_path: Path) -> None:
    path = mutated(delete_row(POOR), tmp_path / "ke-hoach.xlsx")
    code, stdout, stderr = run_main(["check", str(path)])
    assert code == 2
    line = next(li for li in flat(stderr).split("✗") if f'Sheet "{ROSTER}"' in li)
    assert "Xã Mỹ Đông" in line and " 2 dòng " in line and " là 3 " in line


def test_the_plans_own_group_names_are_accepted(tmp_path: Path) -> None:
    path = mutated(
        put(ROSTER, f"D{COMMITTEE}", "Ban Chỉ đạo Giảm nghèo"), tmp_path / "ke-hoach.xlsx"
    )
    plan = load_plan(path)
    unit = next(u for u in plan.units if u.name == "Xã Phú Điền")
    assert sum(1 for p in unit.invitees if p.group == "steering") == 3


def test_a_roster_row_typed_twice_is_a_warning_without_the_name(tmp_path: Path) -> None:
    def twice(wb: Workbook) -> None:
        ws = wb[ROSTER]
        for col in "BC":
            ws[f"{col}{POOR + 1}"] = ws[f"{col}{POOR}"].value

    plan = load_plan(mutated(twice, tmp_path / "ke-hoach.xlsx"))
    (warning,) = apart_from_codes(plan.warnings)
    assert f"ô C{POOR + 1}" in warning and f"trùng họ tên và ấp, khóm với dòng {POOR}" in warning
    assert typed_name(POOR) not in warning


@pytest.mark.parametrize(
    ("font", "encode"),
    [(".VnTime", unicode_to_tcvn3), ("VNI-Times", unicode_to_vni)],
    ids=["tcvn3", "vni"],
)
def test_legacy_font_names_are_converted_and_never_quoted(
    font: str, encode: Callable[[str], str], tmp_path: Path
) -> None:
    rows = [POOR, POOR + 1, POOR + 2]
    names = ["Trương Thị Mường", "Đặng Văn Hưởng", "Nguyễn Thị Ngọc Anh"]

    def legacy(wb: Workbook) -> None:
        for row, name in zip(rows, names, strict=True):
            cell = wb[ROSTER][f"C{row}"]
            cell.value = encode(name)
            cell.font = Font(name=font)

    path = mutated(legacy, tmp_path / "ke-hoach.xlsx")
    plan = load_plan(path)
    printed = {p.name for u in plan.units for p in u.invitees}
    assert set(names) <= printed
    (warning,) = apart_from_codes(plan.warnings)
    assert f'ô C{rows[0]}: ô dùng phông cũ "{font}" (và 2 ô khác, đến ô C{rows[-1]})' in warning
    code, stdout, stderr = run_main(["check", str(path)])
    assert code == 0 and "phông cũ" in flat(stdout)
    for name in names:
        assert name not in warning and name not in stdout + stderr
        assert encode(name) not in stdout + stderr
