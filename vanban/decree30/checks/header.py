"""Decree 30 checks of a document's opening: the two-column header table, then the title block.

The header table holds the issuing body (and its governing body) over "Số: ..." on the left, the
national title, motto and place and date on the right; under it come the type name in capitals,
the summary line and a short rule.
"""

from __future__ import annotations

import re

from vanban.decree30.checks.base import CheckerBase, fmt_number
from vanban.decree30.docparts import Part, kem_theo, table_paragraphs
from vanban.decree30.docxprops import (
    W_P,
    W_TC,
    W_TR,
    El,
    Line,
    caps_key,
    cell_lines,
    is_control,
    norm,
    paragraph_text,
    run_text,
)
from vanban.decree30.spec import QUOC_HIEU, TIEU_NGU, TYPE_NAMES

_NUMBER_RE = re.compile(
    r"^Số:(?P<gap>\s*)(?P<num>\d*)(?P<sp1>\s*)/(?P<sp2>\s*)(?:\d{4}/)?(?P<sym>.*?)\s*$"
)
_SYMBOL_RE = re.compile(r"^[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9&]*)+$")
_PLACE_DATE_RE = re.compile(
    r"^[^,]+,\s*ngày(?P<d>\s+\d*\s*)tháng(?P<m>\s+\d*\s*)năm\s+(?P<y>\d{4})$"
)
_NUMBER_START = re.compile(r"^\s*Số\b", re.I)


def _columns(tbl: El) -> tuple[list[El], list[El]]:
    """Paragraphs of the first and of the last cell of every row."""
    left: list[El] = []
    right: list[El] = []
    for tr in tbl.findall(W_TR):
        cells = tr.findall(W_TC)
        if cells:
            left += list(cells[0].iter(W_P))
        if len(cells) > 1:
            right += list(cells[-1].iter(W_P))
    return left, right


def _line_index(line: Line) -> int:
    cell = cell_lines(list(line.p.getparent().iterchildren(W_P)))
    return cell.index(line) if line in cell else -1


