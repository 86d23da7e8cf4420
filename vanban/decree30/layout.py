"""Decree 30/2020/NĐ-CP layout: a builder of document skeletons with the decree's measurements.

The measurements themselves live in :mod:`vanban.decree30.spec`, which the checker reads too.

The builder writes every string it is given as one run of one paragraph (or one table cell), so a
Jinja tag such as ``{{ issuer.name }}`` or a ``{%p for ... %}`` control paragraph reaches docxtpl
whole: docxtpl cannot join a tag that Word-style formatting has split over several runs.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from vanban.decree30.ooxml import (
    ALIGNMENTS,
    CELL_MARGIN_MM,
    add_text,
    element,
    insert,
    is_control,
    restart_numbering,
    set_table_borders,
    set_table_widths,
    tiny_mark,
    top_rule,
    upper_outside_tags,
)
from vanban.decree30.spec import (
    A4_MM,
    BODY_INDENT_CM,
    BODY_LINE_SPACING,
    BODY_SPACE_MIN_PT,
    FONT_NAME,
    FOOTER_SPLIT,
    HEADER_SPLIT,
    ISSUER_LINE_RATIO,
    LANDSCAPE_MARGINS_MM,
    MARGINS_MM,
    QUOC_HIEU,
    RECIPIENTS_HEADING,
    SIGNATURE_SPACE_LINES,
    SIZES,
    TIEU_NGU,
    TITLE_LINE_RATIO,
)
from vanban.errors import TemplateError, TransientIOError

BODY_STYLE: Final = "Body"
RunFormat = Mapping[str, bool]  # keys: "bold", "italic", "underline"
# A paragraph straight after a bordered table: without space its first line touches the bottom
# rule (a "III. KINH PHÍ" heading read as part of the table).
SPACE_AFTER_TABLE_PT: Final = 6.0
# CT_TrPr's children in the Open XML SDK's order for them. python-docx's own sequence differs
# (cantSplit before trHeight, hidden last), so it cannot place them.
def set_row_flag(tr: BaseOxmlElement, name: str) -> None:
    """Give a row ``w:<name>`` (cantSplit, tblHeader) in ``w:trPr``, at its schema position.

    A missing ``w:trPr`` goes right after ``w:tblPrEx`` when the row has one, else first.
    """
    tr_pr = tr.find(qn("w:trPr"))
    if tr_pr is None:
        tr_pr = element("w:trPr")
        ex = tr.find(qn("w:tblPrEx"))
        tr.insert(0 if ex is None else tr.index(ex) + 1, tr_pr)
    insert(tr_pr, element(f"w:{name}"))


class Decree30Document:
    """A Decree-30 document under construction: page setup, styles, blocks, then ``save``."""

    def __init__(self, *, landscape: bool = False) -> None:
        self._doc: DocxDocument = docx.Document()
        self._landscape = landscape
        # Set by table(): the next paragraph that reaches the page gets SPACE_AFTER_TABLE_PT
        # before it (control paragraphs do not reach the page, so they leave it set).
        self._after_table = False
        self._setup_styles()
        self._setup_section()

    @property
    def document(self) -> DocxDocument:
        """The python-docx document, for what this builder does not cover."""
        return self._doc

    @property
    def text_width_mm(self) -> float:
        section = self._doc.sections[-1]
        width = section.page_width or Mm(A4_MM[0])
        return float(Emu(width - (section.left_margin or 0) - (section.right_margin or 0)).mm)

    # --- setup -----------------------------------------------------------------------------------

    def _setup_styles(self) -> None:
        styles = self._doc.styles
        doc_defaults = styles.element.find(qn("w:docDefaults"))
        assert doc_defaults is not None  # the python-docx template always has one
        r_pr = doc_defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:
            for tag in ("w:sz", "w:szCs"):
                for size_el in r_pr.iter(qn(tag)):
                    size_el.set(qn("w:val"), str(round(SIZES["body"] * 2)))
            for lang in r_pr.iter(qn("w:lang")):
                lang.set(qn("w:val"), "vi-VN")
        spacing = doc_defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
        if spacing is not None:
            for name, value in (("after", "0"), ("line", "240"), ("lineRule", "auto")):
                spacing.set(qn(f"w:{name}"), value)
        # Every style of the template, docDefaults included, is pinned to Times New Roman and
        # black: a clerk who later picks "Heading 1" in Word must not get the theme's Calibri.
        for r_pr_el in list(styles.element.iter(qn("w:rPr"))):
            parent = r_pr_el.getparent()
            if parent is None or parent.tag not in (qn("w:rPrDefault"), qn("w:style")):
                continue
            rfonts = r_pr_el.get_or_add_rFonts()
            rfonts.attrib.clear()
            for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
                rfonts.set(qn(f"w:{slot}"), FONT_NAME)
            r_pr_el.remove_all("w:color")
        normal = styles["Normal"]
        normal.font.name = FONT_NAME
        normal_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("cs", "eastAsia"):
            normal_fonts.set(qn(f"w:{slot}"), FONT_NAME)
        normal.font.size = Pt(SIZES["body"])
        normal.font.color.rgb = RGBColor(0, 0, 0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0

        body = styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        body.base_style = normal
        body.quick_style = True
        fmt = body.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Cm(BODY_INDENT_CM)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(BODY_SPACE_MIN_PT)
        fmt.line_spacing = BODY_LINE_SPACING

    def _setup_section(self) -> None:
        section = self._doc.sections[0]
        width, height = A4_MM
        margins = LANDSCAPE_MARGINS_MM if self._landscape else MARGINS_MM
        if self._landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
        section.page_width = Mm(width)
        section.page_height = Mm(height)
        section.top_margin = Mm(margins["top"])
        section.bottom_margin = Mm(margins["bottom"])
        section.left_margin = Mm(margins["left"])
        section.right_margin = Mm(margins["right"])
        section.gutter = Emu(0)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        # Decree 30: page numbers centred in the top margin, never on page 1; every document (and
        # every annex) counts its own pages from 1.
        section.different_first_page_header_footer = True
        restart_numbering(section._sectPr)
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._page_field(paragraph)
        first = section.first_page_header
        first.is_linked_to_previous = False
        first.paragraphs[0].text = ""

    @staticmethod
    def _page_field(paragraph: Paragraph) -> None:
        def run_with(child: BaseOxmlElement) -> None:
            run = paragraph.add_run()
            run.font.size = Pt(SIZES["page_number"])
            run._r.append(child)

        run_with(element("w:fldChar", fldCharType="begin"))
        instr = element("w:instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = " PAGE "
        run_with(instr)
        run_with(element("w:fldChar", fldCharType="end"))

    # --- paragraphs ------------------------------------------------------------------------------

    def _add_paragraph(self, style: str | None = None) -> Paragraph:
        """A new body-level paragraph; the first after a bordered table keeps a space from it."""
        paragraph = self._doc.add_paragraph(style=style)
        if self._after_table:
            self._after_table = False
            paragraph.paragraph_format.space_before = Pt(SPACE_AFTER_TABLE_PT)
        return paragraph

    def _cell_paragraph(self, cell: _Cell, first: list[bool]) -> Paragraph:
        """The cell's own empty paragraph the first time, a new one after that."""
        paragraph: Paragraph
        if first[0]:
            first[0] = False
            paragraph = cell.paragraphs[0]
        else:
            paragraph = cell.add_paragraph()
        return paragraph

    def _line(
        self,
        paragraph: Paragraph,
        text: str,
        *,
        size: float,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        caps: bool = False,
        align: str = "center",
    ) -> Paragraph:
        paragraph.alignment = ALIGNMENTS[align]
        if is_control(text):
            paragraph.add_run(text)
            return paragraph
        if caps:
            text = upper_outside_tags(text)
        add_text(
            paragraph, text, size=size, bold=bold, italic=italic, underline=underline, caps=caps
        )
        return paragraph

    def centered(
        self,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float = 14,
        space_after: float = 0,
    ) -> Paragraph:
        """A centred paragraph outside the body rules (annex titles, "(Kèm theo ...)" lines).

        Consecutive centred lines sit tight like a title; give the last one ``space_after=6``
        when a table follows.
        """
        paragraph = self._add_paragraph()
        paragraph.paragraph_format.space_after = Pt(space_after)
        return self._line(paragraph, text, size=size, bold=bold, italic=italic)

    def heading(self, text: str) -> Paragraph:
        """A body heading ("I. MỤC ĐÍCH – YÊU CẦU"): bold, justified and indented like the body."""
        return self.paragraph(runs=[(text, {"bold": True})])

    def paragraph(
        self, text: str = "", *, runs: Sequence[tuple[str, RunFormat]] | None = None
    ) -> Paragraph:
        """A body paragraph; ``runs`` mixes formats ("Kinh phí là " + a bold amount + ...)."""
        if is_control(text) and runs is None:
            # docxtpl removes it: the space after a table belongs to the paragraph after it.
            paragraph = self._doc.add_paragraph(style=BODY_STYLE)
            paragraph.add_run(text)
            return paragraph
        paragraph = self._add_paragraph(BODY_STYLE)
        for part, fmt in runs if runs is not None else [(text, {})]:
            add_text(
                paragraph,
                part,
                size=SIZES["body"],
                bold=fmt.get("bold", False),
                italic=fmt.get("italic", False),
                underline=fmt.get("underline", False),
            )
        return paragraph

    def control(self, tag: str) -> Paragraph:
        """A paragraph holding only a docxtpl control tag; docxtpl removes it when rendering."""
        if not is_control(tag):
            raise TemplateError(f'"{tag}" không phải thẻ điều khiển dạng {{%p ... %}}')
        paragraph = self._doc.add_paragraph()
        paragraph.add_run(tag)
        return paragraph

    def page_break(self) -> None:
        self._add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def section_break(self, *, landscape: bool | None = None, restart: bool = True) -> None:
        """End the current section on this page; what follows starts a new page and section.

        ``restart`` (the default) makes what follows a separate document or annex: pages counted
        from 1 and no number on its first page. ``restart=False`` continues the numbering, e.g. for
        a landscape stretch inside one document.
        """
        body_sect_pr = self._doc.element.body.get_or_add_sectPr()
        # The section's closing mark takes no space: what follows starts a new page anyway.
        self._after_table = False
        paragraph = self._doc.add_paragraph()
        # A full-size empty paragraph after a closing table can spill onto a blank page.
        tiny_mark(paragraph, 2)
        insert(paragraph._p.get_or_add_pPr(), copy.deepcopy(body_sect_pr))
        section = self._doc.sections[-1]
        if landscape is not None and landscape != self._landscape:
            self._landscape = landscape
            width, height = A4_MM
            margins = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
            if landscape:
                width, height = height, width
            section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(width), Mm(height)
            section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
            section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
        section.different_first_page_header_footer = restart
        if restart:
            restart_numbering(section._sectPr)
        else:
            section._sectPr.remove_all("w:pgNumType")

    # --- blocks ----------------------------------------------------------------------------------

    def _layout_table(self, rows: int, widths_mm: Sequence[float]) -> Table:
        self._after_table = False  # a layout block has its own spacing above its first line
        table: Table = self._doc.add_table(rows=rows, cols=len(widths_mm))
        # A header or signature block cut by a page end reads as two blocks (the signer's name
        # alone on the next page): its rows never split.
        for row in table.rows:
            set_row_flag(row._tr, "cantSplit")
        set_table_borders(table, "nil")
        margins = element("w:tblCellMar")
        for side in ("left", "right"):
            margins.append(element(f"w:{side}", w=str(Mm(CELL_MARGIN_MM).twips), type="dxa"))
        insert(table._tbl.tblPr, margins)
        set_table_widths(table, widths_mm)
        return table

    def header_block(
        self, *, governing: Sequence[str], issuer: Sequence[str], number_line: str, place_date: str
    ) -> None:
        """The first-page two-column block: issuing body and number | national title and date."""
        width = self.text_width_mm
        left_w, right_w = width * HEADER_SPLIT, width * (1 - HEADER_SPLIT)
        table = self._layout_table(2, (left_w, right_w))
        left, right = table.cell(0, 0), table.cell(0, 1)
        first = [True]
        for text in governing:
            self._line(self._cell_paragraph(left, first), text, size=SIZES["governing"], caps=True)
        for text in issuer:
            self._line(
                self._cell_paragraph(left, first),
                text,
                size=SIZES["issuer"],
                bold=True,
                caps=True,
            )
        line_len = left_w * ISSUER_LINE_RATIO
        indent = (left_w - 2 * CELL_MARGIN_MM - line_len) / 2
        top_rule(self._cell_paragraph(left, first), indent)
        first = [True]
        self._line(
            self._cell_paragraph(right, first), QUOC_HIEU, size=SIZES["quoc_hieu"], bold=True
        )
        self._line(
            self._cell_paragraph(right, first),
            TIEU_NGU,
            size=SIZES["tieu_ngu"],
            bold=True,
            underline=True,
        )
        # "Số:" and the place-and-date line share the second row so they stand on one line
        # whatever the number of issuer lines above.
        number = self._line(table.cell(1, 0).paragraphs[0], number_line, size=SIZES["number_line"])
        date = self._line(
            table.cell(1, 1).paragraphs[0], place_date, size=SIZES["place_date"], italic=True
        )
        for paragraph in (number, date):
            paragraph.paragraph_format.space_before = Pt(6)

    def title(self, type_name: str | None, summary: Sequence[str], *, line: bool = True) -> None:
        """The centred type name and summary lines, with the short line under them."""
        lines: list[tuple[str, bool]] = []
        if type_name is not None:
            lines.append((type_name, True))
        lines += [(text, False) for text in summary]
        for index, (text, caps) in enumerate(lines):
            paragraph = self._line(
                self._add_paragraph(), text, size=SIZES["title"], bold=True, caps=caps
            )
            if index == 0:
                paragraph.paragraph_format.space_before = Pt(12)
        if line:
            width = self.text_width_mm
            top_rule(self._add_paragraph(), width * (1 - TITLE_LINE_RATIO) / 2, space_after=6)

    def table(
        self,
        header_rows: Sequence[Sequence[str]],
        body_rows: Sequence[Sequence[str]],
        *,
        widths_mm: Sequence[float],
        merges: Sequence[tuple[int, int, int, int]] = (),
        bold_rows: Sequence[int] = (),
        aligns: Sequence[str] | None = None,
        size: float | None = None,
    ) -> Table:
        """A bordered grid table in 13 pt with a bold centred header that repeats on every page.

        No row splits across pages (a row's last line alone at the top of the next page reads as
        a row of its own); the paragraph before it keeps with it, and the next paragraph added
        gets ``SPACE_AFTER_TABLE_PT`` before it.

        A body row whose first cell is a docxtpl row tag ("{%tr for u in units %}") is written as
        a control row: the tag alone in the first cell, the other cells empty. ``merges`` are
        (row, col, row2, col2) rectangles counted over header rows then body rows as written (a
        "Tổng cộng" row may merge its first two cells); the top-left cell keeps the text.
        ``bold_rows`` index ``body_rows`` (a total line); ``aligns`` gives "left", "center",
        "right" or "justify" per column for body rows (default centre).
        """
        cols = len(widths_mm)
        aligns = list(aligns) if aligns is not None else ["center"] * cols
        if len(aligns) != cols:
            raise TemplateError(f"Bảng có {cols} cột nhưng {len(aligns)} cách căn lề")
        rows = [*header_rows, *body_rows]
        for row in rows:
            if len(row) != cols and not (row and is_control(row[0])):
                raise TemplateError(f"Bảng có {cols} cột nhưng một hàng có {len(row)} ô: {row!r}")
        self._keep_with_table()
        table: Table = self._doc.add_table(rows=len(rows), cols=cols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_table_borders(table, "single")
        set_table_widths(table, widths_mm)
        covered: set[tuple[int, int]] = set()
        for r, c, r2, c2 in merges:
            table.cell(r, c).merge(table.cell(r2, c2))
            covered |= {(i, j) for i in range(r, r2 + 1) for j in range(c, c2 + 1)} - {(r, c)}
        for r, row in enumerate(rows):
            header = r < len(header_rows)
            # A {%tr %} control row gets it too: harmless, docxtpl removes the row.
            set_row_flag(table.rows[r]._tr, "cantSplit")
            if header:
                set_row_flag(table.rows[r]._tr, "tblHeader")
            if row and is_control(row[0]):
                table.cell(r, 0).paragraphs[0].add_run(row[0])
                continue
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                cell = table.cell(r, c)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                bold = header or (r - len(header_rows)) in bold_rows
                self._cell_text(
                    cell, text, bold=bold, align="center" if header else aligns[c], size=size
                )
        self._after_table = True
        return table

    def _keep_with_table(self) -> None:
        """Keep the paragraph just before a table (its heading, its "... như sau:") with it.

        Rows never split, so a row that does not fit moves whole to the next page, and without
        this the line that introduces the table could stay behind alone at the foot of the page.
        Only a text paragraph: after a ``{%p endfor %}`` every paragraph of the loop would keep
        with the next, and a section's closing mark already ends its page.
        """
        body = self._doc.element.body
        blocks = [el for el in body if el.tag in (qn("w:p"), qn("w:tbl"))]
        if not blocks or blocks[-1].tag != qn("w:p"):
            return
        paragraph = Paragraph(blocks[-1], self._doc._body)
        p_pr = blocks[-1].pPr
        if is_control(paragraph.text) or (p_pr is not None and p_pr.sectPr is not None):
            return
        paragraph.paragraph_format.keep_with_next = True

    def _cell_text(
        self, cell: _Cell, text: str, *, bold: bool, align: str, size: float | None = None
    ) -> None:
        first = [True]
        for line in text.split("\n"):
            paragraph = self._line(
                self._cell_paragraph(cell, first),
                line,
                size=size or SIZES["table"],
                bold=bold,
                align=align,
            )
            paragraph.paragraph_format.space_before = Pt(2)
            paragraph.paragraph_format.space_after = Pt(2)

    def footer_block(
        self,
        *,
        recipients: Sequence[str],
        signature: Sequence[str],
        signer_name: str,
        recipients_heading: str = RECIPIENTS_HEADING,
    ) -> None:
        """The closing two-column block: "Nơi nhận:" and its list | authority, space, signer."""
        width = self.text_width_mm
        table = self._layout_table(1, (width * FOOTER_SPLIT, width * (1 - FOOTER_SPLIT)))
        left, right = table.cell(0, 0), table.cell(0, 1)
        first = [True]
        heading = self._line(
            self._cell_paragraph(left, first),
            recipients_heading,
            size=SIZES["recipients_heading"],
            bold=True,
            italic=True,
            align="left",
        )
        heading.paragraph_format.space_before = Pt(12)
        for text in recipients:
            self._line(
                self._cell_paragraph(left, first), text, size=SIZES["recipients"], align="left"
            )
        first = [True]
        for index, text in enumerate(signature):
            paragraph = self._line(
                self._cell_paragraph(right, first),
                text,
                size=SIZES["signature"],
                bold=True,
                caps=True,
            )
            if index == 0:
                paragraph.paragraph_format.space_before = Pt(12)
        for _ in range(SIGNATURE_SPACE_LINES):
            self._cell_paragraph(right, first).alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._line(
            self._cell_paragraph(right, first), signer_name, size=SIZES["signature"], bold=True
        )

    def save(self, path: Path | str) -> None:
        body = self._doc.element.body
        blocks = [el for el in body if el.tag in (qn("w:p"), qn("w:tbl"))]
        if blocks and blocks[-1].tag == qn("w:tbl"):
            # Word wants a paragraph after a closing table; keep it tiny so it adds no page.
            tiny_mark(self._doc.add_paragraph(), 2)
        try:
            self._doc.save(str(path))
        except OSError as exc:
            raise TransientIOError(f"Không ghi được tệp {path}: {exc}") from exc
