"""The small OOXML edits the Decree 30 builder makes that python-docx has no API for.

Borders, table widths, a tiny paragraph mark, a short rule, page-number restarts, and the one
way text goes into a paragraph: one run per string, so a Jinja tag reaches docxtpl whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import MappingProxyType
from typing import Final

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from vanban.wordml import insert_at

_TAG_RE: Final = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})")
_CONTROL_RE: Final = re.compile(r"^\s*\{%(p|tr|tc|r)\s.*%\}\s*$", re.DOTALL)
ALIGNMENTS: Final = MappingProxyType(
    {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }
)
# Layout tables pad their cells by 1 mm instead of Word's 1.9 mm, so the national title (about
# 98 mm in 13 pt bold) fits on one line in the right column of a 165 mm text width.
CELL_MARGIN_MM: Final = 1.0


def is_control(text: str) -> bool:
    """True for a string that is a whole docxtpl control tag ({%p ...%}, {%tr ...%}, ...)."""
    return bool(_CONTROL_RE.match(text))


def upper_outside_tags(text: str) -> str:
    """Capitalise literal text but leave Jinja tags alone ("{{ x }}" must not become "{{ X }}")."""
    return "".join(
        part if _TAG_RE.fullmatch(part) else part.upper() for part in _TAG_RE.split(text)
    )


def add_text(
    paragraph: Paragraph,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    caps: bool = False,
) -> None:
    """Append ``text`` to ``paragraph`` as one run in the given format (a tag is never split)."""
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if underline:
        run.font.underline = True
    if caps:
        # Shown in capitals even when a tag renders lower-case data; the literal text is also
        # upper-cased so the file's text reads the same as the page.
        run.font.all_caps = True


def insert(parent: BaseOxmlElement, child: BaseOxmlElement) -> None:
    """Put ``child`` where the schema wants it in ``parent``, replacing one of the same tag."""
    insert_at(parent, child)


def element(tag: str, **attrs: str) -> BaseOxmlElement:
    el: BaseOxmlElement = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def borders(tag: str, edges: Sequence[str], val: str) -> BaseOxmlElement:
    box = element(tag)
    for edge in edges:
        if val in ("nil", "none"):
            box.append(element(f"w:{edge}", val=val))
        else:
            box.append(element(f"w:{edge}", val=val, sz="4", space="0", color="auto"))
    return box


def set_table_borders(table: Table, val: str) -> None:
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    insert(table._tbl.tblPr, borders("w:tblBorders", edges, val))


def set_table_widths(table: Table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    total = sum(Mm(w).twips for w in widths_mm)
    insert(tbl_pr, element("w:tblW", w=str(total), type="dxa"))
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        grid_col.w = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def tiny_mark(paragraph: Paragraph, half_points: int) -> None:
    """Shrink an empty paragraph to the height of its paragraph mark."""
    mark = element("w:rPr")
    mark.append(element("w:sz", val=str(half_points)))
    insert(paragraph._p.get_or_add_pPr(), mark)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)


def top_rule(paragraph: Paragraph, indent_mm: float, *, space_after: float = 0) -> None:
    """Make an empty paragraph into a short solid line: a top border between equal indents."""
    p_pr = paragraph._p.get_or_add_pPr()
    insert(p_pr, borders("w:pBdr", ("top",), "single"))
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(indent_mm)
    fmt.right_indent = Mm(indent_mm)
    fmt.first_line_indent = Emu(0)
    tiny_mark(paragraph, 8)
    # Without a little space the rule touches the descenders of the line above.
    fmt.space_before = Pt(3)
    fmt.space_after = Pt(space_after)


def restart_numbering(sect_pr: BaseOxmlElement) -> None:
    insert(sect_pr, element("w:pgNumType", start="1"))
