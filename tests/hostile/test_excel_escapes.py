"""Excel's _xHHHH_ escapes are read as Excel shows them; a control character is reported at its
cell and never reaches a document."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.hostile.hostile_workbooks import checked, cli, example_with, write
from tests.plans import warns_of_nothing_but_codes
from tests.workbook_mutations import PLAN, RESULTS, example_workbook, plan_row, put, put_plan
from vanban.workbook.loader import load_plan

SUMMARY_LINE = "Trích yếu"


def _plan_cell(label: str) -> str:
    return f"B{plan_row(example_workbook(), label)}"


def test_carriage_return_escape_is_a_line_end_and_a_warning_at_its_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "ke-hoach.xlsx",
                 example_with(put(RESULTS, "I2", "Chính sách tín dụng;_x000D_\nchính sách y tế")))  # fmt: skip
    outcome = checked(tmp_path, path)
    assert outcome.says(RESULTS, "I2", "ô có ký tự điều khiển (U+000D) không hiện trong Excel")
    result = load_plan(path).units[0].result
    assert result is not None
    assert result.policies == "Chính sách tín dụng; chính sách y tế"


def test_vertical_tab_and_nul_escapes_are_removed_with_a_warning(tmp_path: Path) -> None:
    text = "Thực hiện_x000B_ đối thoại_x0000_ chính sách giảm nghèo năm 2022"
    path = write(tmp_path / "ke-hoach.xlsx", example_with(put_plan(SUMMARY_LINE, text)))
    outcome = checked(tmp_path, path)
    assert outcome.says(PLAN, _plan_cell(SUMMARY_LINE), "(U+000B, U+0000)")
    plan = load_plan(path)
    assert plan.summary_line == "Thực hiện đối thoại chính sách giảm nghèo năm 2022"


def test_an_escaped_letter_is_the_letter_without_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ke-hoach.xlsx", example_with(put_plan("Tên địa bàn", "Th_x00E1_p Mười"))
    )
    outcome = checked(tmp_path, path)
    assert warns_of_nothing_but_codes(outcome.text)
    place = load_plan(path).issuer.place
    assert place is not None and place.name == "Tháp Mười"


def test_an_escaped_underscore_keeps_the_text_literal(tmp_path: Path) -> None:
    # Excel writes a typed "_x000D_" as "_x005F_x000D_": the clerk sees, and gets, the text.
    path = write(tmp_path / "ke-hoach.xlsx",
                 example_with(put(RESULTS, "J2", "Mã hồ sơ _x005F_x000D_ cần bổ sung")))  # fmt: skip
    outcome = checked(tmp_path, path)
    assert "ký tự điều khiển" not in outcome.text
    result = load_plan(path).units[0].result
    assert result is not None and result.proposals == "Mã hồ sơ _x000D_ cần bổ sung"


def test_a_lone_surrogate_escape_is_removed_with_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ke-hoach.xlsx", example_with(put(RESULTS, "J3", "Đề nghị _xD83D_ hỗ trợ"))
    )
    outcome = checked(tmp_path, path)
    assert outcome.says(RESULTS, "J3", "(U+D83D)")
    result = load_plan(path).units[1].result
    assert result is not None and result.proposals == "Đề nghị hỗ trợ"


@pytest.mark.usefixtures("prefect_harness")
def test_no_escape_or_control_character_reaches_the_plan_document(tmp_path: Path) -> None:
    text = "Thực hiện_x000D_ đối thoại_x000B_ chính sách_x0000_ giảm nghèo năm 2022"
    path = write(tmp_path / "ke-hoach.xlsx", example_with(put_plan(SUMMARY_LINE, text)))
    out = tmp_path / "out"
    outcome = cli(tmp_path, "run", str(path), "--out", str(out), "--only", "plan", out=out)
    assert outcome.code == 0, outcome.text
    assert outcome.says(PLAN, _plan_cell(SUMMARY_LINE), "(U+000D, U+000B, U+0000)")
    with zipfile.ZipFile(out / "01-ke-hoach.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "_x000" not in xml and "\x0b" not in xml and "\x00" not in xml
    assert "Thực hiện đối thoại chính sách giảm nghèo năm 2022".upper() in xml.upper()
