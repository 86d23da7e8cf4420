"""Random one-cell changes to the example never crash the reader: a plan, or exit 2 with messages.

Any cell of any sheet, inside the used range or just beyond it, gets a value a clerk (or a
careless copy and paste) might leave there: text, Vietnamese text in either Unicode form,
negative, fractional and huge numbers, dates, times, booleans, formulas, Excel error values,
template syntax, or nothing.
"""

from __future__ import annotations

import tempfile
import unicodedata
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from tests.workbook_mutations import example_workbook, run_main, save
from vanban.errors import WorkbookError
from vanban.model import Plan
from vanban.workbook.loader import load_plan

SHEETS = example_workbook().sheetnames

WORDS = [
    "ba mươi", "Xã Láng Biền", "Láng Biển", "Mỹ Hoà", "Thị trấn Mỹ An", "Mỹ An", "Tổng cộng",
    "xã", "thị trấn", "TM.", "KT", "ngàn", "nghìn", "Chủ đề", "Tổ chức thực hiện",
    "11/11/2022", "31/02/2022", "2022-11-15", "1.179", "850.000đ", "11.300.000 đồng", "-3",
    "07:30", "7h30", "{{ 7*7 }}", "{% if %}", "<w:t>", "&amp;", "", "   ", "Số hộ nghèo",
]  # fmt: skip

text_values = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(lambda s: unicodedata.normalize("NFD", s)),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30
    ),
)
number_values = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.5, -0.0, 2.5, 1e300, 99.999, 1e-9]),
)
other_values = st.one_of(
    st.none(),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.times(),
    st.sampled_from(["=1/0", "=A1+1", "=SUM(D2:D14)", "=NOW()", "#REF!", "#N/A", "=\"Mỹ Quý\""]),
)
values = st.one_of(text_values, number_values, other_values)


def _used(wb: Workbook, sheet: str) -> tuple[int, int]:
    """The last row and column that hold a value (the blank rows below carry only formats)."""
    ws = wb[sheet]
    rows = cols = 1
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                rows, cols = max(rows, cell.row), max(cols, cell.column)
    return rows, cols


USED = {name: _used(example_workbook(), name) for name in SHEETS}


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, str, Any]:
    sheet = draw(st.sampled_from(SHEETS))
    rows, cols = USED[sheet]
    row = draw(st.integers(min_value=1, max_value=rows + 2))
    col = draw(st.integers(min_value=1, max_value=cols + 1))
    return sheet, f"{get_column_letter(col)}{row}", draw(values)


def _apply(sheet: str, coord: str, value: Any, path: Path) -> Path:
    wb = example_workbook()
    wb[sheet][coord].value = value
    return save(wb, path)


def _load(path: Path) -> Plan | None:
    try:
        return load_plan(path)
    except WorkbookError as exc:
        assert exc.errors, "a WorkbookError holds at least one error"
        for problem in exc.problems:
            assert isinstance(problem.message, str) and problem.message.strip()
            assert problem.severity in ("error", "warning")
        return None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(mutations())
@example(("Đơn vị", "D7", "ba mươi"))
@example(("Kinh phí", "B4", "Xã Láng Biền"))
@example(("Lịch đối thoại", "B2", 1e300))
@example(("Lịch đối thoại", "C2", 0.99999999))
@example(("Kế hoạch", "B9", float("1e20")))
@example(("Đơn vị", "C2", "{{ 7*7 }}"))
@example(("Ý kiến", "B2", -(10**20)))
@example(("Kế hoạch", "A9", None))
@example(("Kế hoạch", "B1", None))
@example(("Đơn vị", "A1", None))
@example(("Kinh phí", "A15", "Xã Mỹ Quý"))
@example(("Nội dung", "B8", None))
@example(("Kết quả", "A2", time(7, 30)))
@example(("Đơn vị", "B5", 3.25))
@example(("Đơn vị", "C5", True))
@example(("Đơn vị", "E5", date(2022, 11, 15)))
@example(("Đơn vị", "F5", "#DIV/0!"))
def test_one_changed_cell_never_crashes_the_reader(change: tuple[str, str, Any]) -> None:
    sheet, coord, value = change
    with tempfile.TemporaryDirectory() as tmp:
        plan = _load(_apply(sheet, coord, value, Path(tmp) / "ke-hoach.xlsx"))
    if plan is not None:
        assert plan.units and plan.budget == sum(f.amount for f in plan.funding)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
@example(("Đơn vị", "D7", "=1/0"))
def test_one_changed_cell_through_the_cli_is_exit_0_or_2(change: tuple[str, str, Any]) -> None:
    sheet, coord, value = change
    with tempfile.TemporaryDirectory() as tmp:
        path = _apply(sheet, coord, value, Path(tmp) / "ke-hoach.xlsx")
        code, _, stderr = run_main(["check", str(path)])
    assert code in (0, 2), stderr
    assert "Traceback" not in stderr
    if code == 2:
        assert "✗" in stderr
