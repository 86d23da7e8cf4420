"""Implausible dates: Excel's phantom 29/02/1900 (serial 60) is an error at its cell, and a date
far from the plan's is a warning at its cell."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl.workbook.workbook import Workbook

from tests.hostile.hostile_workbooks import checked, example_with, refused, write
from tests.plans import apart_from_codes, warns_of_nothing_but_codes
from tests.workbook_mutations import (
    PLAN,
    RESULTS,
    SCHEDULE,
    Mutation,
    both,
    example_workbook,
    plan_row,
    put,
    put_plan,
)
from vanban.workbook import archive
from vanban.workbook.loader import load_plan

PHANTOM = "29/02/1900 không có thật"


def _serial(sheet: str, coord: str, serial: int) -> Mutation:
    """A date cell holding Excel's serial number, as Excel stores every date."""

    def change(wb: Workbook) -> None:
        cell = wb[sheet][coord]
        cell.value = serial
        cell.number_format = "dd/mm/yyyy"

    return change


def _plan_cell(label: str) -> str:
    return f"B{plan_row(example_workbook(), label)}"


def test_serial_60_as_the_plan_date_is_an_error_at_its_cell(tmp_path: Path) -> None:
    cell = _plan_cell("Ngày ban hành")
    path = write(tmp_path / "ke-hoach.xlsx", example_with(_serial(PLAN, cell, 60)))
    outcome = refused(tmp_path, path)
    assert outcome.says(
        PLAN, cell, f"ngày ban hành: ô ghi số ngày 60 của Excel, tức ngày {PHANTOM}"
    )
    assert "28/02/1900" not in outcome.text  # never read as the day before


def test_serial_60_as_a_dialogue_day_is_an_error_at_its_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "ke-hoach.xlsx", example_with(_serial(SCHEDULE, "B3", 60)))
    outcome = refused(tmp_path, path)
    assert outcome.says(SCHEDULE, "B3", PHANTOM)


def test_serial_60_with_a_time_as_a_report_date_is_an_error_at_its_cell(tmp_path: Path) -> None:
    def noon(wb: Workbook) -> None:
        cell = wb[RESULTS]["C4"]
        cell.value = 60.5
        cell.number_format = "dd/mm/yyyy hh:mm"

    path = write(tmp_path / "ke-hoach.xlsx", example_with(noon))
    outcome = refused(tmp_path, path)
    assert outcome.says(RESULTS, "C4", PHANTOM)


def test_serial_59_is_a_real_day_but_far_from_the_plan(tmp_path: Path) -> None:
    cell = _plan_cell("Báo cáo tổng hợp: ngày")
    path = write(tmp_path / "ke-hoach.xlsx", example_with(_serial(PLAN, cell, 59)))
    outcome = checked(tmp_path, path)
    assert PHANTOM not in outcome.text
    assert outcome.says(PLAN, cell, "báo cáo tổng hợp: ngày 28/02/1900 cách ngày ban hành kế hoạch "
                        "02/11/2022 hơn 2 năm")  # fmt: skip


def test_a_dialogue_period_ending_in_2099_is_a_warning_at_its_cell(tmp_path: Path) -> None:
    mutation = put_plan("Thời gian đến ngày", datetime(2099, 11, 20))
    path = write(tmp_path / "ke-hoach.xlsx", example_with(mutation))
    outcome = checked(tmp_path, path)
    assert outcome.says(PLAN, _plan_cell("Thời gian đến ngày"),
                        "thời gian đến ngày 20/11/2099 cách ngày ban hành kế hoạch 02/11/2022 "
                        "hơn 2 năm: hãy kiểm tra lại năm")  # fmt: skip


def test_a_report_dated_four_years_after_the_plan_is_a_warning_at_its_cell(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ke-hoach.xlsx", example_with(put(RESULTS, "C2", datetime(2026, 11, 14)))
    )
    outcome = checked(tmp_path, path)
    assert outcome.says(RESULTS, "C2", "ngày báo cáo 14/11/2026 cách ngày ban hành kế hoạch")


def test_a_plan_dated_in_1999_is_a_warning_and_its_other_dates_are_judged_by_the_period(
    tmp_path: Path,
) -> None:
    cell = _plan_cell("Ngày ban hành")
    path = write(tmp_path / "ke-hoach.xlsx", example_with(put(PLAN, cell, datetime(1999, 11, 2))))
    outcome = checked(tmp_path, path)
    assert outcome.says(PLAN, cell, "ngày ban hành kế hoạch 02/11/1999 khó có thật")
    # The other dates are near the dialogue period: no warning for each of them.
    assert len(apart_from_codes(load_plan(path).warnings)) == 1


def test_a_late_report_within_two_years_is_no_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "ke-hoach.xlsx", example_with(put(RESULTS, "C2", datetime(2023, 3, 1))))
    outcome = checked(tmp_path, path)
    assert warns_of_nothing_but_codes(outcome.text)


def test_many_dates_of_28_02_1900_cost_one_pass_over_their_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Serial 59 (a real 28/02/1900) in every dialogue day: each is checked against the stored
    # number, and the sheet's XML is read once for all of them, not once a cell.
    days = [_serial(SCHEDULE, f"B{r}", 59) for r in range(2, 15)]
    path = write(tmp_path / "ke-hoach.xlsx", example_with(both(*days)))
    passes: list[int] = []
    real = archive.serial_60_cells

    def counting(data: bytes, index: int) -> frozenset[str]:
        passes.append(index)
        return real(data, index)

    monkeypatch.setattr(archive, "serial_60_cells", counting)
    outcome = refused(tmp_path, path)  # the days fall outside the plan's period
    assert len(passes) == 1
    assert PHANTOM not in outcome.text
    assert outcome.says(SCHEDULE, "B14", "nhận được 28/02/1900")
