"""Every document comes from the data: another plan prints its own values, data is never evaluated
as a template, templates hold no plan's names or figures, and LibreOffice opens every file."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from tests.conftest import EXAMPLE_ISSUED, TEMPLATES, issue_all
from tests.plans import COMMUNE_VALUES, THAP_MUOI_VALUES, commune_2026
from tools.example_workbook import seed_data, write_workbook
from vanban.review.docxtext import blocks
from vanban.workbook.loader import load_plan


def _text(path: Path) -> str:
    return "\n".join(blocks(path))


@pytest.fixture(scope="module")
def commune_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("commune")
    plan = load_plan(write_workbook(tmp / "phong-hoa-2026.xlsx", commune_2026()))
    issue_all(plan, tmp / "out")
    return tmp / "out"


def test_example_issues_every_kind(example_docs: Path) -> None:
    names = sorted(p.relative_to(example_docs).as_posix() for p in example_docs.rglob("*.docx"))
    assert "01-ke-hoach.docx" in names
    assert "02-phu-luc-phan-bo-kinh-phi.docx" in names
    assert "05-bao-cao-tong-hop.docx" in names
    # 13 invitations and the sign-in lists of the 2 units with a roster.
    assert len([n for n in names if n.startswith("03-giay-moi/")]) == 13 + 2
    assert "03-giay-moi/xa-my-dong-danh-sach.docx" in names
    assert len([n for n in names if n.startswith("04-bao-cao-ket-qua/")]) == 13
    assert "03-giay-moi/xa-my-quy.docx" in names


@pytest.mark.parametrize("relpath", sorted(COMMUNE_VALUES))
def test_second_plan_prints_its_own_values(commune_docs: Path, relpath: str) -> None:
    text = _text(commune_docs / relpath)
    for value in COMMUNE_VALUES[relpath]:
        assert value in text, f"{value!r} missing from {relpath}"


def test_second_plan_has_none_of_thap_muoi(commune_docs: Path) -> None:
    docs = sorted(commune_docs.rglob("*.docx"))
    assert len(docs) == 3 + 3 + 3 + 1
    for path in docs:
        text = _text(path)
        leaked = [v for v in THAP_MUOI_VALUES if v in text]
        assert not leaked, f"{path.name} holds {leaked}"


def test_a_unit_without_results_is_pending_and_the_summary_waits(tmp_path: Path) -> None:
    from vanban.documents.kinds import default_registry
    from vanban.issuing.jobs import plan_jobs

    data = seed_data()
    data["with_results"] = {"Xã Mỹ Quý", "Xã Mỹ Đông"}
    plan = load_plan(write_workbook(tmp_path / "partial.xlsx", data))
    jobs = {j.relpath: j for j in plan_jobs(plan, default_registry())}
    assert jobs["04-bao-cao-ket-qua/xa-my-quy.docx"].pending is None
    assert "Kết quả" in (jobs["04-bao-cao-ket-qua/xa-thanh-loi.docx"].pending or "")
    summary = jobs["05-bao-cao-tong-hop.docx"].pending or ""
    assert "còn 11 đơn vị" in summary


HOSTILE = "{{ 7*7 }} & <Công ty>"


def test_data_is_escaped_and_never_evaluated(tmp_path: Path) -> None:
    data = seed_data()
    kind, _, poor, near = data["units"][0]
    data["units"][0] = (kind, HOSTILE, poor, near)
    data["funding"][0] = (f"Xã {HOSTILE}", data["funding"][0][1])
    data["plan"]["annex_note"] = "{% for x in range(3) %}x{% endfor %} <b>"
    plan = load_plan(write_workbook(tmp_path / "hostile.xlsx", data))
    issue_all(plan, tmp_path / "out")
    docs = sorted((tmp_path / "out").rglob("*.docx"))
    with_unit = [
        p
        for p in docs
        if p.parent.name in ("03-giay-moi", "04-bao-cao-ket-qua") and "cong-ty" in p.name
    ] + [
        tmp_path / "out" / n
        for n in (
            "01-ke-hoach.docx",
            "02-phu-luc-phan-bo-kinh-phi.docx",
            "05-bao-cao-tong-hop.docx",
        )
    ]
    assert len(with_unit) == 5
    for path in with_unit:
        text = _text(path)
        assert HOSTILE in text, path.name
        assert "49 &" not in text
    annex = _text(tmp_path / "out" / "02-phu-luc-phan-bo-kinh-phi.docx")
    assert "{% for x in range(3) %}x{% endfor %} <b>" in annex
    assert "xxx" not in annex


def test_templates_hold_no_plan_data() -> None:
    words = THAP_MUOI_VALUES + ["850.000", "900.000", "Tháp", "2022", "Hiệp", "Sang"]
    for template in sorted(TEMPLATES.glob("*.docx")):
        doc = Document(str(template))
        text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
            c.text for t in doc.tables for r in t.rows for c in r.cells
        )
        found = [w for w in words if w in text]
        assert not found, f"{template.name} holds {found}"


@pytest.mark.libreoffice
def test_every_document_converts_to_pdf_in_one_soffice_call(
    example_docs: Path, tmp_path: Path
) -> None:
    from vanban.review.previews import convert_jobs, find_soffice

    assert find_soffice(), "LibreOffice is missing: apt-get install libreoffice-writer-nogui"
    sources = sorted(example_docs.rglob("*.docx"))
    # One soffice process for all of them; the library stages the files under unique names.
    jobs = [(s, tmp_path / "pdf" / f"{i:02d}-{s.stem}.pdf") for i, s in enumerate(sources)]
    assert convert_jobs(jobs, timeout=600, processes=1) == {}
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert len(pdfs) == len(sources) == EXAMPLE_ISSUED
    assert all(p.stat().st_size > 1000 for p in pdfs)


def test_every_document_passes_the_decree_30_checker(example_docs: Path, commune_docs: Path) -> None:
    from vanban.decree30.checker import check_folder

    for folder in (example_docs, commune_docs):
        findings = check_folder(folder)
        assert len(findings) >= 9
        bad = {p.name: [f"{f.rule}: {f.message}" for f in fs] for p, fs in findings.items() if fs}
        assert bad == {}