class HeaderChecks(CheckerBase):
    """The header table of a main document, and the title block under it."""

    # --- header block ----------------------------------------------------------------------------

    def check_header(self, part: Part) -> tuple[str | None, bool] | None:
        """Check the header table; return (type abbreviation, number line found) or None.

        Works on printed lines, so a clerk's Shift+Enter between the national title and the
        motto reads the same as two paragraphs.
        """
        tbl = part.header
        self.check_borderless(tbl, "header.borders", "Bảng khối tiêu đề")
        left_ps, right_ps = _columns(tbl)
        left, right = cell_lines(left_ps), cell_lines(right_ps)
        all_lines = cell_lines(table_paragraphs(tbl))
        qh = next(line for line in all_lines if caps_key(line.text).startswith("CỘNG HÒA"))
        self.check_quoc_hieu(qh)
        after = right[right.index(qh) + 1 :] if qh in right else []
        tn = after[0] if after and caps_key(after[0].text).startswith("ĐỘC LẬP") else None
        if tn is None:
            self.add("tieu_ngu.missing", f'Không thấy Tiêu ngữ "{TIEU_NGU}"', self.at(qh))
        else:
            self.check_tieu_ngu(tn)
            after = after[1:]
        # "Số" as a word opens the number line even when its colon is missing ("Số 05/KH").
        number = next((line for line in left + right if _NUMBER_START.match(line.text)), None)
        date = next((line for line in after if "ngày" in line.text.lower()), None)
        self.check_issuer(left[: left.index(number)] if number in left else left, qh)
        if number is None:
            if kem_theo(part):
                return None  # an annex: it carries its parent's number, not one of its own
            self.add("number_line.missing", 'Không thấy dòng "Số: .../...-..."', self.at(qh))
            return (None, False)
        abbr = self.check_number_line(number)
        if date is None:
            self.add("place_date.missing", "Không thấy dòng địa danh, ngày tháng năm", self.at(qh))
        else:
            self.check_place_date(date, number)
        return (abbr, True)

    def check_quoc_hieu(self, line: Line) -> None:
        if caps_key(line.text) != caps_key(QUOC_HIEU):
            self.add("quoc_hieu.text", f'Quốc hiệu cần viết đúng "{QUOC_HIEU}"', self.at(line))
        self.check_size(line, "quoc_hieu.size", "quoc_hieu")
        self.require(line, "quoc_hieu.bold", "Quốc hiệu", bold=True)
        if not self.is_caps(line):
            self.add("quoc_hieu.caps", "Quốc hiệu cần viết chữ in hoa", self.at(line))

    def check_tieu_ngu(self, line: Line) -> None:
        if norm(line.text) != TIEU_NGU:
            self.add(
                "tieu_ngu.text",
                f'Tiêu ngữ cần viết đúng "{TIEU_NGU}" (gạch nối có cách chữ hai bên)',
                self.at(line),
            )
        self.check_size(line, "tieu_ngu.size", "tieu_ngu")
        self.require(line, "tieu_ngu.bold", "Tiêu ngữ", bold=True)
        # The line under the motto must be as long as the text; only an underline of the text
        # itself guarantees that (a drawn line cannot be measured against the words). Spaces
        # between the words count: a gap there shows as a broken line.
        solid = [i for i, r in enumerate(line.runs) if run_text(r).strip()]
        runs = line.runs[solid[0] : solid[-1] + 1] if solid else []
        if {self.props.underline(r, line.p) for r in runs} - {"single", "thick"}:
            self.add(
                "tieu_ngu.underline",
                "Tiêu ngữ cần gạch chân nét liền suốt cả dòng chữ",
                self.at(line),
            )

    def check_issuer(self, lines: list[Line], qh: Line) -> None:
        if not lines:
            self.add("issuer.missing", "Không thấy tên cơ quan ban hành", self.at(qh))
            return
        bold = [self.all_flag(line, "w:b") for line in lines]
        # The governing body comes first and is not bold; everything from the first bold line on
        # is the issuing body. With no bold line at all, every line is taken for the issuer.
        start = bold.index(True) if True in bold else 0
        for line in lines[:start]:
            self.check_size(line, "governing.size", "governing")
            if not self.is_caps(line):
                self.add("governing.caps", "Tên cơ quan chủ quản cần in hoa", self.at(line))
        for line in lines[start:]:
            self.check_size(line, "issuer.size", "issuer")
            self.require(line, "issuer.bold", "Tên cơ quan ban hành", bold=True)
            if not self.is_caps(line):
                self.add("issuer.caps", "Tên cơ quan ban hành cần in hoa", self.at(line))
        last = lines[-1].p
        cell = list(last.getparent().iterchildren(W_P))
        following = cell[cell.index(last) + 1 :]
        rule = last if self.has_rule_border(last, "bottom") or self.has_drawing(last) else None
        if rule is None and following and self.is_rule(following[0]):
            rule = following[0]
        if rule is None:
            self.add(
                "issuer.line",
                "Thiếu đường kẻ ngắn nét liền dưới tên cơ quan ban hành",
                self.at(lines[-1]),
            )
            return
        width = self.cell_width(rule)
        length = self.rule_length(rule, width)
        if length is not None and width and not 0.15 <= length / width <= 0.6:
            self.add(
                "issuer.line",
                f"Đường kẻ dưới tên cơ quan dài {fmt_number(length)} mm "
                f"({round(100 * length / width)}% cột), cần ngắn, bằng 1/3–1/2 dòng chữ",
                self.at(lines[-1]),
            )

    def check_number_line(self, line: Line) -> str | None:
        text = line.text
        self.check_size(line, "number_line.size", "number_line")
        self.require(line, "number_line.italic", 'Dòng "Số:"', italic=False)
        match = _NUMBER_RE.match(text)
        if match is None:
            self.add(
                "number_line.format",
                f'Dòng số, ký hiệu "{text}" không đúng mẫu "Số: 05/KH-UBND"',
                self.at(line),
            )
            return None
        num, sym = match["num"], match["sym"]
        problems = []
        if match["sp2"] or (num and match["sp1"]):
            problems.append('có dấu cách quanh "/"')
        if num and match["gap"] != " ":
            problems.append('sau "Số:" cần đúng một dấu cách')
        if not num and not match["gap"]:
            problems.append("số để trống cần chừa khoảng trắng để văn thư ghi số")
        if not _SYMBOL_RE.match(sym):
            problems.append(f'ký hiệu "{sym}" cần dạng "KH-UBND", không có dấu cách quanh "-"')
        if num and int(num) == 0:
            problems.append("số văn bản phải từ 1 trở lên")
        if problems:
            self.add("number_line.format", f'"{text}": ' + "; ".join(problems), self.at(line))
        if num and int(num) > 0 and num != f"{int(num):02d}":
            self.add(
                "number_line.padding",
                f'Số "{num}" cần viết "{int(num):02d}" (số dưới 10 có số 0 đứng trước)',
                self.at(line),
            )
        abbr = sym.split("-")[0]
        return abbr if abbr in TYPE_NAMES else None

    def check_place_date(self, line: Line, number: Line) -> None:
        self.check_size(line, "place_date.size", "place_date")
        self.require(line, "place_date.italic", "Dòng địa danh, ngày tháng", italic=True)
        match = _PLACE_DATE_RE.match(line.text)
        if match is None:
            self.add(
                "place_date.format",
                f'"{line.text}" không đúng mẫu "Tháp Mười, ngày 02 tháng 11 năm 2022"',
                self.at(line),
            )
        else:
            self.check_date(line, match["d"].strip(), match["m"].strip(), match["y"], "place_date")
        # Both lines stand level when they share a table row, or sit at the same line count from
        # the top of side-by-side cells.
        same_row = line.p.getparent().getparent() is number.p.getparent().getparent()
        if not same_row and _line_index(line) != _line_index(number):
            self.add(
                "place_date.align",
                'Dòng địa danh, ngày tháng không nằm ngang hàng với dòng "Số:"',
                self.at(line),
            )

    # --- title block -----------------------------------------------------------------------------

    def title_block(self, blocks: list[El]) -> tuple[list[El], El, int]:
        """Centred lines at the top of the part: (lines, the short rule under them, next index)."""
        lines: list[El] = []
        for index, el in enumerate(blocks):
            if el.tag != W_P:
                return lines, None, index
            text = paragraph_text(el)
            if not text.strip() or is_control(text):
                if self.is_rule(el):
                    return lines, el, index + 1
                continue
            if self.props.align(el) != "center":
                return lines, None, index
            lines.append(el)
        return lines, None, len(blocks)

    def check_title(self, paragraphs: list[El], rule: El, abbr: str | None, part: Part) -> None:
        lines = cell_lines(paragraphs)
        if not lines:
            name = TYPE_NAMES.get(abbr or "", "tên loại văn bản")
            self.add(
                "title.missing",
                f'Không thấy tên loại "{name}" căn giữa dưới khối tiêu đề',
                "sau khối tiêu đề",
            )
            return
        head, summary = lines[0], lines[1:]
        text = norm(head.text)
        if abbr is not None and caps_key(text) != caps_key(TYPE_NAMES[abbr]):
            self.add(
                "title.type",
                f'Ký hiệu "{abbr}" là {TYPE_NAMES[abbr]} nhưng tên loại là "{text}"',
                self.at(head),
            )
        if not self.is_caps(head):
            self.add("title.caps", "Tên loại văn bản cần in hoa", self.at(head))
        self.require(head, "title.bold", "Tên loại văn bản", bold=True)
        self.check_size(head, "title.size", "title")
        if not summary:
            self.add("summary.missing", "Thiếu trích yếu nội dung dưới tên loại", self.at(head))
        for line in summary:
            self.require(line, "summary.bold", "Trích yếu nội dung", bold=True)
            self.check_size(line, "summary.size", "summary")
        last = paragraphs[-1]
        if rule is None and (self.has_rule_border(last, "bottom") or self.has_drawing(last)):
            rule = last
        if rule is None:
            self.add(
                "title.line", "Thiếu đường kẻ ngắn nét liền dưới trích yếu", self.at(lines[-1])
            )
            return
        width = self.text_width(part.section)
        length = self.rule_length(rule, width)
        if length is not None and not 10 <= length <= 0.6 * width:
            self.add(
                "title.line",
                f"Đường kẻ dưới trích yếu dài {fmt_number(length)} mm, "
                "cần ngắn, bằng 1/3–1/2 dòng chữ",
                self.at(lines[-1]),
            )
