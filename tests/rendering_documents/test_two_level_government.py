"""Plans of the two-level local government (since 1 July 2025): a commune issuing for its
hamlets, and a province whose communes issue their own. Every name, header, number series,
dateline and signer comes from the workbook; no unit's kind is glued to a name, no document is
dated from a hamlet, and each document passes the Decree 30 checker and the Office schema."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import issue_all
from tests.plans import commune_2026
from tools.example_workbook import seed_data, write_workbook
from vanban.decree30.checker import check_document
from vanban.errors import WorkbookError
from vanban.rendering.schema import schema_findings
from vanban.review.docxtext import blocks
from vanban.workbook.loader import load_plan

HAMLET_ROSTER = [
    ("Ấp Tân Lợi", "Tổ 4", "Nguyễn Văn Bình", "Ban Chỉ đạo", "Phó Chủ tịch Ủy ban nhân dân xã"),
    ("Ấp Tân Lợi", "Tổ 2", "Trần Thị Hoa", "Ban Chỉ đạo", "Công chức Văn hóa - Xã hội"),
    *[("Ấp Tân Lợi", "Tổ 1", f"Lê Văn Cán {i}", "cán bộ ấp/khóm", "Trưởng ấp") for i in "ABCD"],
    *[("Ấp Tân Lợi", "Tổ 3", f"Phạm Thị Nghèo {i}", "hộ nghèo", None) for i in range(1, 13)],
    *[("Ấp Tân Lợi", "Tổ 5", f"Võ Văn Cận {i}", "hộ cận nghèo", None) for i in range(1, 21)],
]


def commune_for_hamlets() -> dict[str, Any]:
    """A commune whose People's Committee issues each hamlet's invitation, list and report."""
    d = commune_2026()
    d["plan"].update(
        {
            "unit_issuer": "cơ quan ban hành kế hoạch",
            "unit_body_kind": None,
            "unit_body_abbr": None,
            "unit_governing": None,
            "unit_head": None,
            "steering_name": "Ban Chỉ đạo các chương trình mục tiêu quốc gia xã",
            "steering_unit_kind": "không",
            "officials_name": "cán bộ ấp",
            "roster_place_header": "Tổ",
            "people_digits": "như số hộ",
            "summary_governing": None,
            "summary_body": "Ủy ban nhân dân",
            "summary_abbr": "UBND",
            "summary_archive": "VT, VHXH",
            "summary_signer_collective": "Ủy ban nhân dân",
            "summary_signer_authority": "KT.",
            "summary_signer_head": "Chủ tịch",
            "summary_signer_title": "Phó Chủ tịch",
        }
    )
    d["roster_units"] = []
    d["roster_rows"] = HAMLET_ROSTER
    return d


def province_for_communes() -> dict[str, Any]:
    """A province's plan whose communes and wards each issue their own documents."""
    d = seed_data()
    d["plan"].update(
        {
            "place_kind": "tỉnh",
            "place_name": "Đồng Tháp",
            "date_place": "Đồng Tháp",
            "date": date(2026, 3, 2),
            "number": 41,
            "period_start": date(2026, 3, 16),
            "period_end": date(2026, 3, 27),
            "issuer_level": "Cấp tỉnh",
            "unit_level": "Cấp xã",
            "steering_unit_kind": "có",
            "summary_governing": "UBND tỉnh Đồng Tháp",
            "summary_body": "Sở Nông nghiệp và Môi trường",
            "summary_abbr": "SNNMT",
            "summary_date": date(2026, 3, 31),
            "summary_addressee": "Bộ Nông nghiệp và Môi trường",
        }
    )
    d["units"] = [("xã", "Mỹ Quý", 41, 46), ("phường", "Mỹ Phú", 12, 20)]
    d["funding"] = [("Xã Mỹ Quý", 850_000), ("Phường Mỹ Phú", 850_000)]
    d["tiers"] = []
    d["plan"]["budget"] = 1_700_000
    d["roster_units"] = []
    d["documents"] = []
    d["members"] = []
    return d


def _issue(tmp: Path, data: dict[str, Any]) -> dict[str, list[str]]:
    plan = load_plan(write_workbook(tmp / "plan.xlsx", data))
    docs = issue_all(plan, tmp / "out")
    return {p.relative_to(tmp / "out").as_posix(): list(blocks(p)) for p in docs}


