"""The Decree-30 checker: good documents broken by one hand edit, each caught by its rule."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from tests.docfactory import build_invitations, build_plan
from vanban.decree30.checker import Finding, check_document, check_folder
from vanban.errors import InputError

Mutation = Callable[[DocxDocument], None]


def paragraphs(doc: DocxDocument) -> list[Paragraph]:
    """Every paragraph of the body, table cells included, in document order."""
    return [Paragraph(p, doc._body) for p in doc.element.body.iter(qn("w:p"))]


def para(doc: DocxDocument, start: str) -> Paragraph:
    return next(p for p in paragraphs(doc) if p.text.strip().startswith(start))


def set_text(paragraph: Paragraph, text: str) -> None:
    """Replace the paragraph's text, keeping the first run's format."""
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def remove(paragraph: Paragraph) -> None:
    paragraph._p.getparent().remove(paragraph._p)


def each_run(start: str, **fmt: object) -> Mutation:
    def mutate(doc: DocxDocument) -> None:
        for run in para(doc, start).runs:
            for name, value in fmt.items():
                setattr(run.font, name, value)

    return mutate


def text_of(start: str, text: str) -> Mutation:
    return lambda doc: set_text(para(doc, start), text)


def rule_paragraph(doc: DocxDocument, *, in_header: bool) -> Paragraph:
    candidates: list[Paragraph]
    if in_header:
        candidates = doc.tables[0].cell(0, 0).paragraphs
    else:
        candidates = [p for p in paragraphs(doc) if p._p.getparent() is doc.element.body]
    return next(p for p in candidates if p._p.xpath("./w:pPr/w:pBdr") and not p.text)


def issuer_missing(doc: DocxDocument) -> None:
    for p in doc.tables[0].cell(0, 0).paragraphs:
        if p.text.strip():
            remove(p)


def no_page_field(doc: DocxDocument) -> None:
    for p in doc.sections[0].header.paragraphs:
        for run in p.runs:
            run._r.getparent().remove(run._r)


def page_on_first_page_header(doc: DocxDocument) -> None:
    first = doc.sections[0].first_page_header.paragraphs[0]
    for run in doc.sections[0].header.paragraphs[0].runs:
        first._p.append(copy.deepcopy(run._r))


def page_number_left(doc: DocxDocument) -> None:
    doc.sections[0].header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT


def header_with_borders(doc: DocxDocument) -> None:
    borders = doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    for edge in borders:
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")


def merge_sections(doc: DocxDocument) -> None:
    """Turn the section break between two parts into nothing: one section for both."""
    sect_pr = doc.element.body.xpath("./w:p/w:pPr/w:sectPr")[0]
    sect_pr.getparent().remove(sect_pr)


def theme_font(doc: DocxDocument) -> None:
    """Word's own default: Normal names no font, docDefaults point at the theme (Calibri)."""
    styles = doc.styles.element
    normal = styles.xpath("./w:style[@w:styleId='Normal']/w:rPr/w:rFonts")[0]
    normal.getparent().remove(normal)
    fonts = styles.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    fonts.attrib.clear()
    fonts.set(qn("w:asciiTheme"), "minorHAnsi")
    fonts.set(qn("w:hAnsiTheme"), "minorHAnsi")


def annex_without_kem_theo(doc: DocxDocument) -> None:
    remove(para(doc, "(Kèm theo"))


def set_attr(start: str, **fmt: object) -> Mutation:
    def mutate(doc: DocxDocument) -> None:
        fmt_obj = para(doc, start).paragraph_format
        for name, value in fmt.items():
            setattr(fmt_obj, name, value)

    return mutate


def join_with_breaks(start: str, count: int) -> Mutation:
    """Shift+Enter instead of Enter: the next ``count`` paragraphs become lines of the first."""

    def mutate(doc: DocxDocument) -> None:
        first = para(doc, start)
        siblings = list(first._p.itersiblings(qn("w:p")))[:count]
        for p in siblings:
            first.add_run().add_break()
            for run in p.findall(qn("w:r")):
                first._p.append(run)
            p.getparent().remove(p)

    return mutate


def letter_paper(doc: DocxDocument) -> None:
    doc.sections[0].page_width = Inches(8.5)
    doc.sections[0].page_height = Inches(11)


def red_run(doc: DocxDocument) -> None:
    para(doc, "Kinh phí thực hiện").runs[1].font.color.rgb = RGBColor(0xFF, 0, 0)


