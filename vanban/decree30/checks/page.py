"""Decree 30 checks of the page: paper size, margins, and page numbers in the page header."""

from __future__ import annotations

import re

from docx.oxml.ns import qn

from vanban.decree30.checks.base import CheckerBase, fmt_number, fmt_range
from vanban.decree30.docparts import Part
from vanban.decree30.docxprops import (
    W_TBL,
    El,
    Line,
    is_on,
    owning_paragraph,
    paragraph_runs,
    paragraph_text,
    run_text,
)
from vanban.decree30.spec import A4_MM, MARGIN_RANGES_MM

_PAGE_FIELD_RE = re.compile(r"^\s*PAGE\b")
_MM_TOLERANCE = 0.2  # twips rounding: "3 cm" typed in Word is stored as 30.005 mm


def _within(value: float, low: float, high: float) -> bool:
    return low - _MM_TOLERANCE <= value <= high + _MM_TOLERANCE


class PageChecks(CheckerBase):
    """Paper size and margins of every section; page numbers in each section's header."""

    # --- page setup ------------------------------------------------------------------------------

    def check_sections(self) -> None:
        for index, section in enumerate(self.sections, 1):
            where = f"section {index}"
            width = section.page_width.mm if section.page_width else 215.9  # Word's Letter
            height = section.page_height.mm if section.page_height else 279.4
            short, long_ = sorted((width, height))
            if abs(short - A4_MM[0]) > 1 or abs(long_ - A4_MM[1]) > 1:
                self.add(
                    "page.a4",
                    f"Khổ giấy {fmt_number(width)} × {fmt_number(height)} mm, "
                    "cần A4 (210 × 297 mm)",
                    where,
                )
            gutter = section.gutter.mm if section.gutter else 0.0
            found = {
                "top": section.top_margin.mm if section.top_margin is not None else 25.4,
                "bottom": section.bottom_margin.mm if section.bottom_margin is not None else 25.4,
                "left": (section.left_margin.mm if section.left_margin is not None else 31.75)
                + gutter,
                "right": section.right_margin.mm if section.right_margin is not None else 31.75,
            }
            r = MARGIN_RANGES_MM
            choices = [dict(r)]
            if width > height:
                # A landscape page may keep the portrait margins or turn them with the page (the
                # binding margin at the top), which is what Word does; clerks do both.
                choices.append(
                    {"top": r["left"], "bottom": r["right"], "left": r["top"], "right": r["bottom"]}
                )
            misses = [
                [
                    (side, lo, hi)
                    for side, (lo, hi) in ranges.items()
                    if not _within(found[side], lo, hi)
                ]
                for ranges in choices
            ]
            names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
            for side, low, high in min(misses, key=len):
                self.add(
                    f"margin.{side}",
                    f"Lề {names[side]} {fmt_number(found[side])} mm, "
                    f"cần {fmt_range(low, high, 'mm')}",
                    where,
                )

    # --- page numbers ----------------------------------------------------------------------------

    def header_part(self, section: int, kind: str) -> El:
        for sect_pr in reversed(self.sect_prs[: section + 1]):
            for ref in sect_pr.findall(qn("w:headerReference")):
                if (ref.get(qn("w:type")) or "default") == kind:
                    return self.doc.part.related_parts[ref.get(qn("r:id"))].element
        return None

    @staticmethod
    def page_fields(part: El) -> list[El]:
        if part is None:
            return []
        found = [
            owning_paragraph(el) if el.tag == qn("w:instrText") else el.getparent()
            for el in part.iter(qn("w:instrText"), qn("w:fldSimple"))
            if _PAGE_FIELD_RE.match(
                el.text if el.tag == qn("w:instrText") else el.get(qn("w:instr")) or ""
            )
        ]
        return [p for p in found if p is not None]

    def check_page_numbers(self, parts: list[Part]) -> None:
        starts = {part.section for part in parts}
        # A section with nothing printed in it (the break after the last table) has no pages.
        used = {s for el, s in self.blocks if el.tag == W_TBL or paragraph_text(el).strip()}
        even = is_on(self.doc.settings.element.find(qn("w:evenAndOddHeaders")))
        for index, sect_pr in enumerate(self.sect_prs):
            if index not in used:
                continue
            where = f"section {index + 1} (đầu trang)"
            kinds = ["default", "even"] if even else ["default"]
            for kind in kinds:
                fields = self.page_fields(self.header_part(index, kind))
                if not fields:
                    self.add(
                        "page_number.missing", "Đầu trang không có số trang (trường PAGE)", where
                    )
                for p in fields:
                    if self.props.align(p) != "center":
                        self.add("page_number.align", "Số trang cần căn giữa đầu trang", where)
                    runs = [
                        r
                        for r in paragraph_runs(p)
                        if r.find(qn("w:fldChar")) is not None
                        or r.find(qn("w:instrText")) is not None
                        or run_text(r).strip()
                    ]
                    line = Line(p, "", runs)
                    self.check_size(
                        line, "page_number.size", "page_number", where=where, solid=False
                    )
            title_pg = is_on(sect_pr.find(qn("w:titlePg")))
            if index in starts:
                if not title_pg or self.page_fields(self.header_part(index, "first")):
                    self.add(
                        "page_number.first_page",
                        'Trang đầu không được hiện số trang: cần bật "Trang đầu khác" '
                        "(Different First Page) với đầu trang đầu để trống",
                        where,
                    )
                restart = sect_pr.find(qn("w:pgNumType"))
                start = restart.get(qn("w:start")) if restart is not None else None
                if (index and start != "1") or (not index and start not in (None, "1")):
                    self.add("page_number.restart", "Số trang của văn bản cần bắt đầu từ 1", where)
            elif title_pg:
                self.add(
                    "page_number.first_page",
                    "Section tiếp nối của cùng văn bản không được ẩn số trang ở trang đầu section",
                    where,
                )
