"""What every group of Decree 30 checks shares: findings, where they are, and how a line looks.

:class:`CheckerBase` holds one document's state (its resolved properties, the body blocks with
their sections, a readable place for every paragraph, the findings so far) and the predicates the
rule groups are written with: sizes within a range, bold or italic on every run, capitals,
borderless tables, short rule lines, dates. The rule groups (``vanban.decree30.checks.*``) subclass it and
``vanban.decree30.checker`` puts them together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from vanban.decree30.docparts import walk_body
from vanban.decree30.docxprops import (
    W_P,
    W_TC,
    El,
    Line,
    Props,
    norm,
    paragraph_text,
    solid_runs,
)
from vanban.decree30.spec import A4_MM, SIZE_RANGES

# Findings that repeat on every paragraph sharing one cause (a style) are reported once each.
_GROUPED = {"font.name", "font.color", "body.justify", "body.indent", "body.spacing"}
_GROUPED |= {"body.line_spacing", "body.size"}


def _is_visible(edge: El) -> bool:
    return (
        edge is not None
        and (edge.get(qn("w:val")) or "none") not in ("nil", "none")
        and edge.get(qn("w:sz")) != "0"
    )


@dataclass(frozen=True)
class Finding:
    """One departure from Decree 30: a stable rule id, a Vietnamese message, and where it is."""

    rule: str
    message: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} [{self.rule}]"


def fmt_number(value: float, digits: int = 1) -> str:
    """A measurement the Vietnamese way: "1,27", "25" (24,99 mm is Word's rounding of 25)."""
    return f"{value:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


def fmt_range(low: float, high: float, unit: str, digits: int = 1) -> str:
    if low == high:
        return f"{fmt_number(low, digits)} {unit}"
    return f"{fmt_number(low, digits)}–{fmt_number(high, digits)} {unit}"


class CheckerBase:
    """One document's state and the predicates every rule group is written with."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        # python-docx finds sections with an XPath over the whole body on every access; a file of
        # a thousand letters asking once per letter would take quadratic time, so ask once.
        self.sections = list(doc.sections)
        self.props = Props(doc)
        self.findings: list[Finding] = []
        self.groups: dict[tuple[str, str], list[str]] = {}
        self.labels: dict[El, str] = {}
        self.blocks: list[tuple[El, int]] = []  # body-level blocks with their section index
        body = doc.element.body
        self.sect_prs: list[El] = body.xpath(".//w:p/w:pPr/w:sectPr | ./w:sectPr")
        walk_body(body, [0, 0, 0], self.labels, self.blocks)

    # --- reporting -------------------------------------------------------------------------------

    def where(self, p: El, text: str | None = None) -> str:
        text = norm(paragraph_text(p) if text is None else text)
        label = self.labels.get(p, "đoạn")
        if not text:
            return label
        return f'{label}: "{text[:40]}…"' if len(text) > 40 else f'{label}: "{text}"'

    def add(self, rule: str, message: str, where: str) -> None:
        if rule in _GROUPED:
            self.groups.setdefault((rule, message), []).append(where)
        elif Finding(rule, message, where) not in self.findings:
            self.findings.append(Finding(rule, message, where))

    def grouped_findings(self) -> list[Finding]:
        """One finding per grouped (rule, message), naming its first place and how many more."""
        out = []
        for (rule, message), places in self.groups.items():
            more = f" và {len(places) - 1} chỗ khác" if len(places) > 1 else ""
            out.append(Finding(rule, message, places[0] + more))
        return out

    # --- formatting predicates over the runs of a paragraph -------------------------------------

    def at(self, line: Line) -> str:
        return self.where(line.p, line.text)

    def check_size(
        self, line: Line, rule: str, kind: str, *, where: str | None = None, solid: bool = True
    ) -> None:
        low, high = SIZE_RANGES[kind]
        runs = solid_runs(line.runs) if solid else line.runs
        bad = sorted(
            {s for s in (self.props.size(r, line.p) for r in runs) if not low <= s <= high}
        )
        if bad:
            found = ", ".join(fmt_number(s) for s in bad)
            message = f"Cỡ chữ {found} pt, cần {fmt_range(low, high, 'pt')}"
            self.add(rule, message, where if where is not None else self.at(line))

    def all_flag(self, line: Line, tag: str) -> bool:
        runs = solid_runs(line.runs)
        return bool(runs) and all(self.props.flag(r, line.p, tag) for r in runs)

    def any_flag(self, line: Line, tag: str) -> bool:
        return any(self.props.flag(r, line.p, tag) for r in solid_runs(line.runs))

    def is_caps(self, line: Line) -> bool:
        return line.text == line.text.upper() or self.all_flag(line, "w:caps")

    def require(
        self,
        line: Line,
        rule: str,
        what: str,
        *,
        bold: bool | None = None,
        italic: bool | None = None,
    ) -> None:
        """``what`` is the element's name in the message ("Quốc hiệu")."""
        for tag, wanted, yes, no in (
            ("w:b", bold, "in đậm", "không in đậm"),
            ("w:i", italic, "in nghiêng", "chữ đứng (không nghiêng)"),
        ):
            if wanted is True and not self.all_flag(line, tag):
                self.add(rule, f"{what} cần {yes}", self.at(line))
            if wanted is False and self.any_flag(line, tag):
                self.add(rule, f"{what} cần {no}", self.at(line))

    def check_borderless(self, tbl: El, rule: str, what: str) -> None:
        edges: dict[str, El] = {}
        style = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
        chain = self.props.chain(style.get(qn("w:val")) if style is not None else None, "table")
        for source in [*[s.find(qn("w:tblPr")) for s in reversed(chain)], tbl.find(qn("w:tblPr"))]:
            borders = source.find(qn("w:tblBorders")) if source is not None else None
            for edge in borders if borders is not None else ():
                edges[edge.tag] = edge
        cells = list(tbl.iter(qn("w:tcBorders")))
        if any(_is_visible(e) for e in edges.values()) or any(
            _is_visible(e) for c in cells for e in c
        ):
            self.add(
                rule,
                f"{what} có đường viền, cần bảng không viền",
                self.labels.get(next(tbl.iter(W_P), None), "bảng"),
            )

    def check_date(self, line: Line, day: str, month: str, year: str, prefix: str) -> None:
        """Day below 10 padded; month padded for 1 and 2 only; blanks allowed in a draft."""
        problems = []
        if day and day != f"{int(day):02d}":
            problems.append(f'"ngày {day}" cần viết "ngày {int(day):02d}"')
        if month:
            want = f"{int(month):02d}" if int(month) <= 2 else str(int(month))
            if month != want:
                problems.append(
                    f'"tháng {month}" cần viết "tháng {want}" (chỉ tháng 1, 2 có số 0 đứng trước)'
                )
        if problems:
            self.add(f"{prefix}.padding", "; ".join(problems), self.at(line))
        if day and month:
            try:
                dt.date(int(year), int(month), int(day))
            except ValueError:
                self.add(
                    f"{prefix}.format",
                    f"Ngày {int(day)}/{int(month)}/{year} không có thật",
                    self.at(line),
                )

    # --- rules (short lines) ---------------------------------------------------------------------

    def has_rule_border(self, p: El, edge: str) -> bool:
        borders = self.props.para_el(p, "w:pBdr")
        return borders is not None and _is_visible(borders.find(qn(f"w:{edge}")))

    @staticmethod
    def has_drawing(p: El) -> bool:
        return any(True for _ in p.iter(qn("w:drawing"), qn("w:pict")))

    def is_rule(self, p: El) -> bool:
        if paragraph_text(p).strip():
            return False
        return (
            self.has_rule_border(p, "top")
            or self.has_rule_border(p, "bottom")
            or (self.has_drawing(p))
        )

    def cell_width(self, p: El) -> float | None:
        tc = p.getparent()
        tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") if tc.tag == W_TC else None
        if tcw is None or tcw.get(qn("w:type")) not in (None, "dxa"):
            return None
        return int(tcw.get(qn("w:w"))) / 1440 * 25.4

    def rule_length(self, p: El, width: float | None) -> float | None:
        extent = next(
            p.iter(
                "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
            ),
            None,
        )
        if extent is not None:
            return int(extent.get("cx")) / 36000
        if width is None or not (
            self.has_rule_border(p, "top") or self.has_rule_border(p, "bottom")
        ):
            return None
        left = self.props.twips(p, "w:ind", "left") or self.props.twips(p, "w:ind", "start")
        right = self.props.twips(p, "w:ind", "right") or self.props.twips(p, "w:ind", "end")
        return width - (left + right) / 1440 * 25.4

    def text_width(self, section: int) -> float:
        sections = self.sections
        sec = sections[min(section, len(sections) - 1)]
        width = sec.page_width.mm if sec.page_width else A4_MM[0]
        return float(
            width
            - (sec.left_margin.mm if sec.left_margin else 0)
            - (sec.right_margin.mm if sec.right_margin else 0)
        )