@pytest.fixture(scope="module")
def hamlets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    tmp = tmp_path_factory.mktemp("hamlets")
    return tmp / "out", _issue(tmp, commune_for_hamlets())


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    tmp = tmp_path_factory.mktemp("province")
    return tmp / "out", _issue(tmp, province_for_communes())


UNIT_DOCS = ("03-giay-moi/", "04-bao-cao-ket-qua/")
HAMLETS = ("Tân Lợi", "Phú Hưng", "Hòa Bình")


def test_the_commune_issues_every_hamlet_document_as_its_own(
    hamlets: tuple[Path, dict[str, list[str]]],
) -> None:
    _, docs = hamlets
    unit_docs = {k: v for k, v in docs.items() if k.startswith(UNIT_DOCS)}
    # 3 invitations, the Tân Lợi list, 3 reports.
    assert len(unit_docs) == 7, sorted(docs)
    for name, lines in unit_docs.items():
        text = "\n".join(lines)
        assert text.startswith("ỦY BAN NHÂN DÂN\nXÃ PHONG HÒA\n"), (name, lines[:2])
        # The commune's number series (a sign-in list cites its invitation's).
        assert re.search(r"/(GM|BC)-UBND", text), name
        assert "-BND" not in text and not re.search("(?<!ỦY )BAN NHÂN DÂN", text), name
        assert re.search(r"^Phong Hòa, ngày \d\d tháng \d+ năm 2026$", text, re.M), name
        for hamlet in HAMLETS:
            assert f"{hamlet}, ngày" not in text, name  # never dated from a hamlet
        # Signed as the schedule and results sheets say, for the commune.
        assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text, name
        assert "ỦY BAN NHÂN DÂN ẤP" not in text, name


def test_no_name_has_a_unit_s_kind_glued_on_and_labels_come_from_the_plan(
    hamlets: tuple[Path, dict[str, list[str]]],
) -> None:
    _, docs = hamlets
    everything = "\n".join("\n".join(v) for v in docs.values())
    assert " xã ấp" not in everything and "xã ấp " not in everything
    assert "ấp/khóm" not in everything and "khóm" not in everything.lower()
    invitation = "\n".join(docs["03-giay-moi/ap-tan-loi.docx"])
    assert "- Ban Chỉ đạo các chương trình mục tiêu quốc gia xã (2 người);" in invitation
    assert "(thành viên Ban Chỉ đạo các chương trình mục tiêu quốc gia xã)" in invitation
    listing = docs["03-giay-moi/ap-tan-loi-danh-sach.docx"]
    assert "Tổ" in listing  # the plan's own column header
    assert "Cán bộ ấp" in listing
    total = next(line for line in listing if "Tổng số người được mời" in line)
    # One way of writing people within the document: "2 người", as "12 hộ nghèo".
    assert "Ban Chỉ đạo các chương trình mục tiêu quốc gia xã 2 người" in total
    assert not re.search(r"\b0\d người", total), total
    report = "\n".join(docs["04-bao-cao-ket-qua/ap-tan-loi.docx"])
    assert "Kết quả tổ chức đối thoại chính sách giảm nghèo năm 2026 tại ấp Tân Lợi" in report


def test_the_summary_is_signed_as_the_plan_says_with_its_archive(
    hamlets: tuple[Path, dict[str, list[str]]],
) -> None:
    _, docs = hamlets
    summary = "\n".join(docs["05-bao-cao-tong-hop.docx"])
    assert "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in summary, summary[-300:]
    assert "- Lưu: VT, VHXH." in summary
    assert "Số: 12/BC-UBND" in summary


def test_a_province_s_communes_issue_their_own_documents_dated_from_themselves(
    province: tuple[Path, dict[str, list[str]]],
) -> None:
    _, docs = province
    quy = "\n".join(docs["03-giay-moi/xa-my-quy.docx"])
    phu = "\n".join(docs["03-giay-moi/phuong-my-phu.docx"])
    assert "XÃ MỸ QUÝ" in quy and "Mỹ Quý, ngày" in quy and "/GM-UBND" in quy
    assert "PHƯỜNG MỸ PHÚ" in phu and "Mỹ Phú, ngày" in phu
    # Each commune and ward has its committee: the plan asks for the unit's kind.
    assert "Ban Chỉ đạo Giảm nghèo xã (03 người)" in quy
    assert "Ban Chỉ đạo Giảm nghèo phường (03 người)" in phu
    plan = "\n".join(docs["01-ke-hoach.docx"])
    assert plan.startswith("ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG THÁP\n") and "Đồng Tháp, ngày" in plan


