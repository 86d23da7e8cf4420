"""Decree 30 checks of a document's closing table: "Nơi nhận:" on the left, the signature on the right."""

from __future__ import annotations

import re

from vanban.decree30.checks.base import CheckerBase
from vanban.decree30.docxprops import (
    W_P,
    W_TC,
    W_TR,
    El,
    Line,
    caps_key,
    cell_lines,
    norm,
    paragraph_text,
)
from vanban.decree30.spec import RECIPIENTS_HEADING


class ClosingChecks(CheckerBase):
    """The closing table: recipients under "Nơi nhận:" and the signature block."""

    def check_footer(self, tbl: El) -> None:
        self.check_borderless(tbl, "footer.borders", "Bảng nơi nhận, chữ ký")
        cells = [tc for tr in tbl.findall(W_TR) for tc in tr.findall(W_TC)]
        home = next(
            tc
            for tc in cells
            if any(caps_key(paragraph_text(p)).startswith("NƠI NHẬN") for p in tc.iter(W_P))
        )
        lines = cell_lines(list(home.iter(W_P)))
        start = next(
            i for i, line in enumerate(lines) if caps_key(line.text).startswith("NƠI NHẬN")
        )
        self.check_recipients(lines[start:])
        others = [p for tc in cells if tc is not home for p in tc.iter(W_P)]
        self.check_signature(cell_lines(others))

    def check_recipients(self, lines: list[Line]) -> None:
        heading, items = lines[0], lines[1:]
        if norm(heading.text) != RECIPIENTS_HEADING:
            self.add(
                "recipients.heading",
                f'Cần viết "{RECIPIENTS_HEADING}", đang là "{heading.text}"',
                self.at(heading),
            )
        self.check_size(heading, "recipients.heading", "recipients_heading")
        if not (self.all_flag(heading, "w:b") and self.all_flag(heading, "w:i")):
            self.add("recipients.heading", '"Nơi nhận:" cần in đậm, nghiêng', self.at(heading))
        if not items:
            self.add(
                "recipients.last",
                'Không có nơi nhận nào, cần ít nhất "- Lưu: VT, ...."',
                self.at(heading),
            )
            return
        for index, line in enumerate(items):
            self.check_size(line, "recipients.size", "recipients")
            if not line.text.startswith("- "):
                self.add("recipients.format", 'Mỗi nơi nhận bắt đầu bằng "- "', self.at(line))
            if index < len(items) - 1 and not line.text.endswith(";"):
                self.add(
                    "recipients.format", 'Nơi nhận (trừ dòng cuối) kết thúc bằng ";"', self.at(line)
                )
        last = items[-1]
        if not re.match(r"^- Lưu:\s*VT\b.*\.$", last.text):
            self.add(
                "recipients.last",
                f'Dòng cuối nơi nhận cần dạng "- Lưu: VT, <đơn vị>." (kết thúc bằng "."), '
                f'đang là "{last.text}"',
                self.at(last),
            )

    def check_signature(self, lines: list[Line]) -> None:
        if len(lines) < 2:
            self.add(
                "signature.missing",
                "Thiếu khối chữ ký (quyền hạn, chức vụ in hoa đậm và họ tên người ký)",
                self.at(lines[0]) if lines else "bảng chữ ký",
            )
            return
        *titles, name = lines
        for line in titles:
            self.check_size(line, "signature.size", "signature")
            if not self.is_caps(line):
                self.add("signature.caps", "Quyền hạn, chức vụ người ký cần in hoa", self.at(line))
            if not self.all_flag(line, "w:b"):
                self.add("signature.bold", "Quyền hạn, chức vụ người ký cần in đậm", self.at(line))
        if any(c.isalpha() for c in name.text) and name.text == name.text.upper():
            self.add(
                "signature.name",
                "Dòng cuối khối chữ ký viết hoa: họ tên người ký viết chữ thường, in đậm (nếu đây "
                "là chức vụ thì còn thiếu họ tên)",
                self.at(name),
            )
            return
        self.check_size(name, "signature.size", "signature")
        if not self.all_flag(name, "w:b"):
            self.add("signature.name", "Họ tên người ký cần in đậm", self.at(name))
