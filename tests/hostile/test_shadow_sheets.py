"""Shadow sheets: a copy of a sheet under a name that differs only in Unicode form, case or an
invisible character is never read in place of the real one; a hidden sheet that is read is said."""

from __future__ import annotations

import unicodedata
import warnings
import zipfile
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from tests.conftest import EXAMPLE
from tests.hostile.hostile_workbooks import (
    checked,
    example_with,
    refused,
    with_sheet_name,
    with_sheet_state,
    write,
)
from tests.plans import warns_of_nothing_but_codes
from tests.workbook_mutations import FUNDING, PLAN, RESULTS, UNITS, Mutation, plan_row

GUIDE = "Hướng dẫn"

# Where a copy appended to the example lands: after every sheet the example has.
SHEETS = load_workbook(EXAMPLE, read_only=True).sheetnames
POSITION = {name: i for i, name in enumerate(SHEETS, start=1)}
APPENDED = len(SHEETS) + 1


def _copy(sheet: str, title: str, number: int | None = None) -> Mutation:
    def change(wb: Workbook) -> None:
        ws = wb.copy_worksheet(wb[sheet])
        ws.title = title
        if number is not None:
            ws.cell(plan_row(wb, "Số kế hoạch"), 2).value = number

    return change


def test_a_very_hidden_copy_in_another_unicode_form_is_an_error_naming_both(
    tmp_path: Path,
) -> None:
    nfd = unicodedata.normalize("NFD", PLAN)
    data = with_sheet_state(example_with(_copy(PLAN, nfd, number=9999)), nfd, "veryHidden")
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(PLAN, None, "có 2 sheet trùng tên")
    assert outcome.says(PLAN, None, f'"{PLAN}" (sheet thứ {POSITION[PLAN]})')
    assert outcome.says(PLAN, None, f"(sheet thứ {APPENDED}, ẩn sâu")
    assert "9999" not in outcome.text  # the shadow's values were never read into a plan


def test_a_copy_whose_name_differs_only_in_case_is_an_error_naming_both(tmp_path: Path) -> None:
    # openpyxl refuses a name equal up to case, so the copy is renamed in the zip.
    data = with_sheet_name(example_with(_copy(UNITS, "tam")), "tam", "ĐƠN VỊ")
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(UNITS, None, f'"{UNITS}" (sheet thứ {POSITION[UNITS]}), "ĐƠN VỊ" (sheet thứ {APPENDED})')
    assert not outcome.says(UNITS, None, "thiếu sheet")  # one mistake, one message


def test_a_copy_with_an_invisible_character_in_its_name_is_an_error(tmp_path: Path) -> None:
    shadow = FUNDING + "\u200b"
    data = example_with(_copy(FUNDING, shadow))
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(FUNDING, None, "có 2 sheet trùng tên")
    assert outcome.says(FUNDING, None, f"(sheet thứ {APPENDED})")


def test_a_hidden_sheet_that_is_read_gets_a_warning_naming_it(tmp_path: Path) -> None:
    data = with_sheet_state(example_with(), RESULTS, "hidden")
    outcome = checked(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(RESULTS, None, f'sheet "{RESULTS}" đang ẩn nhưng vanban vẫn đọc')


def test_a_very_hidden_sheet_that_is_read_gets_a_warning_naming_it(tmp_path: Path) -> None:
    data = with_sheet_state(example_with(), FUNDING, "veryHidden")
    outcome = checked(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert outcome.says(FUNDING, None, f'sheet "{FUNDING}" ẩn sâu')


def test_a_hidden_sheet_that_is_not_read_is_no_warning(tmp_path: Path) -> None:
    data = with_sheet_state(example_with(), GUIDE, "hidden")
    outcome = checked(tmp_path, write(tmp_path / "ke-hoach.xlsx", data))
    assert warns_of_nothing_but_codes(outcome.text) and "ẩn" not in outcome.text


def test_a_second_workbook_part_in_the_zip_is_refused(tmp_path: Path) -> None:
    """A zip may hold one name twice; the copy read would be an accident of the zip's order."""
    data = example_with()
    with zipfile.ZipFile(BytesIO(data)) as z:
        shadow = z.read("xl/workbook.xml").replace(PLAN.encode(), b"Ke hoach cu")
    buf = BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it writes
        with zipfile.ZipFile(buf, "a") as z:
            z.writestr("XL/Workbook.xml", shadow)
    outcome = refused(tmp_path, write(tmp_path / "ke-hoach.xlsx", buf.getvalue()))
    assert outcome.says(None, None, "tệp nén có hai phần cùng tên XL/Workbook.xml")
