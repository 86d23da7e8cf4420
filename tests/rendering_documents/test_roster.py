"""The roster ("Danh sách mời"): read and cleaned, checked against the plan's counts, printed as
personal invitations after the general one and as the sign-in list whose totals are the unit's."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.plans import apart_from_codes
from tests.rosters import (
    SMALL_PRINTED,
    SMALL_ROWS,
    SMALL_SLUG,
    SMALL_UNIT,
    issue_unit,
    small_roster_workbook,
    unit_named,
    without_roster_workbook,
)
from vanban.decree30.checker import check_document
from vanban.documents.kinds import default_registry
from vanban.issuing.jobs import plan_jobs
from vanban.model import Invitee, Plan, Unit
from vanban.review.docxtext import blocks, paragraphs, tables
from vanban.workbook.loader import load_plan
from vanban.workbook.roster import hamlet_text

INVITATION = f"03-giay-moi/{SMALL_SLUG}.docx"
LIST = f"03-giay-moi/{SMALL_SLUG}-danh-sach.docx"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Plan, Path]:
    tmp = tmp_path_factory.mktemp("small-roster")
    wb = small_roster_workbook(tmp / "plan.xlsx")
    plan = load_plan(wb)
    issue_unit(plan, SMALL_UNIT, tmp / "out")
    return wb, plan, tmp / "out"


@pytest.fixture(scope="module")
def example_roster_docs(example_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example-roster")
    for unit in example_plan.units:
        if unit.invitees:
            issue_unit(example_plan, unit.name, out)
    return out


# --- reading ----------------------------------------------------------------------------------


def test_names_are_printed_cleaned_and_the_workbook_keeps_what_was_typed(
    small: tuple[Path, Plan, Path],
) -> None:
    wb, plan, _ = small
    unit = unit_named(plan, SMALL_UNIT)
    assert [(p.name, p.hamlet, p.group) for p in unit.invitees] == SMALL_PRINTED
    assert [p.note for p in unit.invitees][1] == "Trưởng khóm"
    before = hashlib.sha256(wb.read_bytes()).hexdigest()
    load_plan(wb)
    assert hashlib.sha256(wb.read_bytes()).hexdigest() == before
    sheet = load_workbook(wb)["Danh sách mời"]
    typed = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert typed == [row[2] for row in SMALL_ROWS]


def test_only_units_with_rows_have_a_roster(small: tuple[Path, Plan, Path]) -> None:
    _, plan, _ = small
    assert [u.name for u in plan.units if u.invitees] == [SMALL_UNIT]
    assert apart_from_codes(plan.warnings) == ()


@pytest.mark.parametrize(
    ("typed", "unit_kind", "printed"),
    [
        ("Quý Phước", "xã", "ấp Quý Phước"),
        ("quý phước", "xã", "ấp Quý Phước"),
        ("Ấp Quý Phước", "xã", "ấp Quý Phước"),
        ("  ẤP   Quý  Phước ", "xã", "ấp Quý Phước"),
        ("3", "xã", "ấp 3"),
        ("2", "thị trấn", "khóm 2"),
        ("Khóm 2", "xã", "khóm 2"),
        ("Thôn Đông", "xã", "thôn Đông"),
        ("tổ dân phố 5", "phường", "tổ dân phố 5"),
        ("Tổ 5", "ấp", "tổ 5"),
        ("Bờ Kênh", "ấp", "Bờ Kênh"),
        ("Ấp", "xã", "ấp Ấp"),
        (None, "xã", ""),
    ],
)
def test_how_a_hamlet_is_written(typed: str | None, unit_kind: str, printed: str) -> None:
    assert hamlet_text(typed, unit_kind) == printed


def test_a_repr_never_shows_a_name() -> None:
    person = Invitee("Nguyễn Văn Bình", "ấp Quý Phước", "poor", "ghi chú riêng")
    assert "Bình" not in repr(person) and "Quý" not in repr(person) and "riêng" not in repr(person)


# --- the invitation file ------------------------------------------------------------------------


def test_personal_letters_follow_the_unchanged_general_one(
    small: tuple[Path, Plan, Path], tmp_path: Path
) -> None:
    _, plan, out = small
    text = blocks(out / INVITATION)
    titles = [i for i, line in enumerate(text) if line == "GIẤY MỜI"]
    assert len(titles) == 1 + len(SMALL_PRINTED)
    addressed = [line for line in text if line.startswith("Kính gửi:")]
    assert addressed == [
        f"Kính gửi: Ông/Bà {name}, {hamlet}." if hamlet else f"Kính gửi: Ông/Bà {name}."
        for name, hamlet, _ in SMALL_PRINTED
    ]
    # The general invitation is the one a unit without a roster gets, word for word.
    bare = load_plan(without_roster_workbook(tmp_path / "bare.xlsx"))
    general = blocks(issue_unit(bare, SMALL_UNIT, tmp_path / "out")["giay_moi"])
    # Each letter opens with the issuing body's cell of its header.
    starts = [i for i, block in enumerate(text) if block == text[0]]
    assert len(starts) == len(titles)
    assert text[: starts[1]] == general
    letters = [text[a:b] for a, b in zip(starts[1:], [*starts[2:], len(text)], strict=True)]
    assert all(letter[-1].endswith("\nNguyễn Văn A") for letter in letters)
    # Households are asked to bring their letter to receive the support; others are not.
    support = ["nhận hỗ trợ" in " ".join(letter) for letter in letters]
    assert support == [group in ("poor", "near_poor") for _, _, group in SMALL_PRINTED]


def test_a_unit_without_a_roster_keeps_the_general_invitation_only(
    small: tuple[Path, Plan, Path],
) -> None:
    _, plan, _ = small
    jobs = {j.relpath: j for j in plan_jobs(plan, default_registry())}
    assert jobs["03-giay-moi/xa-my-quy.docx"].pending is None
    reason = jobs["03-giay-moi/xa-my-quy-danh-sach.docx"].pending or ""
    assert 'sheet "Danh sách mời"' in reason and "giấy mời chung" in reason
    assert jobs[LIST].pending is None


def test_every_roster_document_passes_the_decree_30_checker(
    small: tuple[Path, Plan, Path], example_roster_docs: Path
) -> None:
    _, _, out = small
    docs = [out / INVITATION, out / LIST, *sorted(example_roster_docs.rglob("*.docx"))]
    assert len(docs) == 2 + 4
    findings = {p.name: [str(f) for f in check_document(p)] for p in docs}
    assert findings == {p.name: [] for p in docs}


# --- the list -----------------------------------------------------------------------------------


def _list_rows(path: Path) -> list[list[str]]:
    grid = next(t for t in tables(path) if t and t[0][0] == "STT")
    return grid[1:]


def _figure(cell: str) -> int:
    match = re.fullmatch(r"([\d.]+) (người|hộ)", cell)
    assert match, cell
    return int(match.group(1).replace(".", ""))


def _group_counts(rows: list[list[str]]) -> tuple[dict[str, int], int, list[int]]:
    """Subtotals by group title, the total, and the STT column of the people's rows."""
    subtotals: dict[str, int] = {}
    title = ""
    total = -1
    numbers = []
    for row in rows:
        if re.fullmatch(r"[IVX]+", row[0]):
            title = row[1]
        elif row[0] == "Cộng":
            subtotals[title] = _figure(row[2])
        elif row[0] == "Tổng cộng":
            total = _figure(row[2])
        else:
            numbers.append(int(row[0]))
    return subtotals, total, numbers


