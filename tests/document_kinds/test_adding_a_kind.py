"""A kind of document is a template and an entry in kinds.toml: no code change.

The throwaway kind below lives only in a temporary folder given as ``--templates``; it prints
data every plan has, through the generic context, and is issued, logged and linted like the
shipped kinds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import EXAMPLE, TEMPLATES
from tests.workbook_mutations import run_main
from vanban.documents.kinds import load_registry
from vanban.errors import TemplateError, WorkbookError
from vanban.issuing.audit import AuditLog
from vanban.issuing.run import run_issue
from vanban.model import Plan
from vanban.review.docxtext import blocks

NOTICE = """
[[kind]]
key = "thong_bao"
label = "Thông báo"
template = "thong-bao.docx"
scope = "unit"
stage = "invitations"
output = "07-thong-bao/{unit}.docx"
ready = "always"
type = "TB"
metadata = "invitation"
"""


def _notice_template(path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ doc.issuer_name | hoa }} – Số: {{ doc.symbol }}")
    doc.add_paragraph("{{ kind.label | hoa }}")
    doc.add_paragraph(
        "{{ unit.name }} có {{ unit.poor | so }} hộ nghèo và {{ unit.near_poor | so }} hộ cận "
        "nghèo; đối thoại {{ schedule.day | ngay }}, tại {{ schedule.venue }}."
    )
    doc.add_paragraph("Cả {{ units | length }} đơn vị; kinh phí {{ plan.budget | vnd }}.")
    doc.add_paragraph("{{ doc.signer }}")
    doc.save(str(path))


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    _notice_template(folder / "thong-bao.docx")
    registry = folder / "kinds.toml"
    registry.write_text(registry.read_text("utf-8") + NOTICE, "utf-8")
    return folder


def test_a_kind_from_a_template_and_an_entry_is_issued(templates: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run_issue(EXAMPLE, out_dir=out, templates_dir=templates)
    assert report.exit_code == 0
    notices = [s for s in report.statuses if s.job.kind.key == "thong_bao"]
    assert len(notices) == 13 and {s.status for s in notices} == {"issued"}
    text = "\n".join(blocks(out / "07-thong-bao" / "xa-my-quy.docx"))
    assert "THÔNG BÁO" in text
    assert "Xã Mỹ Quý có 41 hộ nghèo và 46 hộ cận nghèo" in text
    assert "Cả 13 đơn vị; kinh phí 11.300.000đ." in text
    assert "/TB-UBND" in text  # its own type abbreviation, the unit's issuer
    logged = AuditLog(out / "audit.jsonl").latest_issued()
    assert logged["07-thong-bao/xa-my-quy.docx"]["kind"] == "thong_bao"
    # The shipped kinds are issued beside it, unchanged.
    assert (out / "01-ke-hoach.docx").is_file()


def test_the_new_kind_is_linted_and_runs_in_its_stage(templates: Path) -> None:
    registry = load_registry(templates)
    notice = registry.kind("thong_bao")
    assert notice.stage_number == registry.kind("giay_moi").stage_number
    code, out, err = run_main(["templates", "check", str(templates)])
    assert code == 0, out + err
    # A misspelt variable in the new template is caught with the closest name.
    doc = Document(str(templates / "thong-bao.docx"))
    doc.add_paragraph("{{ unit.naem }}")
    doc.save(str(templates / "thong-bao.docx"))
    code, out, err = run_main(["templates", "check", str(templates)])
    assert code == 1 and "thong-bao.docx" in out and "naem" in out


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('scope = "unit"', 'scope = "everyone"'), "scope"),
        (('ready = "always"\ntype = "TB"', 'ready = "sometimes"\ntype = "TB"'), "ready"),
        (('output = "07-thong-bao/{unit}.docx"', 'output = "07-thong-bao.docx"'), "output"),
        (('output = "07-thong-bao/{unit}.docx"', 'output = "01-ke-hoach.docx"'), "output"),
        (('key = "thong_bao"', 'key = "ke_hoach"'), "key"),
        (('type = "TB"\n', ""), "type"),
        (('template = "thong-bao.docx"', 'template = "../thong-bao.docx"'), "template"),
        (('metadata = "invitation"', 'metadata = "report"'), "ready"),
        (('metadata = "invitation"', 'metadata = "invitation"\nneeds_table = "tho"'), "needs_table"),
        # Without the plan's own kind, nothing declares the plan's type abbreviation.
        (('context = "plan"\n', ""), "context"),
    ],
)
def test_a_broken_entry_is_a_template_error_naming_the_field(
    templates: Path, change: tuple[str, str], named: str
) -> None:
    registry = templates / "kinds.toml"
    text = registry.read_text("utf-8")
    assert change[0] in text
    registry.write_text(text.replace(change[0], change[1]), "utf-8")
    with pytest.raises(TemplateError) as err:
        load_registry(templates)
    assert "kinds.toml" in str(err.value) and named in str(err.value)
    code, out, err_text = run_main(["templates", "check", str(templates)])
    printed = err_text.replace("\n", "")  # the terminal wraps long lines
    assert code == 3 and "kinds.toml" in printed and "Traceback" not in out + err_text


def test_the_plans_type_abbreviation_comes_from_its_kind_in_the_registry(
    templates: Path, example_plan: Plan
) -> None:
    """Every document citing the plan prints the type its kind declares, not one in the code."""
    registry = templates / "kinds.toml"
    plan_entry = 'output = "01-ke-hoach.docx"\nready = "always"\ntype = "KH"'
    text = registry.read_text("utf-8")
    assert text.count(plan_entry) == 1
    registry.write_text(text.replace(plan_entry, plan_entry.replace('"KH"', '"KHTT"')), "utf-8")
    loaded = load_registry(templates)
    unit = example_plan.units[0]
    assert loaded.plan_type == "KHTT"
    assert loaded.plan_symbol(example_plan) == "6662/KHTT-UBND"
    for key in ("ke_hoach", "phu_luc", "giay_moi", "thong_bao"):
        context = loaded.kind(key).build_context(example_plan, unit)
        assert context["plan"]["symbol"] == "6662/KHTT-UBND", key
    # The annex keeps its own type: only the plan's symbol follows the plan's kind.
    assert loaded.kind("phu_luc").type == "KH"
    assert load_registry(TEMPLATES).plan_symbol(example_plan) == "6662/KH-UBND"


def test_a_registry_that_is_not_toml_is_refused(templates: Path) -> None:
    (templates / "kinds.toml").write_text("[[kind]\nkey = ", "utf-8")
    code, out, err = run_main(["templates", "check", str(templates)])
    assert code == 3 and "kinds.toml" in err.replace("\n", "") and "Traceback" not in out + err


def test_templates_new_writes_a_skeleton_that_issues_and_passes_the_checker(
    tmp_path: Path,
) -> None:
    from vanban.decree30.checker import check_document

    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "kinds.toml").unlink()  # a folder without its own registry starts from the shipped one
    code, out, err = run_main(
        ["templates", "new", "thong_bao", "--label", "Thông báo", "--scope", "unit",
         "--stage", "invitations", "--type", "TB", "--dir", str(folder)]
    )  # fmt: skip
    assert code == 0, out + err
    assert (folder / "thong-bao.docx").is_file() and "thong_bao" in out
    registry = load_registry(folder)
    assert registry.kind("thong_bao").output == "thong-bao/{unit}.docx"
    assert len(registry.kinds) == len(load_registry(TEMPLATES).kinds) + 1
    report = run_issue(EXAMPLE, out_dir=tmp_path / "out", templates_dir=folder)
    assert report.exit_code == 0
    issued = tmp_path / "out" / "thong-bao" / "xa-my-quy.docx"
    text = "\n".join(blocks(issued))
    assert "THÔNG BÁO" in text and "Xã Mỹ Quý" in text
    assert check_document(issued) == []
    # Asked again, it refuses: a template someone may have edited is never overwritten.
    before = (folder / "thong-bao.docx").read_bytes()
    code, out, err = run_main(
        ["templates", "new", "thong_bao", "--label", "Thông báo", "--dir", str(folder)]
    )
    assert code == 4 and "thong_bao" in err.replace("\n", "")
    assert (folder / "thong-bao.docx").read_bytes() == before


def test_a_new_kind_reads_its_row_of_sheet_van_ban_and_the_kind_tables(
    templates: Path, tmp_path: Path
) -> None:
    """Date, signer and recipients from its row; each unit keeps its own number; tables too."""
    from openpyxl import load_workbook

    doc = Document(str(templates / "thong-bao.docx"))
    doc.add_paragraph("{{ doc.date | ngay }}; {{ doc.signature | join(' / ') }}")
    doc.add_paragraph("{{ doc.recipients | join(' ') }}")
    doc.add_paragraph("{{ doc.summary | join(' / ') }} – {{ doc.addressee }} – {{ doc.proposer }}")
    doc.add_paragraph("{% for b in doc.bases %}Căn cứ {{ b }}; {% endfor %}")
    doc.add_paragraph("{% for m in tables.to_cong_tac %}{{ m.role }}: {{ m.name }}. {% endfor %}")
    doc.save(str(templates / "thong-bao.docx"))
    workbook = tmp_path / "with-row.xlsx"
    wb = load_workbook(EXAMPLE)
    sheet = wb["Văn bản"]
    sheet.append([
        "thong_bao", None, None, "Về lịch đối thoại\ncủa các xã", "Các xã", "Căn cứ Luật A;\nLuật B",
        "Phòng X", "Các ấp", "VT",
    ])  # fmt: skip
    row = sheet.max_row
    for column, value in (("C", "08/11/2022"), ("K", "KT."), ("L", "Chủ tịch")):
        sheet[f"{column}{row}"] = value
    sheet[f"M{row}"], sheet[f"N{row}"] = "Phó Chủ tịch", "Trần Văn X"
    wb.save(workbook)
    out = tmp_path / "out"
    assert run_issue(workbook, out_dir=out, templates_dir=templates).exit_code == 0
    text = "\n".join(blocks(out / "07-thong-bao" / "xa-my-quy.docx"))
    assert "ngày 08 tháng 11 năm 2022; KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in text
    assert "- Các ấp; - Lưu: VT." in text and "Trần Văn X" in text
    assert "Tổ trưởng: Nguyễn Văn A. Tổ phó: Trần Văn B." in text
    assert "Về lịch đối thoại / của các xã – Các xã – Phòng X" in text
    assert "Căn cứ Luật A; Căn cứ Luật B;" in text  # the clerk's own "Căn cứ" and ";" not doubled
    # A number in the row would give every unit's notice the same one: refused, nothing written.
    sheet[f"B{row}"] = 9
    wb.save(workbook)
    with pytest.raises(WorkbookError) as caught:
        run_issue(workbook, out_dir=tmp_path / "other", templates_dir=templates)
    [problem] = caught.value.errors
    assert (problem.sheet, problem.cell) == ("Văn bản", f"B{row}")
    assert not (tmp_path / "other").exists()
