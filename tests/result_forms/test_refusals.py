"""What the collector refuses: slips, forms of another plan or unit, two forms, disagreements."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE
from tests.result_forms.filling import fill
from tests.workbook_mutations import flat, mutated, put_plan, run_main
from vanban.documents.kinds import default_registry
from vanban.errors import ResultFormsError
from vanban.files import sha256_file
from vanban.forms import layout as L
from vanban.forms.collecting import collect_forms
from vanban.forms.writing import write_forms
from vanban.model import Plan, Unit
from vanban.outdir import FORMS_DIR
from vanban.workbook.loader import load_plan

SHEET = f'sheet "{L.FORM_SHEET}"'


def _unit(plan: Plan, name: str) -> Unit:
    return next(u for u in plan.units if u.name == name)


def _refusal(plan: Plan, folder: Path) -> list[str]:
    with pytest.raises(ResultFormsError) as caught:
        collect_forms(plan, folder, default_registry())
    assert caught.value.exit_code == 2
    return [str(p) for p in caught.value.errors]


def test_a_slip_is_named_by_file_sheet_and_cell_and_nothing_is_written(
    bare: Path, bare_plan: Plan, example_plan: Plan, blank_forms: Path, returned: Path,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "returned"
    shutil.copytree(returned, folder)
    lay = L.Layout(len(bare_plan.topics))
    quy, dong = _unit(example_plan, "Xã Mỹ Quý"), _unit(example_plan, "Xã Mỹ Đông")
    assert quy.result is not None and dong.result is not None
    fill(blank_forms / "xa-my-quy.xlsx", example_plan, quy.result, folder / "xa-my-quy.xlsx",
         poor="ba mươi", near_poor=quy.near_poor + 1)
    fill(blank_forms / "xa-my-dong.xlsx", example_plan, dong.result, folder / "xa-my-dong.xlsx",
         date=date(2022, 11, 1))
    before = {p.name: sha256_file(p) for p in [bare, *folder.iterdir()]}
    out = tmp_path / "out"

    code, stdout, stderr = run_main(["run", str(bare), "--results", str(folder), "--out", str(out)])

    said = flat(stderr)
    assert code == 2, stdout + stderr
    assert "có 3 lỗi, chưa văn bản nào được phát hành" in said
    assert (f'Tệp "xa-my-quy.xlsx", {SHEET}, ô {lay.cells["poor"]}: hộ nghèo tham dự phải là số '
            'nguyên không âm, nhận được "ba mươi"') in said
    assert (f'Tệp "xa-my-quy.xlsx", {SHEET}, ô {lay.cells["near_poor"]}: Xã Mỹ Quý: số hộ cận '
            f"nghèo tham dự không được nhiều hơn số được mời ({quy.near_poor}), nhận được "
            f"{quy.near_poor + 1}") in said
    assert (f'Tệp "xa-my-dong.xlsx", {SHEET}, ô {lay.cells["date"]}: ngày báo cáo của Xã Mỹ '
            "Đông phải từ ngày đối thoại") in said and "nhận được 01/11/2022" in said
    assert not out.exists()
    assert before == {p.name: sha256_file(p) for p in [bare, *folder.iterdir()]}


def test_a_form_of_another_plan_is_refused(
    bare_plan: Plan, example_plan: Plan, tmp_path: Path
) -> None:
    other = load_plan(mutated(put_plan("Số kế hoạch", 7001), tmp_path / "other.xlsx"))
    write_forms(other, tmp_path / "other", default_registry())
    folder = tmp_path / "returned"
    quy = _unit(example_plan, "Xã Mỹ Quý")
    assert quy.result is not None
    fill(tmp_path / "other" / FORMS_DIR / "xa-my-quy.xlsx", example_plan, quy.result,
         folder / "xa-my-quy.xlsx")
    [line] = _refusal(bare_plan, folder)
    assert line.startswith('Tệp "xa-my-quy.xlsx": phiếu của kế hoạch khác (Kế hoạch số '
                           "7001/KH-UBND")
    assert f"không phải Kế hoạch số {default_registry().plan_symbol(bare_plan)}" in line


def _set_identity(path: Path, **values: str) -> None:
    wb = load_workbook(path)
    ws = wb[L.IDENTITY_SHEET]
    for row in ws.iter_rows():
        if row[0].value in values:
            row[1].value = values[str(row[0].value)]
    wb.save(path)


def test_a_form_of_another_unit_is_refused(
    bare_plan: Plan, returned: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    # Mỹ Hòa's form saved under Mỹ Đông's name: the unit that filled it is in doubt.
    shutil.copy(returned / "xa-my-hoa.xlsx", folder / "xa-my-dong.xlsx")
    # A form whose hidden identity was changed to another unit, or to a unit of no plan here.
    shutil.copy(returned / "xa-my-quy.xlsx", folder / "phieu-1.xlsx")
    _set_identity(folder / "phieu-1.xlsx", unit="Xã Thanh Mỹ")
    shutil.copy(returned / "xa-my-quy.xlsx", folder / "phieu-2.xlsx")
    _set_identity(folder / "phieu-2.xlsx", unit="Xã Tân Hội Trung")
    # Two forms of one unit.
    shutil.copy(returned / "xa-my-an.xlsx", folder / "xa-my-an.xlsx")
    shutil.copy(returned / "xa-my-an.xlsx", folder / "my-an-ban-sua.xlsx")

    lines = _refusal(bare_plan, folder)

    assert len(lines) == 4, lines
    by_file = {line.split('"')[1]: line for line in lines}
    assert by_file["xa-my-dong.xlsx"].startswith(
        'Tệp "xa-my-dong.xlsx": tệp mang tên của Xã Mỹ Đông nhưng là phiếu của Xã Mỹ Hòa; '
        "không nhận phiếu này"
    )
    assert by_file["phieu-1.xlsx"].startswith('Tệp "phieu-1.xlsx": mã phiếu không khớp')
    assert by_file["phieu-2.xlsx"].startswith(
        'Tệp "phieu-2.xlsx": phiếu của đơn vị "Xã Tân Hội Trung", không có trong kế hoạch'
    )
    assert by_file["xa-my-an.xlsx"].startswith(
        'Tệp "xa-my-an.xlsx": hai phiếu cho Xã Mỹ An: tệp "my-an-ban-sua.xlsx" và tệp '
        '"xa-my-an.xlsx"'
    )


def test_a_form_and_a_results_row_that_disagree_are_both_named(
    example_plan: Plan, returned: Path, blank_forms: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(returned / "xa-my-an.xlsx", folder / "xa-my-an.xlsx")
    quy = _unit(example_plan, "Xã Mỹ Quý")
    assert quy.result is not None
    fill(blank_forms / "xa-my-quy.xlsx", example_plan, quy.result, folder / "xa-my-quy.xlsx",
         spent=quy.result.spent - 50_000)

    [line] = _refusal(example_plan, folder)
    cell = L.Layout(len(example_plan.topics)).cells["spent"]
    said = (f'Tệp "xa-my-quy.xlsx", {SHEET}, ô {cell}: Xã Mỹ Quý có cả phiếu này và dòng ở sheet '
            '"Kết quả" của bảng tính, với kinh phí đã chi khác nhau: phiếu ghi 800.000, bảng tính '
            '(sheet "Kết quả", ô K2) ghi 850.000')
    # The sheet's own cell is named too (Mỹ Quý is its first row): the plan keeps where each
    # result was read, so the workbook is not opened again.
    assert line.startswith(said)

    # The same figures in both places are no conflict.
    (folder / "xa-my-quy.xlsx").unlink()
    plan, index = collect_forms(example_plan, folder, default_registry())
    assert index is not None and [r.unit for r in index.received] == ["Xã Mỹ An"]
    assert len(index.from_sheet) == 12 and index.awaited == ()
    assert [u.result for u in plan.units] == [u.result for u in example_plan.units]


def test_a_file_that_is_no_form_is_refused_and_a_blank_form_is_skipped(
    bare_plan: Plan, blank_forms: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "ke-hoach.xlsx")
    shutil.copy(blank_forms / "xa-my-quy.xlsx", folder / "xa-my-quy.xlsx")
    (folder / "ghi-chu.txt").write_text("phiếu gửi sau", "utf-8")
    (folder / "~$xa-my-quy.xlsx").write_bytes(b"lock")

    with pytest.raises(ResultFormsError) as caught:
        collect_forms(bare_plan, folder, default_registry())
    problems = [str(p) for p in caught.value.problems]
    assert problems[0] == 'Tệp "ghi-chu.txt": không phải tệp .xlsx, bỏ qua'
    assert problems[1].startswith('Tệp "ke-hoach.xlsx": không phải phiếu kết quả do vanban lập')
    assert problems[2] == 'Tệp "xa-my-quy.xlsx": phiếu của Xã Mỹ Quý chưa điền, bỏ qua'
    assert [p.is_error for p in caught.value.problems] == [False, True, False]


def test_a_file_name_is_shown_as_written_never_as_terminal_markup(
    bare: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "[red]xa-my-quy[bold].xlsx").write_bytes(b"PK not a zip")
    code, _, stderr = run_main(["run", str(bare), "--results", str(folder),
                                "--out", str(tmp_path / "out")])
    assert code == 2
    assert 'Tệp "[red]xa-my-quy[bold].xlsx": tệp .xlsx bị hỏng' in flat(stderr)
    assert not (tmp_path / "out").exists()
