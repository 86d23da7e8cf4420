"""A corpus of broken workbooks: the example with one thing wrong, each found at its cell.

Every broken case asserts that loading raises WorkbookError with an error at the expected sheet
and cell whose message says what was expected and what was found, that ``vanban run`` exits 2
naming the same cell, and that the run wrote nothing. The passing cases are differences that are
not mistakes (column order, Unicode form, numbers typed as text) and must load with the right
values, warnings at most.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.plans import apart_from_codes
from tests.workbook_mutations import (
    FUNDING,
    OPINIONS,
    PLAN,
    RAW_FILES,
    RESULTS,
    SCHEDULE,
    TEXTS,
    TIERS,
    UNITS,
    Mutation,
    both,
    clear_sheet,
    delete_column,
    delete_plan_item,
    delete_rows,
    delete_sheet,
    flat,
    mutated,
    put,
    put_plan,
    rename_sheet,
    run_main,
    swap_columns,
)
from vanban.errors import WorkbookError
from vanban.model import Plan
from vanban.workbook.loader import collect_problems, load_plan

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Broken:
    id: str
    mutation: Mutation
    sheet: str | None
    cell: str | None
    message: str  # a substring of the error at that sheet and cell


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


BROKEN = [
    # --- structure -----------------------------------------------------------------------------
    Broken("missing-sheet", delete_sheet(SCHEDULE), SCHEDULE, None,
           'thiếu sheet "Lịch đối thoại"'),
    Broken("renamed-sheet", rename_sheet(UNITS, "Don vi"), UNITS, None,
           'thiếu sheet "Đơn vị"; có sheet "Don vi", hãy đổi tên thành "Đơn vị"'),
    Broken("missing-column", delete_column(UNITS, 4), UNITS, "A1:F1",
           'dòng tiêu đề 1 thiếu cột "Số hộ nghèo"'),
    Broken("duplicate-column", put(UNITS, "G1", "Số hộ nghèo"), UNITS, "G1",
           'cột "Số hộ nghèo" có hai lần (đã có ở ô D1)'),
    Broken("header-row-deleted", delete_rows(FUNDING, 1), FUNDING, None,
           'không tìm thấy dòng tiêu đề trong 10 dòng đầu; cần các cột: "STT", "Đơn vị"'),
    Broken("missing-plan-item", delete_plan_item("Ngày ban hành"), PLAN, None,
           'thiếu mục "Ngày ban hành" ở cột "Mục"'),
    Broken("empty-sheet", clear_sheet(UNITS), UNITS, None,
           "sheet trống: không có dòng tiêu đề và dữ liệu"),
    Broken("sheet-without-rows", delete_rows(TEXTS, 2, 60), TEXTS, "A2",
           "sheet chưa có dòng dữ liệu nào dưới dòng tiêu đề 1"),
    # --- types -----------------------------------------------------------------------------------
    Broken("text-count", put(UNITS, "D7", "ba mươi"), UNITS, "D7",
           'số hộ nghèo phải là số nguyên không âm, nhận được "ba mươi"'),
    Broken("negative-count", put(UNITS, "E5", -3), UNITS, "E5",
           "số hộ cận nghèo phải là số nguyên không âm, nhận được -3"),
    Broken("fractional-count", put(UNITS, "D6", 2.5), UNITS, "D6",
           "số hộ nghèo phải là số nguyên không âm, nhận được 2,5"),
    Broken("fractional-attendance", put(RESULTS, "E3", 4.5), RESULTS, "E3",
           "cán bộ ấp, khóm tham dự phải là số nguyên không âm, nhận được 4,5"),
    Broken("negative-money", put(FUNDING, "C3", -850000), FUNDING, "C3",
           "số tiền (đồng) phải là số nguyên không âm, nhận được -850.000"),
    Broken("huge-count", put(UNITS, "D2", 10**12), UNITS, "D2",
           "số hộ nghèo quá lớn: tối đa 1.000.000, nhận được 1.000.000.000.000"),
    Broken("zero-document-number", put_plan("Số kế hoạch", 0), PLAN, "B8",
           "số kế hoạch phải là số nguyên dương, nhận được 0"),
    Broken("date-not-a-date", put(SCHEDULE, "B3", "ngày mai"), SCHEDULE, "B3",
           'ngày đối thoại phải là ngày (ngày/tháng/năm), nhận được "ngày mai"'),
    Broken("impossible-date", put_plan("Ngày ban hành", "31/02/2022"), PLAN, "B9",
           'ngày ban hành phải là ngày (ngày/tháng/năm), nhận được "31/02/2022"'),
    Broken("time-not-a-time", put(SCHEDULE, "C2", "sáng"), SCHEDULE, "C2",
           'giờ bắt đầu phải là giờ (ví dụ 07:30), nhận được "sáng"'),
    Broken("uncalculated-formula", put(UNITS, "D3", "=40+1"), UNITS, "D3",
           "số hộ nghèo: công thức =40+1 chưa được tính, hãy mở và lưu lại tệp bằng Excel"),
    Broken("uncalculated-budget", put_plan("Tổng kinh phí (đồng)", "=SUM('Kinh phí'!C2:C14)"),
           PLAN, "B25", "chưa được tính, hãy mở và lưu lại tệp bằng Excel"),
    Broken("excel-error-value", put(FUNDING, "C5", "#REF!"), FUNDING, "C5",
           "số tiền (đồng): ô báo lỗi #REF! của Excel"),
    Broken("required-text-empty", put_plan("Người ký: họ tên", None), PLAN, "B34",
           "người ký: họ tên không được để trống"),
    Broken("not-in-choice-list", put(UNITS, "B4", "xa"), UNITS, "B4",
           'loại đơn vị phải là một trong: xã, phường, đặc khu, ấp, khóm, khu phố, tổ dân phố, '
           'thôn, bản, thị trấn; nhận được "xa"'),
    Broken("signer-head-missing", put_plan("Người ký: chức danh thủ trưởng", None), PLAN, "B32",
           'người ký: chức danh thủ trưởng không được để trống khi mục "Người ký: thẩm quyền" '
           'là "KT."'),
    Broken("bad-authority", put(SCHEDULE, "I5", "Chủ tịch"), SCHEDULE, "I5",
           'thẩm quyền ký phải là một trong: TM., KT., Q., TL., TUQ.; nhận được "Chủ tịch"'),
    # --- units -----------------------------------------------------------------------------------
    Broken("empty-unit-name", put(UNITS, "C3", None), UNITS, "C3",
           "tên đơn vị không được để trống"),
    Broken("duplicate-unit", put(UNITS, "C3", "Mỹ Quý"), UNITS, "C3",
           'đơn vị "Xã Mỹ Quý" trùng với dòng 2 (ô C2)'),
    Broken("lang-bien-slip", put(FUNDING, "B4", "Xã Láng Biền"), FUNDING, "B4",
           'đơn vị "Xã Láng Biền" không có trong sheet "Đơn vị"; có phải "Xã Láng Biển" '
           '(sheet "Đơn vị", ô C4)'),
    Broken("unknown-unit-without-marks", put(SCHEDULE, "A4", "Xa Lang Bien"), SCHEDULE, "A4",
           'đơn vị "Xa Lang Bien" không có trong sheet "Đơn vị"; có phải "Xã Láng Biển"'),
    Broken("ambiguous-bare-name", put(FUNDING, "B7", "Mỹ An"), FUNDING, "B7",
           '"Mỹ An" có thể là: "Thị trấn Mỹ An", "Xã Mỹ An"; hãy ghi cả loại đơn vị'),
    Broken("unit-funded-twice", put(FUNDING, "B3", "Xã Mỹ Quý"), FUNDING, "B3",
           'đơn vị "Xã Mỹ Quý" được phân bổ hai lần (đã có ở ô B2)'),
    Broken("unit-without-schedule", delete_rows(SCHEDULE, 3), SCHEDULE, None,
           'đơn vị "Xã Mỹ Đông" (sheet "Đơn vị", ô C3) chưa có lịch đối thoại'),
    # --- sums and rules ---------------------------------------------------------------------------
    Broken("budget-not-the-sum", put_plan("Tổng kinh phí (đồng)", 11_000_000), PLAN, "B25",
           'tổng kinh phí phải bằng cộng các dòng sheet "Kinh phí" (11.300.000đ), nhận được '
           "11.000.000đ"),
    Broken("stated-households-total", put(UNITS, "F15", 1180), UNITS, "F15",
           'dòng "Tổng cộng": tổng số hộ phải bằng cộng các đơn vị (1.179), nhận được 1.180'),
    Broken("stated-funding-total", put(FUNDING, "C15", 11_200_000), FUNDING, "C15",
           'dòng "Tổng cộng" phải bằng cộng các đơn vị (11.300.000đ), nhận được 11.200.000đ'),
    Broken("unit-total-not-the-sum", put(UNITS, "F2", 88), UNITS, "F2",
           "tổng số hộ phải bằng hộ nghèo + hộ cận nghèo = 87, nhận được 88"),
    Broken("share-breaks-tier", put(FUNDING, "C2", 900_000), FUNDING, "C2",
           'theo sheet "Định mức kinh phí", Xã Mỹ Quý (87 hộ) được 850.000đ, nhận được 900.000đ'),
    Broken("tier-changed", put(TIERS, "A3", 110), FUNDING, "C13",
           "Xã Hưng Thạnh (109 hộ) được 850.000đ, nhận được 900.000đ"),
    # --- dates -----------------------------------------------------------------------------------
    Broken("dialogue-outside-period", put(SCHEDULE, "B2", date(2022, 11, 10)), SCHEDULE, "B2",
           "ngày đối thoại của Xã Mỹ Quý phải trong thời gian của kế hoạch (11/11/2022 – "
           "20/11/2022), nhận được 10/11/2022"),
    Broken("plan-dated-after-start", put_plan("Ngày ban hành", date(2022, 11, 12)), PLAN, "B9",
           "ngày ban hành kế hoạch phải trước ngày bắt đầu đối thoại 11/11/2022, nhận được "
           "12/11/2022"),
    Broken("period-ends-before-start", put_plan("Thời gian đến ngày", date(2022, 11, 1)),
           PLAN, "B16",
           "ngày kết thúc phải từ ngày bắt đầu 11/11/2022 trở đi, nhận được 01/11/2022"),
    Broken("invitation-after-dialogue", put(SCHEDULE, "H2", date(2022, 11, 12)), SCHEDULE, "H2",
           "giấy mời của Xã Mỹ Quý phải ghi ngày không sau ngày đối thoại 11/11/2022, nhận được "
           "12/11/2022"),
    Broken("report-before-dialogue", put(RESULTS, "C2", date(2022, 11, 10)), RESULTS, "C2",
           "báo cáo của Xã Mỹ Quý phải ghi ngày từ ngày đối thoại 11/11/2022 trở đi, nhận được "
           "10/11/2022"),
    # --- results ---------------------------------------------------------------------------------
    Broken("attendance-above-invitation", put(RESULTS, "F2", 50), RESULTS, "F2",
           "Xã Mỹ Quý: số hộ nghèo tham dự không được nhiều hơn số được mời (41), nhận được 50"),
    Broken("steering-above-invitation", put(RESULTS, "D3", 4), RESULTS, "D3",
           "Xã Mỹ Đông: số người Ban Chỉ đạo tham dự không được nhiều hơn số được mời (3), "
           "nhận được 4"),
    Broken("opinions-do-not-add-up", put(OPINIONS, "C2", 10), OPINIONS, "C2",
           "Xã Mỹ Quý, nhóm chủ đề 1: số ý kiến phải bằng trả lời tại chỗ (2) + chuyển cấp trên "
           "(1) = 3, nhận được 10"),
    Broken("unknown-topic", put(OPINIONS, "B2", 7), OPINIONS, "B2",
           'nhóm chủ đề phải là số thứ tự một chủ đề ở sheet "Nội dung" (1 đến 3), nhận được 7'),
    Broken("opinion-topic-twice", put(OPINIONS, "B3", 1), OPINIONS, "B3",
           'đơn vị "Xã Mỹ Quý", nhóm chủ đề 1 ghi hai lần (đã có ở ô B2)'),
    Broken("spent-above-allocation", put(RESULTS, "K2", 1_000_000), RESULTS, "K2",
           "Xã Mỹ Quý: kinh phí đã chi không được vượt số được phân bổ (850.000đ, sheet "
           '"Kinh phí" ô C2), nhận được 1.000.000đ'),
]  # fmt: skip


def _matching(problems: list[object], case: Broken) -> list[object]:
    return [
        p for p in problems
        if getattr(p, "is_error", False)
        and p.sheet == case.sheet  # type: ignore[attr-defined]
        and p.cell == case.cell  # type: ignore[attr-defined]
        and case.message in p.message  # type: ignore[attr-defined]
    ]


def reported(output: str, sheet: str | None, cell: str | None, message: str) -> bool:
    """True when the terminal shows the message on the line naming the sheet and cell."""
    where = f'Sheet "{sheet}"' + (f", ô {cell}" if cell else "") + ": "
    lines = flat(output).split("✗")
    return any(where in line and flat(message) in line.split(where, 1)[1] for line in lines)


def test_the_corpus_is_large_enough() -> None:
    assert len(BROKEN) + len(RAW_FILES) >= 30
    assert len({c.id for c in BROKEN}) == len(BROKEN)


def test_the_example_itself_is_valid() -> None:
    plan, problems = collect_problems(ROOT / "inputs" / "thap-muoi-2022.xlsx")
    assert plan is not None, [str(p) for p in problems]
    assert apart_from_codes(problems) == ()  # it names no identifier code: one warning says so


@pytest.mark.parametrize("case", BROKEN, ids=lambda c: c.id)
def test_broken_workbook_is_reported_at_its_cell(case: Broken, tmp_path: Path) -> None:
    path = mutated(case.mutation, tmp_path / "ke-hoach.xlsx")
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    problems = list(caught.value.problems)
    assert _matching(problems, case), "\n".join(str(p) for p in problems)
    assert all(p.message for p in problems)

    out = tmp_path / "out"
    code, stdout, stderr = run_main(["run", str(path), "--out", str(out)])
    assert code == 2, stdout + stderr
    assert "Traceback" not in stderr
    assert reported(stderr, case.sheet, case.cell, case.message), stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("name", sorted(RAW_FILES))
def test_a_file_that_is_no_workbook_is_one_clear_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(RAW_FILES[name]())
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    (problem,) = caught.value.problems
    assert problem.sheet is None and problem.cell is None
    expected = {
        "empty": "tệp rỗng (0 byte)",
        "csv": "tệp không phải bảng tính Excel .xlsx",
        "password": "tệp có mật khẩu hoặc là định dạng .xls cũ",
        "docx": "tệp nén này không phải bảng tính .xlsx",
        "truncated": "tệp .xlsx bị hỏng",
    }[name]
    assert expected in problem.message

    out = tmp_path / "out"
    code, _, stderr = run_main(["run", str(path), "--out", str(out)])
    assert code == 2
    assert expected in flat(stderr)
    assert not out.exists()


def test_every_problem_of_a_workbook_is_reported_at_once(tmp_path: Path) -> None:
    cases = [
        next(c for c in BROKEN if c.id == name)
        for name in ("text-count", "lang-bien-slip", "spent-above-allocation", "impossible-date")
    ]
    path = mutated(both(*(c.mutation for c in cases)), tmp_path / "ke-hoach.xlsx")
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    problems = list(caught.value.problems)
    for case in cases:
        assert _matching(problems, case), case.id
    assert len(caught.value.errors) == len(cases), "\n".join(str(p) for p in problems)
    code, _, stderr = run_main(["check", str(path)])
    assert code == 2
    assert "có 4 lỗi" in flat(stderr)
    for case in cases:
        assert flat(case.message) in flat(stderr)


def test_one_mistake_is_one_message(tmp_path: Path) -> None:
    """A unit whose count is wrong is still the unit other sheets name: no knock-on errors."""
    path = mutated(put(UNITS, "D4", "ba mươi hai"), tmp_path / "ke-hoach.xlsx")
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    assert [(p.sheet, p.cell) for p in caught.value.errors] == [(UNITS, "D4")]


def test_a_missing_sheet_does_not_make_every_unit_an_error(tmp_path: Path) -> None:
    path = mutated(delete_sheet(UNITS), tmp_path / "ke-hoach.xlsx")
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    assert [(p.sheet, p.cell) for p in caught.value.errors] == [(UNITS, None)]


def test_a_misspelt_unit_is_not_also_reported_as_missing(tmp_path: Path) -> None:
    path = mutated(put(SCHEDULE, "A4", "Xã Láng Biền"), tmp_path / "ke-hoach.xlsx")
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    assert [(p.sheet, p.cell) for p in caught.value.errors] == [(SCHEDULE, "A4")]


def test_a_misspelling_repeated_in_a_sheet_is_one_message_naming_every_cell(
    tmp_path: Path,
) -> None:
    slip = both(*(put(OPINIONS, f"A{r}", "Xã Mỹ Quí") for r in (2, 3, 4)))
    path = mutated(slip, tmp_path / "ke-hoach.xlsx")
    with pytest.raises(WorkbookError) as caught:
        load_plan(path)
    (error,) = caught.value.errors
    assert (error.sheet, error.cell) == (OPINIONS, "A2")
    assert 'đơn vị "Xã Mỹ Quí" (cũng ghi ở ô A3, A4) không có' in error.message
    assert '"Xã Mỹ Quý" (sheet "Đơn vị", ô C2)' in error.message


# --- differences that are not mistakes ------------------------------------------------------


@dataclass(frozen=True)
class Passing:
    id: str
    mutation: Mutation
    check: Callable[[Plan], bool]
    warning: str | None = None  # a substring of the one warning expected, if any


PASSING = [
    Passing("reordered-unit-columns", swap_columns(UNITS, 4, 5),
            lambda p: (p.units[0].poor, p.units[0].near_poor) == (41, 46)),
    Passing("reordered-schedule-columns", swap_columns(SCHEDULE, 2, 8),
            lambda p: p.units[0].schedule is not None
            and p.units[0].schedule.day == date(2022, 11, 11)
            and p.units[0].schedule.invitation.date == date(2022, 11, 7)),
    Passing("unknown-extra-column", put(UNITS, "G1", "Ghi chú thêm"),
            lambda p: len(p.units) == 13,
            'Sheet "Đơn vị", ô G1: cột "Ghi chú thêm" không thuộc mẫu'),
    Passing("count-as-text", put(UNITS, "F15", "1.179"),
            lambda p: p.households == 1179,
            'ô F15: tổng số hộ ghi dạng chữ "1.179", đã đọc là 1.179'),
    Passing("money-as-text", put(FUNDING, "C2", "850.000đ"),
            lambda p: p.funding[0].amount == 850_000,
            'ô C2: số tiền (đồng) ghi dạng chữ "850.000đ", đã đọc là 850.000'),
    Passing("budget-as-text", put_plan("Tổng kinh phí (đồng)", "11.300.000 đồng"),
            lambda p: p.budget == 11_300_000, "đã đọc là 11.300.000"),
    Passing("date-as-text", put_plan("Ngày ban hành", "02/11/2022"),
            lambda p: p.ref.date == date(2022, 11, 2), "đã đọc là ngày 02/11/2022"),
    Passing("nfd-reference", put(FUNDING, "B2", nfd("Xã Mỹ Quý")),
            lambda p: p.funding[0].unit is p.units[0]),
    Passing("nfd-unit-name", put(UNITS, "C2", nfd("Mỹ Quý")),
            lambda p: p.units[0].place.name == "Mỹ Quý" and p.funding[0].unit is p.units[0]),
    Passing("old-tone-placement", put(FUNDING, "B10", "Xã Mỹ Hoà"),
            lambda p: p.funding[8].unit is p.units[8]),
    Passing("lower-case-reference", put(SCHEDULE, "A2", "xã mỹ quý"),
            lambda p: p.units[0].schedule is not None),
    Passing("bare-unique-name", put(RESULTS, "A2", "Mỹ Quý"),
            lambda p: p.units[0].result is not None),
    Passing("nfd-sheet-name", rename_sheet(UNITS, nfd("Đơn vị")), lambda p: len(p.units) == 13),
    Passing("authority-without-dot", put(SCHEDULE, "I2", "TM"),
            lambda p: p.units[0].schedule is not None
            and p.units[0].schedule.signer.collective == "Ủy ban nhân dân"),
    Passing("total-written-tong", put(UNITS, "A15", "Tổng"), lambda p: len(p.units) == 13),
]  # fmt: skip


@pytest.mark.parametrize("case", PASSING, ids=lambda c: c.id)
def test_difference_that_is_no_mistake_loads(case: Passing, tmp_path: Path) -> None:
    path = mutated(case.mutation, tmp_path / "ke-hoach.xlsx")
    plan = load_plan(path)
    assert case.check(plan)
    if case.warning is None:
        assert apart_from_codes(plan.warnings) == ()
    else:
        others = apart_from_codes(plan.warnings)
        assert len(others) == 1 and case.warning in others[0], plan.warnings
    code, stdout, _ = run_main(["check", str(path)])
    assert code == 0
    assert "Bảng tính hợp lệ" in flat(stdout)
    if case.warning is not None:
        assert flat(case.warning) in flat(stdout)


# --- the real entry point, in its own process -----------------------------------------------


def _vanban(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vanban", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"},
    )


@pytest.mark.parametrize("case_id", ["lang-bien-slip", "uncalculated-formula", "missing-sheet"])
def test_vanban_run_in_its_own_process_exits_2_and_writes_nothing(
    case_id: str, tmp_path: Path
) -> None:
    case = next(c for c in BROKEN if c.id == case_id)
    path = mutated(case.mutation, tmp_path / "ke-hoach.xlsx")
    out = tmp_path / "out"
    proc = _vanban("run", str(path), "--out", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert flat(case.message) in flat(proc.stderr)
    assert not out.exists()
    check = _vanban("check", str(path))
    assert check.returncode == 2
    assert flat(case.message) in flat(check.stderr)


def test_vanban_check_in_its_own_process_rejects_a_password_file(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(RAW_FILES["password"]())
    proc = _vanban("check", str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "tệp có mật khẩu" in flat(proc.stderr)