@pytest.mark.parametrize("which", ["hamlets", "province"])
def test_every_document_passes_the_decree_30_checker_and_the_office_schema(
    which: str, request: pytest.FixtureRequest
) -> None:
    out, docs = request.getfixturevalue(which)
    assert docs
    for name in docs:
        path = out / name
        assert [str(f) for f in check_document(path)] == [], name
        assert schema_findings(path) == [], name


def test_units_that_issue_their_own_documents_must_name_their_body(tmp_path: Path) -> None:
    d = commune_for_hamlets()
    d["plan"]["unit_issuer"] = "đơn vị"  # each hamlet its own body, but none is named
    with pytest.raises(WorkbookError) as raised:
        load_plan(write_workbook(tmp_path / "plan.xlsx", d))
    messages = [str(p) for p in raised.value.problems]
    for label in ("đơn vị: cơ quan ban hành", "đơn vị: viết tắt", "đơn vị: chức danh thủ trưởng"):
        assert any(label in m and "không được để trống" in m for m in messages), messages
    assert all('Sheet "Kế hoạch", ô B' in m for m in messages), messages


def test_a_deputy_of_the_commune_needs_a_head_to_sign_for(tmp_path: Path) -> None:
    d = commune_for_hamlets()
    d["plan"].update({"unit_head": None, "signer_head": None, "signer_authority": None,
                      "signer_title": "Chủ tịch"})  # fmt: skip
    path = write_workbook(tmp_path / "plan.xlsx", d)  # one schedule row made KT. below
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Lịch đối thoại"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("Thẩm quyền ký") + 1).value = "KT."
    wb.save(path)
    with pytest.raises(WorkbookError) as raised:
        load_plan(path)
    messages = [str(p) for p in raised.value.problems]
    assert any('Sheet "Lịch đối thoại"' in m and '"KT."' in m and "chức danh thủ trưởng" in m
               for m in messages), messages  # fmt: skip


def test_a_misspelt_choice_of_who_issues_is_one_error(tmp_path: Path) -> None:
    d = commune_for_hamlets()
    d["plan"]["unit_issuer"] = "xã lập cho ấp"
    with pytest.raises(WorkbookError) as raised:
        load_plan(write_workbook(tmp_path / "plan.xlsx", d))
    messages = [str(p) for p in raised.value.problems if p.is_error]
    assert len(messages) == 1 and "văn bản do ai ban hành" in messages[0], messages


def test_datelines_and_committees_follow_the_plan_s_data() -> None:
    from vanban.model import Participants, Place, Unit, unit_dateline

    assert unit_dateline(Place("phường", "1"), "unit", None, "Cao Lãnh") == "Phường 1"
    assert unit_dateline(Place("xã", "Mỹ Quý"), "unit", None, "Tháp Mười") == "Mỹ Quý"
    assert unit_dateline(Place("ấp", "Tân Lợi"), "unit", None, "Phong Hòa") == "Phong Hòa"
    assert unit_dateline(Place("xã", "Mỹ Quý"), "issuer", None, "Đồng Tháp") == "Đồng Tháp"
    assert unit_dateline(Place("ấp", "Tân Lợi"), "unit", "Tân Phú", "Phong Hòa") == "Tân Phú"
    ward = Unit(Place("phường", "Mỹ Phú"), 1, 1, 2)
    glued = Participants("Cấp tỉnh", "Tổ", "Cấp xã", "Ban Chỉ đạo Giảm nghèo phường", 3, "cán bộ",
                         5, steering_with_unit_kind=True)  # fmt: skip
    assert glued.steering_for(ward) == "Ban Chỉ đạo Giảm nghèo phường"  # never "phường phường"


def test_a_blank_choice_keeps_what_each_kind_of_plan_did_before(tmp_path: Path) -> None:
    d = province_for_communes()
    d["plan"]["steering_unit_kind"] = None
    unit_plan = load_plan(write_workbook(tmp_path / "units.xlsx", d))
    assert unit_plan.participants.steering_with_unit_kind  # each commune its committee
    h = commune_for_hamlets()
    h["plan"]["steering_unit_kind"] = None
    commune_plan = load_plan(write_workbook(tmp_path / "commune.xlsx", h))
    assert not commune_plan.participants.steering_with_unit_kind