def body_date(doc: DocxDocument) -> None:
    para(doc, "Kinh phí thực hiện").runs[2].text = " được phân bổ ngày 5 tháng 03 năm 2023."


def body_style(**fmt: object) -> Mutation:
    def mutate(doc: DocxDocument) -> None:
        for name, value in fmt.items():
            setattr(doc.styles["Body"].paragraph_format, name, value)

    return mutate


PLAN, INVITATIONS = "plan", "invitations"
CASES: list[tuple[str, str, Mutation, set[str]]] = [
    # (case, base document, one hand edit, the rules that must fire - and no others)
    (
        "font-one-run",
        PLAN,
        lambda d: setattr(para(d, "Kinh phí").runs[1].font, "name", "Arial"),
        {"font.name"},
    ),
    (
        "font-normal-style",
        PLAN,
        lambda d: setattr(d.styles["Normal"].font, "name", "Arial"),
        {"font.name"},
    ),
    ("font-from-theme", PLAN, theme_font, {"font.name"}),
    ("font-red", PLAN, red_run, {"font.color"}),
    (
        "left-margin-25mm",
        PLAN,
        lambda d: setattr(d.sections[0], "left_margin", Mm(25)),
        {"margin.left"},
    ),
    (
        "letter-paper",
        PLAN,
        letter_paper,
        {"page.a4"},
    ),
    ("quoc-hieu-16pt", PLAN, each_run("CỘNG HÒA", size=Pt(16)), {"quoc_hieu.size"}),
    ("quoc-hieu-not-bold", PLAN, each_run("CỘNG HÒA", bold=False), {"quoc_hieu.bold"}),
    ("tieu-ngu-not-underlined", PLAN, each_run("Độc lập", underline=False), {"tieu_ngu.underline"}),
    ("motto-after-a-line-break-is-fine", PLAN, join_with_breaks("CỘNG HÒA", 1), set()),
    ("recipients-as-line-breaks-are-fine", PLAN, join_with_breaks("Nơi nhận", 4), set()),
    ("signature-as-line-breaks-is-fine", PLAN, join_with_breaks("TM. ỦY BAN", 2), set()),
    ("header-borders", PLAN, header_with_borders, {"header.borders"}),
    (
        "issuer-line-missing",
        PLAN,
        lambda d: remove(rule_paragraph(d, in_header=True)),
        {"issuer.line"},
    ),
    ("issuer-missing", PLAN, issuer_missing, {"issuer.missing"}),
    ("number-unpadded", PLAN, text_of("Số:", "Số: 5/KH-UBND"), {"number_line.padding"}),
    ("number-spaces", PLAN, text_of("Số:", "Số: 05 / KH-UBND"), {"number_line.format"}),
    ("number-italic", PLAN, each_run("Số:", italic=True), {"number_line.italic"}),
    ("number-type-mismatch", PLAN, text_of("Số:", "Số: 6662/GM-UBND"), {"title.type"}),
    (
        "day-unpadded",
        PLAN,
        text_of("Tháp Mười, ngày", "Tháp Mười, ngày 2 tháng 11 năm 2022"),
        {"place_date.padding"},
    ),
    (
        "month-3-padded",
        PLAN,
        text_of("Tháp Mười, ngày", "Tháp Mười, ngày 02 tháng 03 năm 2022"),
        {"place_date.padding"},
    ),
    (
        "month-1-unpadded",
        PLAN,
        text_of("Tháp Mười, ngày", "Tháp Mười, ngày 02 tháng 1 năm 2022"),
        {"place_date.padding"},
    ),
    ("place-date-upright", PLAN, each_run("Tháp Mười, ngày", italic=False), {"place_date.italic"}),
    ("title-not-bold", PLAN, each_run("KẾ HOẠCH", bold=False), {"title.bold"}),
    ("summary-not-bold", PLAN, each_run("Thực hiện đối thoại", bold=False), {"summary.bold"}),
    (
        "title-line-missing",
        PLAN,
        lambda d: remove(rule_paragraph(d, in_header=False)),
        {"title.line"},
    ),
    ("no-page-field", PLAN, no_page_field, {"page_number.missing"}),
    (
        "page-number-on-page-1",
        PLAN,
        lambda d: setattr(d.sections[0], "different_first_page_header_footer", False),
        {"page_number.first_page"},
    ),
    ("page-field-in-first-header", PLAN, page_on_first_page_header, {"page_number.first_page"}),
    ("page-number-left", PLAN, page_number_left, {"page_number.align"}),
    (
        "body-style-not-justified",
        PLAN,
        body_style(alignment=WD_ALIGN_PARAGRAPH.LEFT),
        {"body.justify"},
    ),
    (
        "body-paragraph-centred-is-exempt-but-left-is-not",
        PLAN,
        set_attr("Kinh phí thực hiện", alignment=WD_ALIGN_PARAGRAPH.LEFT),
        {"body.justify"},
    ),
    ("indent-2cm", PLAN, set_attr("Kinh phí thực hiện", first_line_indent=Cm(2)), {"body.indent"}),
    (
        "line-spacing-2",
        PLAN,
        set_attr("Kinh phí thực hiện", line_spacing=2.0),
        {"body.line_spacing"},
    ),
    ("no-paragraph-spacing", PLAN, body_style(space_after=Pt(0)), {"body.spacing"}),
    (
        "body-12pt",
        PLAN,
        lambda d: setattr(para(d, "Kinh phí").runs[0].font, "size", Pt(12)),
        {"body.size"},
    ),
    ("body-date-padding", PLAN, body_date, {"date.padding"}),
    (
        "body-not-ending",
        PLAN,
        text_of("Trong quá trình", "Trong quá trình thực hiện có vướng mắc thì báo cáo."),
        {"body.end"},
    ),
    ("noi-nhan-upright", PLAN, each_run("Nơi nhận", italic=False), {"recipients.heading"}),
    (
        "recipient-without-semicolon",
        PLAN,
        text_of("- TT.Huyện ủy", "- TT.Huyện ủy"),
        {"recipients.format"},
    ),
    ("recipient-12pt", PLAN, each_run("- TT.Huyện ủy", size=Pt(12)), {"recipients.size"}),
    (
        "last-recipient-not-luu",
        PLAN,
        text_of("- Lưu:", "- Lưu: VT, NCVX(Sang);"),
        {"recipients.last"},
    ),
    ("signer-name-missing", PLAN, lambda d: remove(para(d, "Nguyễn Văn Hiệp")), {"signature.name"}),
    ("signature-not-bold", PLAN, each_run("TM. ỦY BAN", bold=False), {"signature.bold"}),
    ("kem-theo-upright", PLAN, each_run("(Kèm theo", italic=False), {"annex.kem_theo"}),
    ("kem-theo-missing", PLAN, annex_without_kem_theo, {"annex.kem_theo"}),
    ("annex-shares-the-plan-section", PLAN, merge_sections, {"annex.page_number"}),
    ("second-invitation-after-a-page-break", INVITATIONS, merge_sections, {"page_number.restart"}),
]


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bases")
    return {
        PLAN: build_plan(folder / "plan.docx"),
        INVITATIONS: build_invitations(folder / "invitations.docx"),
    }