def _expected(plan: Plan, unit: Unit) -> dict[str, int]:
    p = plan.participants
    out = {
        f"{p.steering_name} {unit.place.kind}": p.steering_count,
        p.officials_name[:1].upper() + p.officials_name[1:]: p.officials_count,
        "Hộ nghèo": unit.poor,
        "Hộ cận nghèo": unit.near_poor,
    }
    others = sum(1 for person in unit.invitees if person.group == "other")
    if others:
        out["Thành phần khác"] = others
    return out


def test_the_lists_totals_are_the_units_counts(
    small: tuple[Path, Plan, Path], example_plan: Plan, example_roster_docs: Path
) -> None:
    _, plan, out = small
    cases = [(plan, unit_named(plan, SMALL_UNIT), out / LIST)] + [
        (example_plan, u, example_roster_docs / f"03-giay-moi/{slug}-danh-sach.docx")
        for u, slug in ((unit_named(example_plan, "Xã Mỹ Đông"), "xa-my-dong"),
                        (unit_named(example_plan, "Xã Phú Điền"), "xa-phu-dien"))
    ]  # fmt: skip
    for the_plan, unit, path in cases:
        subtotals, total, numbers = _group_counts(_list_rows(path))
        assert subtotals == _expected(the_plan, unit), path.name
        assert total == sum(subtotals.values()) == len(unit.invitees)
        assert numbers == list(range(1, total + 1))
        text = " ".join(paragraphs(path))
        allocated = the_plan.funding_for(unit)
        assert allocated is not None
        assert f"({unit.households} hộ)" in text
        assert f"{allocated:,}đ".replace(",", ".") in text
        # Counts of people as the plan writes them ("Số người: cách viết"): "06 người".
        people = f"{total:02d}" if the_plan.dialect.people_two_digits else str(total)
        assert f"Tổng số người được mời: {people} người" in text


def test_the_example_has_an_illustrative_roster_for_two_units(example_plan: Plan) -> None:
    with_roster = {u.name: len(u.invitees) for u in example_plan.units if u.invitees}
    p = example_plan.participants
    assert with_roster == {
        u.name: p.steering_count + p.officials_count + u.households
        for u in example_plan.units
        if u.name in ("Xã Mỹ Đông", "Xã Phú Điền")
    }
    for unit in example_plan.units:
        names = [person.name for person in unit.invitees]
        assert len(set(names)) == len(names), unit.name
    sheet = load_workbook(Path(__file__).parents[2] / "inputs" / "thap-muoi-2022.xlsx")[
        "Danh sách mời"
    ]
    assert sheet.sheet_properties.tabColor is not None
    assert sheet["A1"].comment is not None and "minh họa" in sheet["A1"].comment.text
