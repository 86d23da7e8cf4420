"""The decision establishing the working group: a template, a registry entry and two sheets.

Its text is pinned by a golden file (extracted text, never zip bytes); it follows Decree 30's form
for a decision; its members come from sheet "Tổ công tác" and its own number, date, legal bases,
executors, recipients and signer from its row of sheet "Văn bản"; a row naming no kind of the
registry is bad input, refused before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from tests.conftest import TEMPLATES
from tests.workbook_mutations import run_main
from tools.example_workbook import seed_data, write_workbook
from vanban.decree30.checker import check_document
from vanban.documents.kinds import default_registry
from vanban.errors import WorkbookError
from vanban.issuing.jobs import plan_jobs
from vanban.issuing.run import run_issue
from vanban.review.docxtext import blocks
from vanban.workbook.loader import load_plan

DECISION = "01-quyet-dinh-to-cong-tac.docx"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "quyet-dinh-to-cong-tac.txt"


def _lines(path: Path) -> list[str]:
    """The extracted text line by line: a table cell's lines (header, signature) one each."""
    return "\n".join(blocks(path)).splitlines()


def test_the_decision_says_what_its_golden_text_says(example_docs: Path) -> None:
    assert _lines(example_docs / DECISION) == GOLDEN.read_text("utf-8").splitlines()


def test_the_decision_passes_the_decree_30_checker(example_docs: Path) -> None:
    assert check_document(example_docs / DECISION) == []


