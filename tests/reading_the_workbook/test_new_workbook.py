"""``vanban new-workbook``: the empty workbook a clerk fills, checked against the schema.

Its sheets and headers are the schema's, "Hướng dẫn" comes first, choice columns have dropdowns,
numbers and dates have formats, header rows are frozen, an existing file is never overwritten,
LibreOffice opens it, and filled with the seed's data it issues the same documents as the example.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.conftest import EXAMPLE_ISSUED
from tests.plans import apart_from_codes
from tests.workbook_mutations import flat, run_main
from tools.example_workbook import fill
from vanban.errors import WorkbookError
from vanban.issuing.run import run_issue
from vanban.model import Plan
from vanban.review.docxtext import blocks
from vanban.text.names import slugify
from vanban.workbook import schema
from vanban.workbook.blank import DATA_ROWS, NUMBER_FORMATS
from vanban.workbook.loader import load_plan

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "docx"
EXAMPLE = ROOT / "inputs" / "thap-muoi-2022.xlsx"
TABLES = [s for s in schema.SHEETS if not s.key_value]
IDS = [slugify(s.name) for s in TABLES]


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("new") / "ke-hoach-2023.xlsx"
    code, stdout, stderr = run_main(["new-workbook", str(path)])
    assert code == 0, stdout + stderr
    assert f'Đã tạo {path}. Mở sheet "Hướng dẫn"' in flat(stdout)
    return path


@pytest.fixture(scope="module")
def wb(blank: Path) -> Workbook:
    return load_workbook(blank)


def _plan_rows(ws: Worksheet) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}


def test_sheets_come_in_schema_order_after_the_guide(wb: Workbook) -> None:
    assert wb.sheetnames == [schema.GUIDE_SHEET] + [s.name for s in schema.SHEETS]
    assert wb.active is not None and wb.active.title == schema.GUIDE_SHEET


@pytest.mark.parametrize("spec", TABLES, ids=IDS)
def test_table_sheet_headers_are_the_schema_labels(wb: Workbook, spec: schema.Sheet) -> None:
    ws = wb[spec.name]
    assert [c.value for c in ws[1]] == [f.label for f in spec.fields]
    assert all(c.font.bold for c in ws[1])
    assert all(ws.cell(r, 1).value is None for r in range(2, DATA_ROWS + 2))


def test_plan_sheet_lists_every_item_with_its_help(wb: Workbook) -> None:
    ws = wb[schema.PLAN.name]
    assert [c.value for c in ws[1]] == list(schema.KV_HEADERS)
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [
        f.label for f in schema.PLAN.fields
    ]
    for f in schema.PLAN.fields:
        r = _plan_rows(ws)[f.label]
        assert ws.cell(r, 2).value is None
        assert str(ws.cell(r, 3).value).startswith(f.help)


def test_guide_explains_every_sheet_and_column_with_an_example(wb: Workbook) -> None:
    ws = wb[schema.GUIDE_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    sheets = [r[0] for r in rows if r[0]]
    assert sheets == [s.name for s in schema.SHEETS]
    for spec in schema.SHEETS:
        start = next(i for i, r in enumerate(rows) if r[0] == spec.name)
        assert rows[start][3] == spec.help
        fields = rows[start + 1 : start + 1 + len(spec.fields)]
        assert [r[1] for r in fields] == [f.label for f in spec.fields]
        for f, r in zip(spec.fields, fields, strict=True):
            assert r[2] == ("có" if f.required else None)
            assert r[3] == (f.help or None)
            assert r[4] == (None if f.example in (None, "") else str(f.example))


def _validations(ws: Worksheet) -> dict[str, str]:
    """Each list validation's formula by every cell range it covers."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for ref in str(dv.sqref).split():
            out[ref] = dv.formula1
    return out


def _choice_list(choices: tuple[str, ...]) -> str:
    return '"' + ",".join(choices) + '"'


@pytest.mark.parametrize("spec", TABLES, ids=IDS)
def test_choice_columns_have_dropdowns(wb: Workbook, spec: schema.Sheet) -> None:
    found = _validations(wb[spec.name])
    expected = {
        f"{get_column_letter(col)}2:{get_column_letter(col)}{DATA_ROWS + 1}": _choice_list(f.choices)
        for col, f in enumerate(spec.fields, start=1)
        if f.choices
    }
    assert found == expected


def test_plan_sheet_choices_have_dropdowns(wb: Workbook) -> None:
    ws = wb[schema.PLAN.name]
    rows = _plan_rows(ws)
    expected = {
        f"B{rows[f.label]}": _choice_list(f.choices) for f in schema.PLAN.fields if f.choices
    }
    assert _validations(ws) == expected
    # The issue's lists: unit kinds, authorities and the dialect choices.
    lists = set(expected.values()) | {
        v for s in TABLES for v in _validations(wb[s.name]).values()
    }
    assert _choice_list(schema.UNIT_KINDS) in lists
    assert _choice_list(schema.AUTHORITIES) in lists
    assert '"ngàn,nghìn"' in lists and '"lẻ,linh"' in lists
    assert all(len(v) <= 257 for v in lists)  # Excel's limit: 255 characters inside the quotes


