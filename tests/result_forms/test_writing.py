"""The forms as written: locked and validated, stable, never written over once filled, readable
by LibreOffice, and free of any invitee's name."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet
from rich.console import Console

from tests.conftest import TEMPLATES
from tests.result_forms.filling import fill
from tests.workbook_mutations import flat, mutated, put_plan, run_main
from vanban.cli.report import run_summary
from vanban.documents.kinds import default_registry
from vanban.errors import OutputConflictError
from vanban.forms import layout as L
from vanban.forms.collecting import collect_forms
from vanban.forms.writing import write_forms
from vanban.issuing.run import run_issue
from vanban.model import Plan
from vanban.outdir import FORMS_DIR
from vanban.workbook.loader import load_plan


def _validation(ws: Worksheet, coord: str) -> tuple[str, str | None, str | None]:
    found = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(found) == 1, coord
    dv = found[0]
    return dv.type, dv.formula1, dv.formula2


def test_a_form_locks_what_the_plan_knows_and_validates_every_input(
    bare_plan: Plan, blank_forms: Path
) -> None:
    plan = bare_plan
    quy = next(u for u in plan.units if u.name == "Xã Mỹ Quý")
    wb = load_workbook(blank_forms / "xa-my-quy.xlsx")
    assert wb.sheetnames == [L.FORM_SHEET, L.GUIDE_SHEET, L.IDENTITY_SHEET]
    assert wb.security is not None and wb.security.lockStructure
    ws = wb[L.FORM_SHEET]
    assert ws.protection.sheet and not ws.protection.password
    assert wb[L.IDENTITY_SHEET].sheet_state == "veryHidden"
    ident = {r[0]: r[1] for r in wb[L.IDENTITY_SHEET].iter_rows(values_only=True)}
    assert ident["plan_symbol"] == default_registry().plan_symbol(plan) == "6662/KH-UBND"
    assert ident["unit"] == "Xã Mỹ Quý" and ident["unit_slug"] == "xa-my-quy"
    assert ident["form_id"] == L.form_id(plan, quy) != L.form_id(plan, plan.units[1])

    assert "Kế hoạch số 6662/KH-UBND ngày 02/11/2022" in str(ws["A2"].value)
    assert ws["A3"].value == "Đơn vị: Xã Mỹ Quý"
    lay = L.Layout(len(plan.topics))
    rows = lay.attendance_rows
    assert [ws[f"C{rows[k]}"].value for k in ("steering", "officials", "poor", "near_poor")] == [
        3, 5, 41, 46]
    assert [ws[f"B{lay.topic_row(t.number)}"].value for t in plan.topics] == [
        t.text for t in plan.topics]

    inputs = set(lay.all_inputs())
    for row in ws.iter_rows():
        for cell in row:
            if cell.coordinate in inputs:
                assert cell.protection.locked is False, cell.coordinate
                assert _validation(ws, cell.coordinate)
            elif cell.value is not None:
                assert cell.protection.locked is not False, cell.coordinate
    cells = lay.cells
    assert _validation(ws, cells["poor"]) == ("whole", "0", "41")
    assert _validation(ws, cells["steering"]) == ("whole", "0", "3")
    assert _validation(ws, cells["spent"]) == ("whole", "0", str(plan.funding_for(quy)))
    first, last = L.report_window(plan, quy)
    assert _validation(ws, cells["date"]) == (
        "date", str(int(to_excel(first))), str(int(to_excel(last))))
    answered = lay.opinion_cells(1)["answered"]
    assert _validation(ws, answered) == ("whole", "0", lay.opinion_cells(1)["raised"])
    assert _validation(ws, cells["authority"])[0] == "list"
    guide = [c.value for c in wb[L.GUIDE_SHEET]["A"]]
    assert any("Chỉ điền vào các ô màu vàng" in str(line) for line in guide)


def test_the_same_plan_gives_the_same_bytes_and_writing_again_changes_nothing(
    bare_plan: Plan, blank_forms: Path, tmp_path: Path
) -> None:
    written = write_forms(bare_plan, tmp_path, default_registry())
    again = write_forms(bare_plan, tmp_path, default_registry())
    assert {w.status for w in again} == {"unchanged"}
    for w in written:
        assert w.path.read_bytes() == (blank_forms / w.path.name).read_bytes()


def test_a_filled_form_is_never_overwritten_unless_forced(
    bare: Path, bare_plan: Plan, example_plan: Plan, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run_main(["forms", str(bare), "--out", str(out)])
    assert code == 0 and "Phiếu kết quả: 13 đơn vị (đã tạo 13)" in flat(stdout)
    folder = out / FORMS_DIR
    quy = next(u for u in example_plan.units if u.name == "Xã Mỹ Quý")
    assert quy.result is not None
    filled = fill(folder / "xa-my-quy.xlsx", example_plan, quy.result, folder / "xa-my-quy.xlsx")
    data = filled.read_bytes()
    (folder / "xa-my-an.xlsx").unlink()

    code, _, stderr = run_main(["forms", str(bare), "--out", str(out)])
    assert code == 4
    squeezed = "".join(stderr.split())  # Rich breaks a long path anywhere
    assert "".join(f"{folder / 'xa-my-quy.xlsx'}: phiếu đã được điền".split()) in squeezed
    assert filled.read_bytes() == data
    assert not (folder / "xa-my-an.xlsx").exists()  # refused before anything was written

    # A blank form of an older version of the plan is simply replaced.
    changed = mutated(put_plan("Đầu mối liên hệ", "Phòng Nội vụ huyện"), tmp_path / "b.xlsx")
    with pytest.raises(OutputConflictError, match="phiếu đã được điền"):
        write_forms(load_plan(changed), out, default_registry())
    code, stdout, _ = run_main(["forms", str(changed), "--out", str(out), "--force"])
    assert code == 0, stdout
    said = flat(stdout)
    assert "đã tạo 1" in said and "đã thay (phiếu trống) 11" in said and "đã ghi đè" in said
    kept = list((out / ".history").glob("06-phieu-ket-qua__xa-my-quy.*.xlsx"))
    assert [p.read_bytes() for p in kept] == [data]
    assert filled.read_bytes() != data


@pytest.mark.libreoffice
def test_libreoffice_opens_every_form(blank_forms: Path, returned: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by .ci/run"
    forms = sorted(blank_forms.glob("*.xlsx"))
    staged = []
    for form in forms:
        staged.append(shutil.copy(form, tmp_path / f"blank-{form.name}"))
    staged.append(shutil.copy(returned / "xa-my-quy.xlsx", tmp_path / "filled-xa-my-quy.xlsx"))
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, staged)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert len(pdfs) == len(forms) + 1 == 14
    assert all(p.stat().st_size > 1000 for p in pdfs)
    text = subprocess.run(["pdftotext", str(tmp_path / "pdf" / "filled-xa-my-quy.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Đơn vị: Xã Mỹ Quý" in text and "6662/KH-UBND" in text


def _xml_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_no_invitee_name_goes_into_a_form_a_log_or_the_terminal(
    bare: Path, example_plan: Plan, blank_forms: Path, returned: Path, tmp_path: Path
) -> None:
    names = {i.name for u in example_plan.units for i in u.invitees}
    assert len(names) > 100  # the example's roster of two communes
    texts = [_xml_text(p) for p in [*blank_forms.glob("*.xlsx"), *returned.glob("*.xlsx")]]

    out = tmp_path / "out"
    code, stdout, stderr = run_main(["forms", str(bare), "--out", str(out)])
    assert code == 0
    texts += [stdout, stderr]



    plan, index = collect_forms(load_plan(bare), returned, default_registry())
    report = run_issue(plan, out_dir=out, templates_dir=TEMPLATES, forms=index)
    buffer = io.StringIO()
    run_summary(Console(file=buffer, width=200), report)
    texts += [buffer.getvalue(), (out / "audit.jsonl").read_text("utf-8"),
              (out / "manifest.json").read_text("utf-8")]
    leaked = sorted(n for n in names if any(n in t for t in texts))
    assert not leaked


def test_the_new_workbook_guide_points_to_the_forms() -> None:
    from vanban.workbook.blank import build_blank_workbook

    ws = build_blank_workbook()["Hướng dẫn"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "vanban forms" in text and "--results" in text


@pytest.mark.libreoffice
def test_a_form_saved_by_libreoffice_is_collected_the_same(
    bare_plan: Plan, example_plan: Plan, returned: Path, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by .ci/run"
    names = ["xa-my-quy.xlsx", "thi-tran-my-an.xlsx"]
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "saved"),
         *(str(returned / n) for n in names)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == sorted(names)
    plan, index = collect_forms(bare_plan, tmp_path / "saved", default_registry())
    assert index is not None and len(index.received) == 2
    expected = {u.name: u.result for u in example_plan.units}
    got = {u.name: u.result for u in plan.units if u.result is not None}
    assert got == {n: expected[n] for n in ("Xã Mỹ Quý", "Thị trấn Mỹ An")}