def test_the_decision_has_the_parts_of_a_decree_30_decision_in_order(example_docs: Path) -> None:
    text = _lines(example_docs / DECISION)
    order = [
        "Số: /QĐ-UBND",  # a draft: the records office gives the number
        "QUYẾT ĐỊNH",
        "Về việc thành lập Tổ công tác đối thoại chính sách giảm nghèo năm 2022",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI",
        "QUYẾT ĐỊNH:",
        "Nơi nhận:",
        "- Như Điều 3;",
        "CHỦ TỊCH",
    ]
    positions = [text.index(line) for line in order]
    assert positions == sorted(positions)
    start, end = text.index(order[3]) + 1, text.index("QUYẾT ĐỊNH:")
    bases = text[start:end]
    assert len(bases) == 4
    assert all(b.startswith("Căn cứ ") and b.endswith(";") for b in bases[:-1])
    assert "Kế hoạch số 6662/KH-UBND ngày 02 tháng 11 năm 2022" in bases[2]  # the plan's own ref
    assert bases[-1].startswith("Theo đề nghị của ") and bases[-1].endswith(".")
    articles = [line for line in text if line.startswith("Điều ")]
    assert [a[:7] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert articles[-1].endswith("chịu trách nhiệm thi hành Quyết định này./.")
    members = text[text.index(articles[0]) + 1 : text.index(articles[1])]
    assert members[0] == "1. Nguyễn Văn A, Phó Chủ tịch Ủy ban nhân dân huyện - Tổ trưởng;"
    assert members[1].endswith("- Tổ phó;") and members[-1].endswith("- thành viên.")
    assert len(members) == 6


def test_the_authority_is_bold_and_the_legal_bases_italic(example_docs: Path) -> None:
    paragraphs = Document(str(example_docs / DECISION)).paragraphs
    by_text = {p.text: p for p in paragraphs}
    authority = by_text["CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"]
    assert all(r.bold for r in authority.runs if r.text.strip())
    bases = [p for p in paragraphs if p.text.startswith(("Căn cứ", "Theo đề nghị"))]
    assert len(bases) == 4
    assert all(r.italic for p in bases for r in p.runs if r.text.strip())
    assert all(r.bold for r in by_text["QUYẾT ĐỊNH:"].runs if r.text.strip())


def test_it_is_issued_in_the_first_stage_with_the_plan() -> None:
    registry = default_registry()
    decision = registry.kind("quyet_dinh_to_cong_tac")
    assert decision.stage == registry.stages[0] == registry.kind("ke_hoach").stage
    assert decision.context == "generic" and decision.type == "QĐ"


def test_without_members_it_waits_and_the_rest_is_issued(tmp_path: Path) -> None:
    data = seed_data()
    data["members"] = []
    plan = load_plan(write_workbook(tmp_path / "no-members.xlsx", data))
    jobs = {j.relpath: j for j in plan_jobs(plan, default_registry())}
    assert 'sheet "Tổ công tác"' in (jobs[DECISION].pending or "")
    assert jobs["01-ke-hoach.docx"].pending is None


def test_without_its_row_it_takes_the_plans_signer_and_recipients(tmp_path: Path) -> None:
    data = seed_data()
    data["documents"] = []
    plan = load_plan(write_workbook(tmp_path / "no-row.xlsx", data))
    out = tmp_path / "out"
    report = run_issue(plan, out_dir=out, templates_dir=TEMPLATES, only=["plan"])
    assert report.exit_code == 0
    text = _lines(out / DECISION)
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Nguyễn Văn Hiệp" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI" in text  # the head the signer signs for
    assert "- Như Điều 3;" not in text  # the plan's recipients
    assert text[-1] == "Nguyễn Văn Hiệp"


def test_a_workbook_without_the_new_sheets_still_reads(tmp_path: Path) -> None:
    data = seed_data()
    path = write_workbook(tmp_path / "old-layout.xlsx", data)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    del wb["Văn bản"], wb["Tổ công tác"]
    wb.save(path)
    plan = load_plan(path)
    assert plan.documents == () and plan.tables == {"to_cong_tac": ()}
    jobs = {j.relpath: j for j in plan_jobs(plan, default_registry())}
    assert jobs[DECISION].pending is not None


@pytest.mark.parametrize("named", ["Quyết định khen thưởng", "quyet_dinh"])
def test_a_row_naming_no_kind_is_refused_before_anything_is_written(
    tmp_path: Path, named: str
) -> None:
    data = seed_data()
    data["documents"][0]["kind"] = named
    workbook = write_workbook(tmp_path / "unknown-kind.xlsx", data)
    out = tmp_path / "out"
    with pytest.raises(WorkbookError) as caught:
        run_issue(workbook, out_dir=out, templates_dir=TEMPLATES)
    [problem] = caught.value.errors
    assert (problem.sheet, problem.cell) == ("Văn bản", "A2")
    assert named in problem.message and "Quyết định thành lập Tổ công tác" in problem.message
    assert caught.value.exit_code == 2 and not out.exists()
    code, stdout, stderr = run_main(["check", str(workbook)])
    assert code == 2 and "Văn bản" in stderr and "Traceback" not in stdout + stderr


def test_a_kind_may_be_named_by_its_key(tmp_path: Path) -> None:
    data = seed_data()
    data["documents"][0]["kind"] = "QUYET_DINH_TO_CONG_TAC"
    data["documents"][0]["number"] = 7
    plan = load_plan(write_workbook(tmp_path / "by-key.xlsx", data))
    out = tmp_path / "out"
    assert run_issue(plan, out_dir=out, templates_dir=TEMPLATES, only=["plan"]).exit_code == 0
    assert "Số: 07/QĐ-UBND" in _lines(out / DECISION)
    assert "Số: 6662/KH-UBND" in _lines(out / "01-ke-hoach.docx")  # the plan keeps its own


def test_every_bad_cell_of_the_new_sheets_is_named_at_once(tmp_path: Path) -> None:
    data = seed_data()
    data["members"][1] = ("Trần Văn B", "Trưởng phòng", "trưởng nhóm")
    data["members"][2] = (None, "Phó Trưởng phòng", "thành viên")
    data["documents"][0].update({"date": "ngày mai", "authority": "KT.", "head": None})
    data["documents"].append({"kind": "Quyết định thành lập Tổ công tác"})
    with pytest.raises(WorkbookError) as caught:
        load_plan(write_workbook(tmp_path / "bad.xlsx", data))
    found = {(p.sheet, p.cell) for p in caught.value.errors}
    assert {
        ("Tổ công tác", "C3"),  # a role that is not one of the three
        ("Tổ công tác", "A4"),  # a member without a name
        ("Văn bản", "C2"),  # a date that is no date
        ("Văn bản", "L2"),  # KT. with no head to sign for
        ("Văn bản", "A3"),  # the same kind twice
    } <= found
    messages = " ".join(p.message for p in caught.value.errors)
    assert "Tổ trưởng, Tổ phó, thành viên" in messages and "hai lần" in messages


def test_a_row_for_a_kind_that_keeps_its_metadata_elsewhere_is_refused(tmp_path: Path) -> None:
    """The summary report still reads its number and signer from "Kế hoạch": a row is no-op."""
    data = seed_data()
    data["documents"].append({"kind": "Báo cáo tổng hợp", "signer_name": "Lê Văn A"})
    workbook = write_workbook(tmp_path / "summary-row.xlsx", data)
    with pytest.raises(WorkbookError) as caught:
        run_issue(workbook, out_dir=tmp_path / "out", templates_dir=TEMPLATES)
    [problem] = caught.value.errors
    assert (problem.sheet, problem.cell) == ("Văn bản", "A3")
    assert '"Báo cáo tổng hợp: …"' in problem.message
    assert not (tmp_path / "out").exists()


def test_one_kind_named_by_its_key_and_by_its_label_on_two_rows_is_refused(
    tmp_path: Path,
) -> None:
    data = seed_data()
    data["documents"].append({"kind": "quyet_dinh_to_cong_tac", "number": 5})
    workbook = write_workbook(tmp_path / "twice.xlsx", data)
    with pytest.raises(WorkbookError) as caught:
        run_issue(workbook, out_dir=tmp_path / "out", templates_dir=TEMPLATES)
    [problem] = caught.value.errors
    assert (problem.sheet, problem.cell) == ("Văn bản", "A3") and "ô A2" in problem.message
