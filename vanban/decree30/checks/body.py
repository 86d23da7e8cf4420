"""Decree 30 checks of the text: body paragraphs, and the font, colour and dates of every line.

A body paragraph is justified, indented on its first line, spaced from its neighbours and set in
body size with line spacing from single to 1.5. Font and colour apply everywhere, page headers
and footers included; dates written out in words follow the same padding as the date line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from vanban.decree30.checks.base import CheckerBase, fmt_number, fmt_range
from vanban.decree30.docparts import Part
from vanban.decree30.docxprops import (
    W_P,
    El,
    clean,
    is_control,
    is_on,
    is_on_value,
    norm,
    paragraph_runs,
    paragraph_text,
    run_text,
    solid_runs,
    text_runs,
    whole_line,
)
from vanban.decree30.spec import (
    BODY_INDENT_CM_RANGE,
    BODY_SPACE_MIN_PT,
    FONT_NAME,
    LINE_SPACING_RANGE,
    SIZE_RANGES,
)

_LONG_DATE_RE = re.compile(r"\bngày\s+(\d{1,3})\s+tháng\s+(\d{1,3})\s+năm\s+(\d{4})", re.I)
# Times New Roman's line height is 1.15 em, which is what "single" spacing means in points.
_TNR_LINE_EM = 1.15
_CM_TOLERANCE = 0.02
_ALIGN_NAMES = {"left": "trái", "start": "trái", "center": "giữa", "right": "phải", "end": "phải"}


class BodyChecks(CheckerBase):
    """Body paragraphs of a part; font, colour and dates over the whole file."""

    # --- body paragraphs -------------------------------------------------------------------------

    def check_body(self, blocks: list[El], *, closing: bool) -> None:
        paragraphs = [b for b in blocks if b.tag == W_P and paragraph_text(b).strip()]
        paragraphs = [p for p in paragraphs if not is_control(paragraph_text(p))]
        in_address = False
        for p in paragraphs:
            text = norm(paragraph_text(p))
            align = self.props.align(p)
            # Letters open with "Kính gửi:" and a list of addressees, laid out like the header.
            in_address = text.startswith("Kính gửi") or (in_address and text[:2] in ("- ", "+ "))
            if align == "center" or in_address or (align in ("right", "end") and len(text) <= 60):
                continue  # titles and short labels ("Đơn vị tính: đồng") are not body text
            self.check_body_paragraph(p, align)
        if closing and paragraphs:
            last = paragraphs[-1]
            tail = norm(paragraph_text(last))
            if not tail.endswith("./."):
                self.add(
                    "body.end",
                    f'Nội dung văn bản kết thúc bằng "…{tail[-12:]}", cần kết thúc bằng "./."',
                    self.where(last),
                )
        elif closing:
            self.add("body.end", "Không thấy nội dung văn bản", "sau khối tiêu đề")

    def check_body_paragraph(self, p: El, align: str) -> None:
        where = self.where(p)
        if align != "both":
            self.add(
                "body.justify",
                f"Đoạn văn căn lề {_ALIGN_NAMES.get(align, align)}, cần căn đều hai bên",
                where,
            )
        first = self.props.twips(p, "w:ind", "firstLine") - self.props.twips(p, "w:ind", "hanging")
        first_cm = first / 1440 * 2.54
        low, high = BODY_INDENT_CM_RANGE
        if not low - _CM_TOLERANCE <= first_cm <= high + _CM_TOLERANCE:
            self.add(
                "body.indent",
                f"Thụt đầu dòng {fmt_number(first_cm, 2)} cm, cần {fmt_range(low, high, 'cm', 2)}",
                where,
            )
        before, after = self.spacing(p, "before"), self.spacing(p, "after")
        if max(before, after) < BODY_SPACE_MIN_PT:
            contextual = is_on(self.props.para_el(p, "w:contextualSpacing"))
            note = " (đang bật bỏ khoảng cách giữa các đoạn cùng kiểu)" if contextual else ""
            self.add(
                "body.spacing",
                f"Khoảng cách trước đoạn {fmt_number(before)} pt, "
                f"sau đoạn {fmt_number(after)} pt{note}, "
                f"cần ít nhất {fmt_number(BODY_SPACE_MIN_PT)} pt",
                where,
            )
        self.check_line_spacing(p, where)
        self.check_size(whole_line(p), "body.size", "body", where=where)

    def spacing(self, p: El, side: str) -> float:
        if is_on(self.props.para_el(p, "w:contextualSpacing")):
            return 0.0  # Word drops the space between paragraphs of the same style
        auto = self.props.para_attr(p, "w:spacing", f"{side}Autospacing", side)
        if auto[1] is not None and is_on_value(auto[1].get(qn(f"w:{side}Autospacing"))):
            return 14.0  # "auto" spacing is 14 pt in Word
        return self.props.twips(p, "w:spacing", side) / 20

    def check_line_spacing(self, p: El, where: str) -> None:
        line, spacing = self.props.para_attr(p, "w:spacing", "line")
        if line is None:
            return  # Word's default is single
        rule = spacing.get(qn("w:lineRule")) or "auto"
        low, high = LINE_SPACING_RANGE
        if rule == "auto":
            value = int(line) / 240
            if not low - 0.01 <= value <= high + 0.01:
                self.add(
                    "body.line_spacing",
                    f"Giãn dòng {fmt_number(value, 2)} dòng, cần {fmt_range(low, high, 'dòng', 2)}",
                    where,
                )
            return
        points = int(line) / 20
        sizes = {self.props.size(r, p) for r in solid_runs(paragraph_runs(p))}
        size = max(sizes or {SIZE_RANGES["body"][1]})
        top = high * _TNR_LINE_EM * size
        # Exact spacing from 15 pt was the old circular's "single"; below that, lines overlap.
        bottom = 15.0 if rule == "exact" else 0.0
        if not bottom <= points <= top + 0.1:
            self.add(
                "body.line_spacing",
                f"Giãn dòng {fmt_number(points)} pt "
                f"({'chính xác' if rule == 'exact' else 'tối thiểu'}),"
                f" cần từ dòng đơn đến 1,5 dòng (tối đa {fmt_number(top)} pt)",
                where,
            )

    # --- whole-document rules --------------------------------------------------------------------

    def story_paragraphs(self) -> Iterator[tuple[El, str]]:
        for p in self.doc.element.body.iter(W_P):
            yield p, ""
        seen: set[str] = set()
        for rel in self.doc.part.rels.values():
            if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.partname not in seen:
                seen.add(rel.target_part.partname)
                label = "đầu trang" if rel.reltype == RT.HEADER else "chân trang"
                for p in rel.target_part.element.iter(W_P):
                    yield p, label

    def check_fonts(self) -> None:
        for p, label in self.story_paragraphs():
            for run in text_runs(p):
                text = run_text(run)
                slots = [
                    s
                    for s, used in (
                        ("ascii", any(ord(c) < 128 for c in text.strip())),
                        ("hAnsi", any(ord(c) >= 128 for c in text)),
                    )
                    if used
                ]
                # Word prints ASCII letters with the "ascii" font and Vietnamese letters with
                # "hAnsi": those are the fonts a reader sees.
                where = f"{label}: {norm(paragraph_text(p))[:40]}" if label else self.where(p)
                for slot in slots:
                    name, source = self.props.font(run, p, slot)
                    if name != FONT_NAME:
                        self.add(
                            "font.name", f'Phông chữ "{name}" ({source}), cần "{FONT_NAME}"', where
                        )
                        break
                color = self.props.run_el(run, p, "w:color")
                if color is not None:
                    value = (color.get(qn("w:val")) or "auto").upper()
                    theme = color.get(qn("w:themeColor"))
                    if (theme and theme not in ("text1", "dark1")) or (
                        not theme and value not in ("AUTO", "000000")
                    ):
                        self.add("font.color", f"Chữ màu #{value}, cần màu đen", where)

    def check_dates(self, parts: list[Part]) -> None:
        skip = {p for part in parts if part.header is not None for p in part.header.iter(W_P)}
        for p in self.doc.element.body.iter(W_P):
            if p in skip:
                continue
            for match in _LONG_DATE_RE.finditer(clean(paragraph_text(p))):
                self.check_date(whole_line(p), match[1], match[2], match[3], "date")
