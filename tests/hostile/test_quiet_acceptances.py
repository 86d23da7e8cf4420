"""What vanban reads but the clerk may not see gets a warning naming its cell or file: hidden
rows and columns, macros, values from external links and cells past Excel's 32.767 characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from tests.hostile.hostile_workbooks import (
    checked,
    cli,
    example_with,
    rezip,
    with_formula,
    with_inline_text,
    write,
)
from tests.plans import warns_of_nothing_but_codes
from tests.workbook_mutations import FUNDING, RESULTS, UNITS, Mutation, example_workbook
from vanban.workbook.loader import load_plan

ROSTER = "Danh sách mời"


def _hide_columns(sheet: str, *letters: str) -> Mutation:
    def change(wb: Workbook) -> None:
        for letter in letters:
            wb[sheet].column_dimensions[letter].hidden = True

    return change


def _hide_rows(sheet: str, *rows: int) -> Mutation:
    def change(wb: Workbook) -> None:
        for r in rows:
            wb[sheet].row_dimensions[r].hidden = True

    return change


def test_a_hidden_column_that_is_read_is_a_warning_at_its_header(tmp_path: Path) -> None:
    path = write(tmp_path / "ke-hoach.xlsx", example_with(_hide_columns(UNITS, "D")))
    outcome = checked(tmp_path, path)
    assert outcome.says(UNITS, "D1", 'cột "Số hộ nghèo" bị ẩn nhưng vanban vẫn đọc')


def test_hidden_rows_that_are_read_are_one_warning_naming_them(tmp_path: Path) -> None:
    path = write(tmp_path / "ke-hoach.xlsx", example_with(_hide_rows(UNITS, 3, 5)))
    outcome = checked(tmp_path, path)
    assert outcome.says(UNITS, "A3", "dòng 3, 5 bị ẩn nhưng vanban vẫn đọc")
    assert len(load_plan(path).units) == 13  # still read: a warning, not a silent skip


def test_a_hidden_roster_row_is_named_by_cell_without_the_invitees_name(tmp_path: Path) -> None:
    wb = example_workbook()
    ws = wb[ROSTER]
    name = str(ws["C2"].value)
    path = write(tmp_path / "ke-hoach.xlsx", example_with(_hide_rows(ROSTER, 2)))
    outcome = checked(tmp_path, path)
    assert outcome.says(ROSTER, "A2", "dòng 2 bị ẩn")
    assert name not in outcome.text


def test_hidden_columns_and_rows_that_hold_nothing_read_are_no_warning(tmp_path: Path) -> None:
    # Column H of "Đơn vị" is no column of the sheet; row 150 holds nothing.
    changes: Mutation = lambda wb: (_hide_columns(UNITS, "H")(wb), _hide_rows(UNITS, 150)(wb))  # noqa: E731
    path = write(tmp_path / "ke-hoach.xlsx", example_with(changes))
    outcome = checked(tmp_path, path)
    assert warns_of_nothing_but_codes(outcome.text)


def test_a_workbook_with_macros_is_a_warning_naming_the_file_and_part(tmp_path: Path) -> None:
    data = rezip(example_with(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(508)})
    path = write(tmp_path / "ke-hoach.xlsm", data)
    outcome = checked(tmp_path, path)
    assert outcome.says(None, None, 'tệp "ke-hoach.xlsm" có macro (xl/vbaProject.bin): '
                        "vanban không chạy macro")  # fmt: skip


def test_a_value_from_an_external_link_is_a_warning_at_its_cell(tmp_path: Path) -> None:
    data = with_formula(example_with(), UNITS, "D2", "[1]Sheet1!$D$2", "41")
    data = rezip(data, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    path = write(tmp_path / "ke-hoach.xlsx", data)
    outcome = checked(tmp_path, path)
    assert outcome.says(UNITS, "D2", "giá trị lấy qua liên kết tới tệp khác")
    assert outcome.says(None, None, 'tệp "ke-hoach.xlsx" có 1 liên kết tới tệp hoặc nguồn dữ liệu khác '
                        "(xl/externalLinks/externalLink1.xml)")  # fmt: skip
    assert load_plan(path).units[0].poor == 41


def test_a_value_from_a_named_range_of_another_file_is_a_warning_at_its_cell(
    tmp_path: Path,
) -> None:
    def name(wb: Workbook) -> None:
        wb.defined_names["DinhMuc"] = DefinedName("DinhMuc", attr_text="[1]Sheet1!$C$2")

    data = with_formula(example_with(name), FUNDING, "C2", "DinhMuc", "850000")
    path = write(tmp_path / "ke-hoach.xlsx", data)
    outcome = checked(tmp_path, path)
    assert outcome.says(FUNDING, "C2", "giá trị lấy qua liên kết tới tệp khác")


@pytest.mark.parametrize(
    "formula",
    ["cmd|'/c calc'!A0", '_xlfn.WEBSERVICE("https://example.org/so-ho")', 'RTD("máy.chủ",,"hộ")'],
    ids=["dde", "webservice", "rtd"],
)
def test_a_value_fetched_from_outside_at_recalculation_is_a_warning_at_its_cell(
    formula: str, tmp_path: Path
) -> None:
    cached = str(example_workbook()[UNITS]["E3"].value)  # the value Excel stored last
    data = with_formula(example_with(), UNITS, "E3", formula, cached)
    path = write(tmp_path / "ke-hoach.xlsx", data)
    outcome = checked(tmp_path, path)
    assert outcome.says(UNITS, "E3", "giá trị lấy qua liên kết tới tệp khác")
    assert "calc" not in outcome.text and "example.org" not in outcome.text  # never quoted


def test_a_data_connection_and_a_macro_sheet_are_warnings_naming_their_parts(
    tmp_path: Path,
) -> None:
    parts = {"xl/connections.xml": b"<connections/>", "xl/macrosheets/sheet1.xml": b"<xm/>"}
    path = write(tmp_path / "ke-hoach.xlsx", rezip(example_with(), add=parts))
    outcome = checked(tmp_path, path)
    assert outcome.says(None, None, "có macro (xl/macrosheets/sheet1.xml)")
    assert outcome.says(None, None, "liên kết tới tệp hoặc nguồn dữ liệu khác (xl/connections.xml)")


def test_a_value_formatted_to_show_nothing_is_a_warning_at_its_cell(tmp_path: Path) -> None:
    def hide(wb: Workbook) -> None:
        wb[FUNDING]["C4"].number_format = ";;;"

    path = write(tmp_path / "ke-hoach.xlsx", example_with(hide))
    outcome = checked(tmp_path, path)
    assert outcome.says(FUNDING, "C4", 'ô có định dạng số ";;;" nên Excel không hiện giá trị')


def test_a_formula_within_the_workbook_is_no_external_link(tmp_path: Path) -> None:
    data = with_formula(example_with(), UNITS, "F2", 'IF(D2>0,"a|b [1]",0)+D2+E2', "87")
    path = write(tmp_path / "ke-hoach.xlsx", data)
    outcome = checked(tmp_path, path)
    assert "liên kết" not in outcome.text


def test_a_cell_past_excels_limit_is_a_warning_at_its_cell(tmp_path: Path) -> None:
    text = "Chính sách hỗ trợ " * 2500  # 45.000 characters: openpyxl would cut it, so raw XML
    data = with_inline_text(example_with(), RESULTS, "I2", text)
    path = write(tmp_path / "ke-hoach.xlsx", data)
    outcome = checked(tmp_path, path)
    assert outcome.says(RESULTS, "I2", "ô dài 45.000 ký tự, quá giới hạn 32.767 ký tự một ô của "
                        "Excel")  # fmt: skip


@pytest.mark.usefixtures("prefect_harness")
def test_vanban_run_prints_the_warnings_and_issues_the_documents(tmp_path: Path) -> None:
    data = rezip(example_with(_hide_columns(UNITS, "E")),
                 add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(508)})  # fmt: skip
    path = write(tmp_path / "ke-hoach.xlsm", data)
    out = tmp_path / "out"
    outcome = cli(tmp_path, "run", str(path), "--out", str(out), "--only", "plan", out=out)
    assert outcome.code == 0, outcome.text
    assert outcome.says(UNITS, "E1", 'cột "Số hộ cận nghèo" bị ẩn')
    assert outcome.says(None, None, "có macro (xl/vbaProject.bin)")
    assert (out / "01-ke-hoach.docx").is_file()
