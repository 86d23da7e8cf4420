"""Returned forms come from outside the office: their cells are read with the workbook's checks.

A formula that fetches its value at recalculation (DDE, another workbook, the web, a live data
server), a value hidden by its number format, a formula Excel never computed: each is named by
file, sheet and cell, as in the plan workbook, and a link is counted once. What stands in the
folder but is no form (a pipe, a folder, a link) is named for what it is; a unit whose form came
back blank is said to be waiting for that form.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.hostile.hostile_workbooks import rezip, with_formula
from tests.result_forms.filling import bare_workbook, fill
from tests.workbook_mutations import flat, run_main
from vanban.documents.kinds import default_registry
from vanban.forms import layout as L
from vanban.forms.writing import write_forms
from vanban.model import Plan
from vanban.outdir import FORMS_DIR
from vanban.prepare import prepare_run
from vanban.workbook.loader import load_plan

SHEET = L.FORM_SHEET
FORM = "xa-my-quy.xlsx"


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bare_workbook(tmp_path_factory.mktemp("bare") / "ke-hoach.xlsx")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, bare: Path, example_plan: Plan) -> Path:
    """Mỹ Quý's form, filled with the example's results, as a unit returns it."""
    out = tmp_path_factory.mktemp("forms")
    write_forms(load_plan(bare), out, default_registry())
    quy = next(u for u in example_plan.units if u.name == "Xã Mỹ Quý")
    assert quy.result is not None
    return fill(out / FORMS_DIR / FORM, example_plan, quy.result, out / "filled" / FORM)


def _poor_cell(plan: Plan) -> str:
    return L.Layout(len(plan.topics)).cells["poor"]


def _returned(tmp_path: Path, data: bytes) -> Path:
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / FORM).write_bytes(data)
    return folder


def _check(bare: Path, folder: Path) -> tuple[int, str]:
    code, stdout, stderr = run_main(["check", str(bare), "--results", str(folder)])
    assert "Traceback" not in stdout + stderr
    return code, flat(stdout + stderr)


@pytest.mark.parametrize(
    "formula",
    ["cmd|'/c calc'!A0", "[1]Sheet1!$D$2", '_xlfn.WEBSERVICE("https://example.org/x")',
     'RTD("máy.chủ",,"hộ")', "msexcel|'\\\\server\\share\\a.xlsx'!R1C1"],
    ids=["dde", "another-workbook", "webservice", "rtd", "dde-unc"],
)  # fmt: skip
def test_a_form_value_fetched_from_outside_is_named_at_its_cell(
    formula: str, bare: Path, filled: Path, example_plan: Plan, tmp_path: Path
) -> None:
    cell = _poor_cell(example_plan)
    data = with_formula(filled.read_bytes(), SHEET, cell, formula, "40")
    code, text = _check(bare, _returned(tmp_path, data))
    assert code == 0, text
    said = f'Tệp "{FORM}", sheet "{SHEET}", ô {cell}: giá trị lấy qua liên kết tới tệp khác'
    assert said in text, text
    assert "calc" not in text and "example.org" not in text and "server" not in text


def test_a_link_to_another_workbook_is_counted_once(
    bare: Path, filled: Path, example_plan: Plan, tmp_path: Path
) -> None:
    """The link's part and its relationships are one link, not two."""
    cell = _poor_cell(example_plan)
    data = with_formula(filled.read_bytes(), SHEET, cell, "[1]Sheet1!$D$2", "40")
    rels = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    data = rezip(data, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>",
                            "xl/externalLinks/_rels/externalLink1.xml.rels": rels})  # fmt: skip
    code, text = _check(bare, _returned(tmp_path, data))
    assert code == 0, text
    assert f'tệp "{FORM}" có 1 liên kết tới tệp hoặc nguồn dữ liệu khác' in text, text
    assert text.count("giá trị lấy qua liên kết tới tệp khác") == 1  # the cell, once


def test_a_form_value_its_format_hides_is_named_at_its_cell(
    bare: Path, filled: Path, example_plan: Plan, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    cell = _poor_cell(example_plan)
    wb = load_workbook(filled)
    wb[SHEET][cell].number_format = ";;;"
    folder = tmp_path / "returned"
    folder.mkdir()
    wb.save(folder / FORM)
    code, text = _check(bare, folder)
    assert code == 0, text
    assert f'Tệp "{FORM}", sheet "{SHEET}", ô {cell}: ô có định dạng số ";;;"' in text, text


def test_a_formula_excel_never_computed_is_an_error_at_its_cell(
    bare: Path, filled: Path, example_plan: Plan, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    cell = _poor_cell(example_plan)
    wb = load_workbook(filled)
    wb[SHEET][cell] = "=cmd|'/c calc'!A0"  # saved by openpyxl: no value stored
    folder = tmp_path / "returned"
    folder.mkdir()
    wb.save(folder / FORM)
    code, text = _check(bare, folder)
    assert code == 2, text
    assert f'Tệp "{FORM}", sheet "{SHEET}", ô {cell}: hộ nghèo tham dự: công thức' in text, text
    assert "chưa được tính" in text


def test_what_is_no_form_is_named_for_what_it_is(
    bare: Path, filled: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(filled, folder / FORM)
    os.mkfifo(folder / "ong-dan.xlsx")  # reading it would block the run for ever
    (folder / "thu-muc.xlsx").mkdir()
    (folder / "lien-ket.xlsx").symlink_to(filled)
    code, text = _check(bare, folder)
    assert code == 0, text
    assert 'Tệp "ong-dan.xlsx": là ống dẫn, thiết bị hoặc tệp đặc biệt' in text, text
    assert 'Tệp "thu-muc.xlsx": là thư mục' in text
    assert 'Tệp "lien-ket.xlsx": là liên kết' in text


def test_a_unit_whose_form_came_back_blank_waits_for_that_form(
    bare: Path, tmp_path: Path
) -> None:
    """Not "missing from sheet Kết quả": its report waits for the form, which is named."""
    out = tmp_path / "forms"
    write_forms(load_plan(bare), out, default_registry())
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(out / FORMS_DIR / FORM, folder / FORM)  # returned as it was sent
    prepared = prepare_run(bare, results_dir=folder, only=["reports"])
    assert prepared.ok, prepared.problems
    [job] = [j for j in prepared.jobs if j.unit_name == "Xã Mỹ Quý"]
    assert job.pending == f'phiếu kết quả "{FORM}" của đơn vị chưa điền nên bị bỏ qua'
    other = next(j for j in prepared.jobs if j.unit_name == "Xã Mỹ An")
    assert other.pending is not None and "chưa nhận phiếu kết quả" in other.pending
    assert any("chưa điền, bỏ qua" in str(w) for w in prepared.warnings)


def test_the_example_workbook_itself_is_no_form(tmp_path: Path, bare: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "ke-hoach.xlsx")
    code, text = _check(bare, folder)
    assert code == 2 and 'Tệp "ke-hoach.xlsx"' in text and "không phải phiếu kết quả" in text