@pytest.mark.parametrize("spec", TABLES, ids=IDS)
def test_number_and_date_columns_have_formats(wb: Workbook, spec: schema.Sheet) -> None:
    ws = wb[spec.name]
    for col, f in enumerate(spec.fields, start=1):
        if f.type in NUMBER_FORMATS:
            formats = {ws.cell(r, col).number_format for r in (2, DATA_ROWS // 2, DATA_ROWS + 1)}
            assert formats == {NUMBER_FORMATS[f.type]}, f.label


def test_plan_values_have_formats(wb: Workbook) -> None:
    ws = wb[schema.PLAN.name]
    rows = _plan_rows(ws)
    for f in schema.PLAN.fields:
        if f.type in NUMBER_FORMATS:
            assert ws.cell(rows[f.label], 2).number_format == NUMBER_FORMATS[f.type], f.label
    assert NUMBER_FORMATS["date"] == "DD/MM/YYYY" and NUMBER_FORMATS["money"] == "#,##0"


def test_every_sheet_freezes_its_header_row(wb: Workbook) -> None:
    assert {name: wb[name].freeze_panes for name in wb.sheetnames} == dict.fromkeys(
        wb.sheetnames, "A2"
    )


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(b"the clerk's work")
    code, _, stderr = run_main(["new-workbook", str(path)])
    assert code == 4
    assert f"Tệp {path} đã có; chọn tên khác" in flat(stderr)
    assert path.read_bytes() == b"the clerk's work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ke-hoach.xlsx"]


@pytest.mark.parametrize("name", ["ke-hoach.xls", "ke-hoach.ods", "ke-hoach"])
def test_a_name_without_xlsx_is_refused(name: str, tmp_path: Path) -> None:
    code, _, stderr = run_main(["new-workbook", str(tmp_path / name)])
    assert code == 2
    assert f'Tên tệp phải có đuôi .xlsx, nhận được "{name}"' in flat(stderr)
    assert list(tmp_path.iterdir()) == []


def test_the_empty_workbook_is_reported_not_crashed_on(blank: Path) -> None:
    with pytest.raises(WorkbookError) as caught:
        load_plan(blank)
    errors = caught.value.errors
    assert ("Đơn vị", "A2") in {(p.sheet, p.cell) for p in errors}
    assert any(
        p.cell == "B3" and "cơ quan ban hành không được để trống" in p.message for p in errors
    )
    assert all(p.message for p in errors)


def _documents(plan: Plan, out: Path) -> dict[str, list[str]]:
    report = run_issue(plan, out_dir=out, templates_dir=TEMPLATES)
    docs = {}
    for status in report.statuses:
        if status.status == "not_expected":
            assert status.job.kind.key == "danh_sach", status.job.relpath  # no roster
            continue
        assert status.status == "issued"
        docs[status.job.relpath] = blocks(out / status.job.relpath)
    return docs


def test_filled_with_the_seed_it_issues_the_same_documents_as_the_example(
    blank: Path, tmp_path: Path
) -> None:
    filled = tmp_path / "filled.xlsx"
    wb = load_workbook(blank)
    fill(wb)
    wb.save(filled)
    code, stdout, _ = run_main(["check", str(filled)])
    assert code == 0 and "Bảng tính hợp lệ" in flat(stdout)
    plan = load_plan(filled)
    assert apart_from_codes(plan.warnings) == ()
    ours = _documents(plan, tmp_path / "ours")
    example = _documents(load_plan(EXAMPLE), tmp_path / "example")
    assert len(ours) == EXAMPLE_ISSUED
    assert ours == example


@pytest.mark.libreoffice
def test_libreoffice_opens_the_new_workbook(blank: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by .ci/run"
    profile = (tmp_path / "profile").as_uri()
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), str(blank)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "pdf" / "ke-hoach-2023.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 1000


def test_the_sheets_for_kinds_of_document_come_with_their_guide_lines(wb: Workbook) -> None:
    """Declared in the schema, "Văn bản" and "Tổ công tác" need nothing else to be offered."""
    guide = [[c.value for c in row] for row in wb[schema.GUIDE_SHEET].iter_rows(min_row=2)]
    for spec in (schema.DOCUMENTS, schema.MEMBERS):
        assert [c.value for c in wb[spec.name][1]] == [f.label for f in spec.fields]
        [line] = [r for r in guide if r[0] == spec.name]
        assert line[2] == "không" and str(line[3]).startswith("Không bắt buộc.")
    assert schema.MEMBERS.context_key == "to_cong_tac"
    roles = _validations(wb[schema.MEMBERS.name])
    assert roles == {f"C2:C{DATA_ROWS + 1}": '"Tổ trưởng,Tổ phó,thành viên"'}
    assert [c.value for c in wb[schema.DOCUMENTS.name][1]][:4] == [
        "Loại văn bản", "Số", "Ngày", "Trích yếu"
    ]
