"""The Decree-30 builder: what it builds passes the checker, before and after docxtpl renders it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from tests.docfactory import (
    CONTEXT,
    ISSUER,
    build_invitations,
    build_plan,
    build_template,
)
from vanban.decree30.checker import check_document
from vanban.decree30.layout import Decree30Document
from vanban.decree30.ooxml import is_control, upper_outside_tags
from vanban.decree30.spec import FONT_NAME, MARGIN_RANGES_MM, MARGINS_MM, SIZE_RANGES, SIZES
from vanban.errors import TemplateError


def test_the_builder_constants_sit_inside_the_decree_ranges() -> None:
    for side, value in MARGINS_MM.items():
        low, high = MARGIN_RANGES_MM[side]
        assert low <= value <= high, side
    for kind, (low, high) in SIZE_RANGES.items():
        assert low <= SIZES[kind] <= high, kind


@pytest.mark.parametrize(
    "build",
    [build_plan, lambda path: build_plan(path, with_annex=False), build_invitations],
    ids=["plan-with-annex", "plan-alone", "two-invitations"],
)
def test_a_built_document_passes_the_checker(tmp_path: Path, build) -> None:  # type: ignore[no-untyped-def]
    path = build(tmp_path / "doc.docx")
    assert check_document(path) == []


def test_a_landscape_document_passes_the_checker(tmp_path: Path) -> None:
    doc = Decree30Document(landscape=True)
    doc.header_block(
        governing=[],
        issuer=ISSUER,
        number_line="Số: 05/BC-UBND",
        place_date="Tháp Mười, ngày 15 tháng 3 năm 2023",
    )
    doc.title("Báo cáo", ["Kết quả đối thoại chính sách giảm nghèo"])
    doc.paragraph("Trên đây là báo cáo kết quả./.")
    doc.footer_block(recipients=["- Lưu: VT."], signature=["Chủ tịch"], signer_name="Trần Văn A")
    doc.save(tmp_path / "wide.docx")
    section = docx.Document(str(tmp_path / "wide.docx")).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height
    assert check_document(tmp_path / "wide.docx") == []


def test_fonts_are_pinned_in_doc_defaults_and_normal(tmp_path: Path) -> None:
    path = build_plan(tmp_path / "plan.docx")
    styles = docx.Document(str(path)).styles.element
    for rpr in (
        styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"),
        styles.xpath("./w:style[@w:styleId='Normal']/w:rPr")[0],
    ):
        fonts = rpr.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {
            FONT_NAME
        }
        assert not [name for name in fonts.attrib if name.endswith("Theme") or "theme" in name]


def _tag_balance(text: str) -> bool:
    return text.count("{{") == text.count("}}") and text.count("{%") == text.count("%}")


def test_every_tag_stays_whole_in_one_run(tmp_path: Path) -> None:
    path = build_template(tmp_path / "template.docx")
    runs = [r for r in docx.Document(str(path)).element.body.iter(qn("w:r"))]
    texts = ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in runs]
    tagged = [t for t in texts if "{" in t]
    assert len(tagged) >= 20  # every piece of the template above carries a tag
    assert all(_tag_balance(t) for t in tagged), [t for t in tagged if not _tag_balance(t)]
    # Control tags sit alone in their paragraph, as docxtpl needs.
    for p in docx.Document(str(path)).paragraphs:
        if "{%p" in p.text:
            assert is_control(p.text) and len(p.runs) == 1, p.text


def test_docxtpl_renders_a_built_template_that_still_passes(tmp_path: Path) -> None:
    template = DocxTemplate(str(build_template(tmp_path / "template.docx")))
    template.render(CONTEXT, autoescape=True)  # "TB&XH" must be escaped in the XML
    out = tmp_path / "rendered.docx"
    template.save(str(out))
    rendered = docx.Document(str(out))
    text = "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in rendered.element.body.iter(qn("w:p"))
    )
    assert "{{" not in text and "{%" not in text
    assert "Xã Mỹ Đông" in text and "- Sở Lao động – TB&XH;" in text
    assert len(rendered.tables[1].rows) == 1 + 2 + 1  # header, two units, total
    assert check_document(out) == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Ủy ban nhân dân", "ỦY BAN NHÂN DÂN"),
        ("{{ issuer.name }}", "{{ issuer.name }}"),
        ("ủy ban {{ x|upper }} huyện", "ỦY BAN {{ x|upper }} HUYỆN"),
        ("{%p for l in lines %}", "{%p for l in lines %}"),
    ],
)
def test_capitals_leave_tags_alone(given: str, expected: str) -> None:
    assert upper_outside_tags(given) == expected


def test_a_table_row_of_the_wrong_width_is_refused() -> None:
    doc = Decree30Document()
    with pytest.raises(TemplateError, match="3 cột"):
        doc.table([["A", "B", "C"]], [["1", "2"]], widths_mm=[20, 20, 20])


def test_control_refuses_text_that_is_not_a_tag() -> None:
    with pytest.raises(TemplateError):
        Decree30Document().control("{{ not_a_control }}")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_page_numbers_print_from_page_two_and_restart_for_the_annex(tmp_path: Path) -> None:
    doc = Decree30Document()
    doc.header_block(
        governing=[],
        issuer=ISSUER,
        number_line="Số: 05/KH-UBND",
        place_date="Tháp Mười, ngày 05 tháng 01 năm 2023",
    )
    doc.title("Kế hoạch", ["Tổ chức đối thoại"])
    for i in range(45):
        doc.paragraph(f"Đoạn thứ {i + 1} của nội dung kế hoạch, đủ dài để văn bản sang trang.")
    doc.paragraph("Kết thúc./.")
    doc.footer_block(recipients=["- Lưu: VT."], signature=["Chủ tịch"], signer_name="Trần Văn A")
    doc.section_break()
    doc.title(None, ["DANH SÁCH"], line=False)
    doc.centered("(Kèm theo Kế hoạch số 05/KH-UBND ngày 05 tháng 01 năm 2023)", italic=True)
    doc.paragraph("Nội dung phụ lục.")
    path = tmp_path / "long.docx"
    doc.save(path)
    assert check_document(path) == []
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = []
    for page in range(1, 5):
        result = subprocess.run(
            [
                "pdftotext",
                "-f",
                str(page),
                "-l",
                str(page),
                "-layout",
                str(tmp_path / "long.pdf"),
                "-",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            break
        pages.append([line.strip() for line in result.stdout.splitlines() if line.strip()])
    assert len(pages) >= 3
    assert pages[0][0].startswith("ỦY BAN")  # no number on page 1
    assert pages[1][0] == "2"
    annex = next(p for p in pages if p[0] == "DANH SÁCH")  # its first page carries no number
    assert re.match(r"^\(Kèm theo", annex[1])