def test_the_good_documents_have_no_findings(bases: dict[str, Path]) -> None:
    for path in bases.values():
        assert check_document(path) == []


@pytest.mark.parametrize(
    ("base", "mutate", "rules"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_one_hand_edit_is_caught_by_its_rule(
    bases: dict[str, Path], tmp_path: Path, base: str, mutate: Mutation, rules: set[str]
) -> None:
    doc = docx.Document(str(bases[base]))
    mutate(doc)
    path = tmp_path / "broken.docx"
    doc.save(str(path))
    findings = check_document(path)
    assert {f.rule for f in findings} == rules, [str(f) for f in findings]
    assert all(f.message and f.where for f in findings)


def test_a_message_says_what_was_found_and_what_is_needed(
    bases: dict[str, Path], tmp_path: Path
) -> None:
    doc = docx.Document(str(bases[PLAN]))
    doc.sections[0].left_margin = Mm(25)
    para(doc, "Số:").runs[0].text = "Số: 5/KH-UBND"
    doc.save(str(tmp_path / "bad.docx"))
    findings = check_document(tmp_path / "bad.docx")
    assert Finding("margin.left", "Lề trái 25 mm, cần 30–35 mm", "section 1") in findings
    number = next(f for f in findings if f.rule == "number_line.padding")
    assert number.message == 'Số "5" cần viết "05" (số dưới 10 có số 0 đứng trước)'
    assert number.where.endswith('"Số: 5/KH-UBND"')


def test_a_style_wide_fault_is_reported_once_with_a_count(
    bases: dict[str, Path], tmp_path: Path
) -> None:
    doc = docx.Document(str(bases[PLAN]))
    doc.styles["Normal"].font.name = "Arial"
    doc.save(str(tmp_path / "arial.docx"))
    (finding,) = check_document(tmp_path / "arial.docx")
    assert finding.message == 'Phông chữ "Arial" (kiểu "Normal"), cần "Times New Roman"'
    assert "chỗ khác" in finding.where


@pytest.mark.parametrize(
    ("line", "rules"),
    [
        ("Số: 05/KH-UBND", set()),
        ("Số: 6662/KH-UBND", set()),
        ("Số: 12/UBND-VX", set()),  # a letter's symbol names no type: no title is demanded
        ("Số:      /KH-UBND", set()),  # a draft: the records office writes the number
        ("Số: 010/KH-UBND", {"number_line.padding"}),
        ("Số: 05/KH - UBND", {"number_line.format"}),
        ("Số:05/KH-UBND", {"number_line.format"}),
        ("Số 05/KH-UBND", {"number_line.format"}),
    ],
)
def test_number_line_formats(
    bases: dict[str, Path], tmp_path: Path, line: str, rules: set[str]
) -> None:
    doc = docx.Document(str(bases[PLAN]))
    set_text(para(doc, "Số"), line)
    doc.save(str(tmp_path / "n.docx"))
    assert {f.rule for f in check_document(tmp_path / "n.docx")} == rules


@pytest.mark.parametrize(
    ("date", "rules"),
    [
        ("ngày 05 tháng 01 năm 2023", set()),
        ("ngày 09 tháng 02 năm 2023", set()),
        ("ngày 15 tháng 3 năm 2022", set()),
        ("ngày 31 tháng 12 năm 2022", set()),
        ("ngày      tháng 11 năm 2022", set()),  # a draft dated at signing
        ("ngày 010 tháng 11 năm 2022", {"place_date.padding"}),
        ("ngày 30 tháng 02 năm 2023", {"place_date.format"}),
        ("Ngày 02 tháng 11 năm 2022", {"place_date.format"}),
    ],
)
def test_place_date_formats(
    bases: dict[str, Path], tmp_path: Path, date: str, rules: set[str]
) -> None:
    doc = docx.Document(str(bases[PLAN]))
    set_text(para(doc, "Tháp Mười, ngày"), f"Tháp Mười, {date}")
    doc.save(str(tmp_path / "d.docx"))
    assert {f.rule for f in check_document(tmp_path / "d.docx")} == rules


def test_check_folder_skips_lock_files_and_history_and_reports_broken_files(
    bases: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "sub" / ".history").mkdir(parents=True)
    good = tmp_path / "sub" / "b-good.docx"
    good.write_bytes(bases[PLAN].read_bytes())
    bad = tmp_path / "a-bad.docx"
    doc = docx.Document(str(bases[PLAN]))
    doc.sections[0].left_margin = Mm(25)
    doc.save(str(bad))
    (tmp_path / "~$a-bad.docx").write_bytes(b"lock")
    (tmp_path / "sub" / ".history" / "old.docx").write_bytes(b"old")
    (tmp_path / "c-broken.docx").write_bytes(b"not a zip")
    results = check_folder(tmp_path)
    assert list(results) == [bad, tmp_path / "c-broken.docx", good]
    assert [f.rule for f in results[bad]] == ["margin.left"]
    assert [f.rule for f in results[tmp_path / "c-broken.docx"]] == ["file.unreadable"]
    assert results[good] == []


def test_check_document_refuses_a_file_that_is_not_docx(tmp_path: Path) -> None:
    (tmp_path / "x.docx").write_text("plain text", encoding="utf-8")
    with pytest.raises(InputError, match="không phải tệp Word"):
        check_document(tmp_path / "x.docx")


def test_a_document_without_the_national_title_is_caught(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("Một văn bản không có khối tiêu đề.")
    doc.save(str(tmp_path / "bare.docx"))
    rules = {f.rule for f in check_document(tmp_path / "bare.docx")}
    assert {"quoc_hieu.missing", "page.a4", "margin.right", "page_number.missing"} <= rules
    assert "font.name" in rules  # the default template's Calibri comes from the theme
