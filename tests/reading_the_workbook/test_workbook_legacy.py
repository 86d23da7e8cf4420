"""Cells typed in the legacy fonts of old government spreadsheets, read through the workbook.

A cell whose font is ".VnTime" (TCVN3/ABC), ".VnTimeH" (its capitals) or "VNI-Times" holds the
bytes of that encoding as the characters Windows showed for them; the reader converts the text to
Unicode with a warning naming the cell, and the plan loads with the right names. The byte strings
below are written out by hand (checked against glibc's iconv TCVN5712-1 and VNI's tables), not
made with the converter under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from tests.plans import apart_from_codes
from tests.workbook_mutations import (
    FUNDING,
    PLAN,
    UNITS,
    Mutation,
    both,
    flat,
    in_font,
    mutated,
    plan_row,
    run_main,
)
from vanban.model import Plan
from vanban.text.legacy import unicode_to_tcvn3, unicode_to_vni
from vanban.workbook.loader import load_plan

# Real TCVN3 text: "ư" is byte 0xAD, a soft hyphen to a Unicode font.
THAP_MUOI_TCVN3 = "Th\xb8p M\xad\xeai"  # Tháp Mười
SO_LAO_DONG_TCVN3 = (  # Sở Lao động - Thương binh và Xã hội tỉnh Đồng Tháp
    "S\xeb Lao \xae\xe9ng - Th\xad\xacng binh v\xb5 X\xb7 h\xe9i t\xd8nh \xa7\xe5ng Th\xb8p"
)
MUONG_TCVN3 = "nh\xb5 v\xa8n h\xe3a \xcap M\xad\xeang"  # nhà văn hóa ấp Mường
HO_NGHEO_TCVN3 = "\xa7\xe8i tho\xb9i v\xedi h\xe9 ngh\xcco"  # Đối thoại với hộ nghèo
LDTBXH_TCVN3H = "l\xaetbxh"  # LĐTBXH in a capitals font, which draws lowercase as capitals
MY_QUY_TCVN3H = "m\xfc qu\xfd"  # MỸ QUÝ
# Real VNI text: a base letter and a mark byte; "ö" is "ư", "ô" is "ơ", "Ñ" is "Đ".
MY_HOA_VNI = "Myõ Hoøa"  # Mỹ Hòa
THAP_MUOI_VNI = "Thaùp Möôøi"  # Tháp Mười
DONG_THAP_VNI = "UBND tænh Ñoàng Thaùp"  # UBND tỉnh Đồng Tháp
CAPITALS_VNI = "UBND HUYEÄN THAÙP MÖÔØI"  # UBND HUYỆN THÁP MƯỜI


def plan_value(label: str, font: str, text: str) -> Mutation:
    def change(wb: Workbook) -> None:
        cell = wb[PLAN].cell(plan_row(wb, label), 2)
        cell.value = text
        cell.font = Font(name=font)

    return change


CASES = [
    # (id, mutation, sheet, cell, expected Unicode, where it lands in the plan)
    ("tcvn3-generated-unit-name", in_font(UNITS, "C2", ".VnTime", unicode_to_tcvn3("Mỹ Quý")),
     UNITS, "C2", "Mỹ Quý", lambda p: p.units[0].place.name),
    ("tcvn3-place-name", plan_value("Tên địa bàn", ".VnTime", THAP_MUOI_TCVN3),
     PLAN, "B6", "Tháp Mười", lambda p: p.issuer.place.name),
    ("tcvn3-addressee", plan_value("Báo cáo tổng hợp: kính gửi", ".VnArial", SO_LAO_DONG_TCVN3),
     PLAN, "B56", "Sở Lao động - Thương binh và Xã hội tỉnh Đồng Tháp",
     lambda p: p.summary.addressee),
    ("tcvn3-muong-venue", in_font("Lịch đối thoại", "D3", ".VnTime", MUONG_TCVN3),
     "Lịch đối thoại", "D3", "nhà văn hóa ấp Mường", lambda p: p.units[1].schedule.venue),
    ("tcvn3-ho-ngheo", plan_value("Tên cuộc đối thoại", ".VnTime", HO_NGHEO_TCVN3),
     PLAN, "B13", "Đối thoại với hộ nghèo", lambda p: p.dialogue_name),
    ("tcvn3h-capitals-abbr", plan_value("Báo cáo tổng hợp: viết tắt", ".VnTimeH", LDTBXH_TCVN3H),
     PLAN, "B53", "LĐTBXH", lambda p: p.summary.body.abbr),
    ("tcvn3h-capitals-unit", in_font(UNITS, "C2", ".VnTimeH", MY_QUY_TCVN3H),
     UNITS, "C2", "MỸ QUÝ", lambda p: p.funding[0].unit.place.name),
    ("vni-unit-name", in_font(UNITS, "C10", "VNI-Times", MY_HOA_VNI),
     UNITS, "C10", "Mỹ Hòa", lambda p: p.funding[8].unit.place.name),
    ("vni-date-place", plan_value("Địa danh ghi ngày tháng", "VNI-Times", THAP_MUOI_VNI),
     PLAN, "B7", "Tháp Mười", lambda p: p.ref.place),
    ("vni-governing", plan_value("Báo cáo tổng hợp: cơ quan chủ quản", "VNI-Helve",
                                 DONG_THAP_VNI),
     PLAN, "B51", "UBND tỉnh Đồng Tháp", lambda p: p.summary.body.governing),
    ("vni-capitals", plan_value("Báo cáo tổng hợp: cơ quan chủ quản", "VNI-Times", CAPITALS_VNI),
     PLAN, "B51", "UBND HUYỆN THÁP MƯỜI", lambda p: p.summary.body.governing),
    ("vni-generated-funding-ref", in_font(FUNDING, "B10", "VNI-Times", unicode_to_vni("Xã Mỹ Hòa")),
     FUNDING, "B10", "Xã Mỹ Hòa", lambda p: p.funding[8].unit.name),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_legacy_cell_is_converted_with_a_warning_naming_it(
    case: tuple[str, Mutation, str, str, str, object], tmp_path: Path
) -> None:
    _, mutation, sheet, cell, expected, where = case
    plan: Plan = load_plan(mutated(mutation, tmp_path / "ke-hoach.xlsx"))
    assert where(plan) == expected  # type: ignore[operator]
    (warning,) = apart_from_codes(plan.warnings)
    assert warning.startswith(f'Sheet "{sheet}", ô {cell}: ô dùng phông cũ "')
    assert warning.endswith(f'đã chuyển sang Unicode: "{expected}"')


def test_the_converted_names_still_match_across_sheets(tmp_path: Path) -> None:
    """A unit typed in TCVN3 on one sheet and in VNI on another is one unit."""
    change = both(
        in_font(UNITS, "C4", ".VnTime", "L\xb8ng Bi\xd3n"),  # Láng Biển
        in_font(FUNDING, "B4", "VNI-Times", "Xaõ Laùng Bieån"),  # Xã Láng Biển
    )
    plan = load_plan(mutated(change, tmp_path / "ke-hoach.xlsx"))
    assert plan.units[2].place.name == "Láng Biển"
    assert plan.funding[2].unit is plan.units[2]
    assert [w.split(":")[0] for w in apart_from_codes(plan.warnings)] == [
        'Sheet "Đơn vị", ô C4', 'Sheet "Kinh phí", ô B4'
    ]


def test_a_legacy_slip_is_still_an_error_naming_both_cells(tmp_path: Path) -> None:
    change = in_font(FUNDING, "B4", ".VnTime", "X\xb7 L\xb8ng Bi\xd2n")  # Xã Láng Biền
    path = mutated(change, tmp_path / "ke-hoach.xlsx")
    code, _, stderr = run_main(["check", str(path)])
    assert code == 2
    text = flat(stderr)
    assert 'Sheet "Kinh phí", ô B4: đơn vị "Xã Láng Biền" không có trong sheet "Đơn vị"' in text
    assert '"Xã Láng Biển" (sheet "Đơn vị", ô C4)' in text


def test_a_legacy_header_is_still_found(tmp_path: Path) -> None:
    change = in_font(UNITS, "D1", ".VnTime", "S\xe8 h\xe9 ngh\xcco")  # Số hộ nghèo
    plan = load_plan(mutated(change, tmp_path / "ke-hoach.xlsx"))
    assert plan.units[0].poor == 41
    assert apart_from_codes(plan.warnings) == ()


@pytest.mark.parametrize(
    "font, text",
    [(".VnTime", "Mỹ Quý"), ("VNI-Times", "Mỹ Quý"), (".VnTimeH", "Mỹ Quý"), (".VnTime", "UBND")],
)
def test_unicode_or_plain_text_in_an_old_font_is_left_alone(
    font: str, text: str, tmp_path: Path
) -> None:
    change = in_font(UNITS, "C2", font, text) if text != "UBND" else plan_value(
        "Viết tắt cơ quan ban hành", font, text
    )
    plan = load_plan(mutated(change, tmp_path / "ke-hoach.xlsx"))
    assert plan.units[0].place.name == "Mỹ Quý"
    assert plan.issuer.abbr == "UBND"
    assert apart_from_codes(plan.warnings) == ()


def test_vanban_check_prints_the_conversion_warning(tmp_path: Path) -> None:
    path = mutated(in_font(UNITS, "C2", ".VnTime", "M\xfc Qu\xfd"), tmp_path / "ke-hoach.xlsx")
    code, stdout, _ = run_main(["check", str(path)])
    assert code == 0
    text = flat(stdout)
    assert "Bảng tính hợp lệ" in text
    assert (
        'Sheet "Đơn vị", ô C2: ô dùng phông cũ ".VnTime", đã chuyển sang Unicode: "Mỹ Quý"' in text
    )
