"""Check a .docx against the presentation rules of Decree 30/2020/NĐ-CP, with python-docx only.

The checker reads the file the way Word lays it out: each property is resolved through the run, its
character style, the paragraph, the paragraph style chain (basedOn) and the document defaults, so
a wrong font hidden in the Normal style is found as surely as one typed on a single word.

A file may hold several documents (one invitation per commune) and annexes; it is cut into parts:
a *main* part opens with the two-column header table (national title) and closes with the
"Nơi nhận" table; an *annex* has no "Số:" line and a "(Kèm theo ...)" line under its title.
Measurements come from ``vanban.layout`` so the builder and the checker share one set of numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from vanban.errors import InputError, TransientIOError
from vanban.layout import (
    A4_MM,
    BODY_INDENT_CM_RANGE,
    BODY_SPACE_MIN_PT,
    FONT_NAME,
    LINE_SPACING_RANGE,
    MARGIN_RANGES_MM,
    QUOC_HIEU,
    RECIPIENTS_HEADING,
    SIZE_RANGES,
    TIEU_NGU,
    TYPE_NAMES,
)

El = Any  # an lxml element of the document; python-docx gives them no precise static type

_P, _R, _TBL, _TR, _TC = qn("w:p"), qn("w:r"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_NUMBER_RE = re.compile(
    r"^Số:(?P<gap>\s*)(?P<num>\d*)(?P<sp1>\s*)/(?P<sp2>\s*)(?:\d{4}/)?(?P<sym>.*?)\s*$"
)
_SYMBOL_RE = re.compile(r"^[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9&]*)+$")
_PLACE_DATE_RE = re.compile(
    r"^[^,]+,\s*ngày(?P<d>\s+\d*\s*)tháng(?P<m>\s+\d*\s*)năm\s+(?P<y>\d{4})$"
)
_LONG_DATE_RE = re.compile(r"\bngày\s+(\d{1,3})\s+tháng\s+(\d{1,3})\s+năm\s+(\d{4})", re.I)
_NUMBER_START = re.compile(r"^\s*Số\b", re.I)
_KEM_THEO_RE = re.compile(r"^\(\s*kèm theo\b", re.I)
_CONTROL_RE = re.compile(r"^\{%.*%\}$", re.S)
_PAGE_FIELD_RE = re.compile(r"^\s*PAGE\b")
_OFF = ("0", "false", "off", "none")
# Old and new tone placement ("HOÀ"/"HÒA") are both correct spellings of the national title.
# Only at the end of a syllable: "HOẠCH" keeps its mark on the A.
_TONES = {"OÀ": "ÒA", "OÁ": "ÓA", "OẢ": "ỎA", "OÃ": "ÕA", "OẠ": "ỌA", "UỶ": "ỦY", "UÝ": "ÚY"}
_TONE_RE = re.compile("(" + "|".join(_TONES) + r")(?!\w)")
# Times New Roman's line height is 1.15 em, which is what "single" spacing means in points.
_TNR_LINE_EM = 1.15
_MM_TOLERANCE = 0.2  # twips rounding: "3 cm" typed in Word is stored as 30.005 mm
_CM_TOLERANCE = 0.02
# Findings that repeat on every paragraph sharing one cause (a style) are reported once each.
_GROUPED = {"font.name", "font.color", "body.justify", "body.indent", "body.spacing"}
_GROUPED |= {"body.line_spacing", "body.size"}
_ALIGN_NAMES = {"left": "trái", "start": "trái", "center": "giữa", "right": "phải", "end": "phải"}


@dataclass(frozen=True)
class Finding:
    """One departure from Decree 30: a stable rule id, a Vietnamese message, and where it is."""

    rule: str
    message: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} [{self.rule}]"


def check_document(path: Path | str) -> list[Finding]:
    """Every finding for one .docx, in reading order (page setup first)."""
    return _Checker(_open(Path(path))).run()


def check_folder(folder: Path | str) -> dict[Path, list[Finding]]:
    """Findings for every .docx below ``folder`` (sorted), skipping Word lock files and .history.

    A file that cannot be read as .docx gets one "file.unreadable" finding instead of stopping
    the whole folder.
    """
    root = Path(folder)
    results: dict[Path, list[Finding]] = {}
    for path in sorted(root.rglob("*.docx")):
        if path.name.startswith("~$") or ".history" in path.relative_to(root).parts:
            continue
        try:
            results[path] = check_document(path)
        except InputError as exc:
            results[path] = [Finding("file.unreadable", exc.message, path.name)]
    return results


def _open(path: Path) -> DocxDocument:
    try:
        return docx.Document(str(path))
    except FileNotFoundError as exc:
        raise InputError(f"Không có tệp {path}") from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"Tệp {path} không phải tệp Word (.docx) đọc được: {exc}") from exc
    except OSError as exc:
        raise TransientIOError(f"Không đọc được tệp {path}: {exc}") from exc


# --- text helpers ---------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """NFC, no-break spaces and tabs as spaces; spacing kept (it matters in "Số:   /KH")."""
    return unicodedata.normalize("NFC", text).replace("\xa0", " ").replace("\t", " ").strip()


def _norm(text: str) -> str:
    return " ".join(_clean(text).split())


def _key(text: str) -> str:
    return _TONE_RE.sub(lambda m: _TONES[m[1]], _norm(text).upper())


def _num(value: float, digits: int = 1) -> str:
    """A measurement the Vietnamese way: "1,27", "25" (24,99 mm is Word's rounding of 25)."""
    return f"{value:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


def _range(low: float, high: float, unit: str, digits: int = 1) -> str:
    if low == high:
        return f"{_num(low, digits)} {unit}"
    return f"{_num(low, digits)}–{_num(high, digits)} {unit}"


def _run_text(run: El) -> str:
    parts = []
    for child in run:
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        elif child.tag == qn("w:tab"):
            parts.append("\t")
        elif child.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
        elif child.tag == qn("w:noBreakHyphen"):
            parts.append("-")
    return "".join(parts)


def _owner(el: El) -> El:
    parent = el.getparent()
    while parent is not None and parent.tag != _P:
        parent = parent.getparent()
    return parent


def _runs(p: El) -> list[El]:
    """The paragraph's own runs (hyperlinks and fields included, text boxes inside it excluded)."""
    return [r for r in p.iter(_R) if _owner(r) is p]


def _text(p: El) -> str:
    return unicodedata.normalize("NFC", "".join(_run_text(r) for r in _runs(p)))


def _text_runs(p: El) -> list[El]:
    return [r for r in _runs(p) if _run_text(r).strip()]


class _Line(NamedTuple):
    """One printed line: its paragraph, its text (inner spacing kept) and the runs printing it."""

    p: El
    text: str
    runs: list[El]


def _lines(p: El) -> list[_Line]:
    """The paragraph cut at its line breaks (Shift+Enter), blank lines dropped."""
    pieces: list[tuple[list[str], list[El]]] = [([], [])]
    for run in _runs(p):
        for index, piece in enumerate(_run_text(run).split("\n")):
            if index:
                pieces.append(([], []))
            if piece:
                pieces[-1][0].append(piece)
                pieces[-1][1].append(run)
    lines = [_Line(p, _clean("".join(texts)), runs) for texts, runs in pieces]
    return [line for line in lines if line.text]


def _whole(p: El) -> _Line:
    return _Line(p, _clean(_text(p)), [r for r in _runs(p) if _run_text(r)])


def _cell_lines(paragraphs: Sequence[El]) -> list[_Line]:
    return [line for p in paragraphs if not _is_control(_text(p)) for line in _lines(p)]


def _solid(runs: Sequence[El]) -> list[El]:
    """Runs that print something other than spaces: the ones whose format a reader sees."""
    return [r for r in runs if _run_text(r).strip()]


def _is_control(text: str) -> bool:
    return bool(_CONTROL_RE.match(_norm(text)))


def _on(el: El) -> bool:
    return el is not None and (el.get(qn("w:val")) or "1").lower() not in _OFF


def _visible(edge: El) -> bool:
    return (
        edge is not None
        and (edge.get(qn("w:val")) or "none") not in ("nil", "none")
        and edge.get(qn("w:sz")) != "0"
    )


# --- style resolution -----------------------------------------------------------------------------


class _Props:
    """Effective formatting: run -> character style -> paragraph style chain -> docDefaults."""

    def __init__(self, doc: DocxDocument) -> None:
        root = doc.styles.element
        self.styles: dict[str, El] = {
            s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))
        }
        self.default: dict[str, str] = {}
        for sid, style in self.styles.items():
            if _on_value(style.get(qn("w:default"))):
                self.default.setdefault(style.get(qn("w:type")) or "", sid)
        defaults = root.find(qn("w:docDefaults"))
        find = defaults.find if defaults is not None else (lambda _: None)
        self.rpr_default = find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.ppr_default = find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        self.theme = _theme_fonts(doc)

    def chain(self, style_id: str | None, kind: str) -> list[El]:
        sid, seen, out = style_id or self.default.get(kind), set(), []
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            out.append(self.styles[sid])
            based = self.styles[sid].find(qn("w:basedOn"))
            sid = based.get(qn("w:val")) if based is not None else None
        return out

    def _pstyle(self, p: El) -> str | None:
        el = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return el.get(qn("w:val")) if el is not None else None

    def style_name(self, style: El) -> str:
        name = style.find(qn("w:name"))
        return str(name.get(qn("w:val")) if name is not None else style.get(qn("w:styleId")))

    def rprs(self, run: El, p: El) -> list[tuple[El, str]]:
        """Run property elements in priority order, each with where it comes from."""
        out = [(run.find(qn("w:rPr")), "định dạng trực tiếp")]
        rstyle = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        char = self.chain(rstyle.get(qn("w:val")) if rstyle is not None else None, "character")
        for style in char + self.chain(self._pstyle(p), "paragraph"):
            out.append((style.find(qn("w:rPr")), f'kiểu "{self.style_name(style)}"'))
        out.append((self.rpr_default, "mặc định của tệp"))
        return [(el, src) for el, src in out if el is not None]

    def run_el(self, run: El, p: El, tag: str) -> El:
        for rpr, _ in self.rprs(run, p):
            found = rpr.find(qn(tag))
            if found is not None:
                return found
        return None

    def flag(self, run: El, p: El, tag: str) -> bool:
        return _on(self.run_el(run, p, tag))

    def size(self, run: El, p: El) -> float:
        sz = self.run_el(run, p, "w:sz")
        return int(sz.get(qn("w:val"))) / 2 if sz is not None else 10.0  # Word's own default

    def underline(self, run: El, p: El) -> str:
        u = self.run_el(run, p, "w:u")
        return "none" if u is None else (u.get(qn("w:val")) or "single")

    def font(self, run: El, p: El, slot: str) -> tuple[str, str]:
        theme_attr = "cstheme" if slot == "cs" else f"{slot}Theme"
        for rpr, source in self.rprs(run, p):
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                continue
            theme = fonts.get(qn(f"w:{theme_attr}"))
            if theme:
                return self.theme.get(theme, theme), f"{source}, theo theme"
            if fonts.get(qn(f"w:{slot}")):
                return str(fonts.get(qn(f"w:{slot}"))), source
        # Nothing set anywhere: Word falls back to its built-in default, Times New Roman.
        return FONT_NAME, "mặc định của Word"

    def pprs(self, p: El) -> list[El]:
        out = [p.find(qn("w:pPr"))]
        out += [s.find(qn("w:pPr")) for s in self.chain(self._pstyle(p), "paragraph")]
        return [el for el in [*out, self.ppr_default] if el is not None]

    def para_el(self, p: El, tag: str) -> El:
        for ppr in self.pprs(p):
            found = ppr.find(qn(tag))
            if found is not None:
                return found
        return None

    def para_attr(self, p: El, tag: str, *attrs: str) -> tuple[str | None, El]:
        """The first of ``attrs`` set on ``tag`` along the chain (attributes merge separately)."""
        for ppr in self.pprs(p):
            found = ppr.find(qn(tag))
            for attr in attrs if found is not None else ():
                if found.get(qn(f"w:{attr}")) is not None:
                    return found.get(qn(f"w:{attr}")), found
        return None, None

    def align(self, p: El) -> str:
        return self.para_attr(p, "w:jc", "val")[0] or "left"

    def twips(self, p: El, tag: str, attr: str) -> int:
        value = self.para_attr(p, tag, attr)[0]
        return int(value) if value and value.lstrip("-").isdigit() else 0


def _theme_fonts(doc: DocxDocument) -> dict[str, str]:
    try:
        part = doc.part.part_related_by(RT.THEME)
    except KeyError:
        return {}
    root = parse_xml(part.blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    fonts: dict[str, str] = {}
    for kind in ("major", "minor"):
        for script, names in (
            ("latin", ("Ascii", "HAnsi")),
            ("ea", ("EastAsia",)),
            ("cs", ("Bidi",)),
        ):
            el = root.find(f".//{a}{kind}Font/{a}{script}")
            for name in names if el is not None else ():
                fonts[f"{kind}{name}"] = el.get("typeface") or ""
    return fonts


# --- document structure ---------------------------------------------------------------------------


@dataclass
class _Part:
    header: El = None  # the header table, if any
    footer: El = None  # the "Nơi nhận" table, if any
    blocks: list[El] = field(default_factory=list)  # what lies between them, in order
    first: El = None  # the block the part starts with
    section: int = 0


def _table_paragraphs(tbl: El) -> list[El]:
    return list(tbl.iter(_P))


def _is_header_table(tbl: El) -> bool:
    return any(_key(_text(p)).startswith("CỘNG HÒA") for p in _table_paragraphs(tbl))


def _is_footer_table(tbl: El) -> bool:
    return any(_key(_text(p)).startswith("NƠI NHẬN") for p in _table_paragraphs(tbl))


def _columns(tbl: El) -> tuple[list[El], list[El]]:
    """Paragraphs of the first and of the last cell of every row."""
    left: list[El] = []
    right: list[El] = []
    for tr in tbl.findall(_TR):
        cells = tr.findall(_TC)
        if cells:
            left += list(cells[0].iter(_P))
        if len(cells) > 1:
            right += list(cells[-1].iter(_P))
    return left, right


class _Checker:
    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.props = _Props(doc)
        self.findings: list[Finding] = []
        self.groups: dict[tuple[str, str], list[str]] = {}
        self.labels: dict[El, str] = {}
        self.blocks: list[tuple[El, int]] = []  # body-level blocks with their section index
        body = doc.element.body
        self.sect_prs: list[El] = body.xpath(".//w:p/w:pPr/w:sectPr | ./w:sectPr")
        self._walk(body, [0, 0, 0])

    def _walk(self, container: El, counters: list[int]) -> None:
        """Number body paragraphs and tables and note each block's section."""
        for child in container:
            if child.tag == _P:
                counters[0] += 1
                self.labels[child] = f"đoạn {counters[0]}"
                self.blocks.append((child, counters[2]))
                if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                    counters[2] += 1
            elif child.tag == _TBL:
                counters[1] += 1
                self.blocks.append((child, counters[2]))
                for r, tr in enumerate(child.findall(_TR), 1):
                    for c, tc in enumerate(tr.findall(_TC), 1):
                        for p in tc.iter(_P):
                            self.labels[p] = f"bảng {counters[1]}, hàng {r}, ô {c}"
            elif child.tag == qn("w:sdt"):
                self._walk(child.find(qn("w:sdtContent")), counters)

    # --- reporting -------------------------------------------------------------------------------

    def where(self, p: El, text: str | None = None) -> str:
        text = _norm(_text(p) if text is None else text)
        label = self.labels.get(p, "đoạn")
        if not text:
            return label
        return f'{label}: "{text[:40]}…"' if len(text) > 40 else f'{label}: "{text}"'

    def add(self, rule: str, message: str, where: str) -> None:
        if rule in _GROUPED:
            self.groups.setdefault((rule, message), []).append(where)
        elif Finding(rule, message, where) not in self.findings:
            self.findings.append(Finding(rule, message, where))

    def run(self) -> list[Finding]:
        self.check_sections()
        parts = self.split_parts()
        if not parts:
            self.add("quoc_hieu.missing", "Tệp không có nội dung văn bản", "đầu tệp")
        for index, part in enumerate(parts):
            self.check_part(part, index, parts)
        self.check_page_numbers(parts)
        self.check_fonts()
        self.check_dates(parts)
        for (rule, message), places in self.groups.items():
            more = f" và {len(places) - 1} chỗ khác" if len(places) > 1 else ""
            self.findings.append(Finding(rule, message, places[0] + more))
        return self.findings

    # --- formatting predicates over the runs of a paragraph -------------------------------------

    def at(self, line: _Line) -> str:
        return self.where(line.p, line.text)

    def check_size(
        self, line: _Line, rule: str, kind: str, *, where: str | None = None, solid: bool = True
    ) -> None:
        low, high = SIZE_RANGES[kind]
        runs = _solid(line.runs) if solid else line.runs
        bad = sorted(
            {s for s in (self.props.size(r, line.p) for r in runs) if not low <= s <= high}
        )
        if bad:
            found = ", ".join(_num(s) for s in bad)
            message = f"Cỡ chữ {found} pt, cần {_range(low, high, 'pt')}"
            self.add(rule, message, where if where is not None else self.at(line))

    def all_flag(self, line: _Line, tag: str) -> bool:
        runs = _solid(line.runs)
        return bool(runs) and all(self.props.flag(r, line.p, tag) for r in runs)

    def any_flag(self, line: _Line, tag: str) -> bool:
        return any(self.props.flag(r, line.p, tag) for r in _solid(line.runs))

    def is_caps(self, line: _Line) -> bool:
        return line.text == line.text.upper() or self.all_flag(line, "w:caps")

    def require(
        self,
        line: _Line,
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

    # --- page setup ------------------------------------------------------------------------------

    def check_sections(self) -> None:
        for index, section in enumerate(self.doc.sections, 1):
            where = f"section {index}"
            width = section.page_width.mm if section.page_width else 215.9  # Word's Letter
            height = section.page_height.mm if section.page_height else 279.4
            short, long_ = sorted((width, height))
            if abs(short - A4_MM[0]) > 1 or abs(long_ - A4_MM[1]) > 1:
                self.add(
                    "page.a4",
                    f"Khổ giấy {_num(width)} × {_num(height)} mm, cần A4 (210 × 297 mm)",
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
                    if not self._within(found[side], lo, hi)
                ]
                for ranges in choices
            ]
            names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
            for side, low, high in min(misses, key=len):
                self.add(
                    f"margin.{side}",
                    f"Lề {names[side]} {_num(found[side])} mm, cần {_range(low, high, 'mm')}",
                    where,
                )

    @staticmethod
    def _within(value: float, low: float, high: float) -> bool:
        return low - _MM_TOLERANCE <= value <= high + _MM_TOLERANCE

    # --- parts -----------------------------------------------------------------------------------

    def split_parts(self) -> list[_Part]:
        parts: list[_Part] = []
        current: _Part | None = None
        for el, section in self.blocks:
            if el.tag == _TBL and _is_header_table(el):
                current = _Part(header=el, first=el, section=section)
                parts.append(current)
                continue
            if current is None or current.footer is not None:
                if el.tag == _P and (not _text(el).strip() or _is_control(_text(el))):
                    continue
                current = _Part(first=el, section=section)
                parts.append(current)
            if el.tag == _TBL and _is_footer_table(el):
                current.footer = el
            else:
                current.blocks.append(el)
        return parts

    def kem_theo(self, part: _Part) -> list[_Line]:
        paragraphs = [b for b in part.blocks if b.tag == _P]
        return [line for line in _cell_lines(paragraphs) if _KEM_THEO_RE.match(line.text)]

    def check_part(self, part: _Part, index: int, parts: list[_Part]) -> None:
        number = self.check_header(part) if part.header is not None else None
        is_annex = number is None and bool(self.kem_theo(part))
        if index and part.section == parts[index - 1].section:
            self.add(
                "annex.page_number" if is_annex else "page_number.restart",
                "Phần này nằm chung section với phần trước nên không đánh số trang riêng; cần "
                "ngắt section (trang mới) và đánh số trang lại từ 1",
                self.where(part.first) if part.first.tag == _P else "đầu phần",
            )
        if is_annex:
            self.check_annex(part)
        elif part.header is None:
            first = part.first
            where = self.where(first) if first.tag == _P else "đầu tệp"
            if index == 0:
                self.add(
                    "quoc_hieu.missing", "Không thấy khối Quốc hiệu, Tiêu ngữ ở đầu văn bản", where
                )
            else:
                self.add(
                    "annex.kem_theo",
                    'Phần sau chữ ký không có dòng "(Kèm theo ...)" nên không rõ là phụ lục '
                    "của văn bản nào",
                    where,
                )
        else:
            self.check_main(part, number)

    # --- header block ----------------------------------------------------------------------------

    def check_header(self, part: _Part) -> tuple[str | None, bool] | None:
        """Check the header table; return (type abbreviation, number line found) or None.

        Works on printed lines, so a clerk's Shift+Enter between the national title and the
        motto reads the same as two paragraphs.
        """
        tbl = part.header
        self.check_borderless(tbl, "header.borders", "Bảng khối tiêu đề")
        left_ps, right_ps = _columns(tbl)
        left, right = _cell_lines(left_ps), _cell_lines(right_ps)
        all_lines = _cell_lines(_table_paragraphs(tbl))
        qh = next(line for line in all_lines if _key(line.text).startswith("CỘNG HÒA"))
        self.check_quoc_hieu(qh)
        after = right[right.index(qh) + 1 :] if qh in right else []
        tn = after[0] if after and _key(after[0].text).startswith("ĐỘC LẬP") else None
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
            if self.kem_theo(part):
                return None  # an annex: it carries its parent's number, not one of its own
            self.add("number_line.missing", 'Không thấy dòng "Số: .../...-..."', self.at(qh))
            return (None, False)
        abbr = self.check_number_line(number)
        if date is None:
            self.add("place_date.missing", "Không thấy dòng địa danh, ngày tháng năm", self.at(qh))
        else:
            self.check_place_date(date, number)
        return (abbr, True)

    def check_borderless(self, tbl: El, rule: str, what: str) -> None:
        edges: dict[str, El] = {}
        style = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
        chain = self.props.chain(style.get(qn("w:val")) if style is not None else None, "table")
        for source in [*[s.find(qn("w:tblPr")) for s in reversed(chain)], tbl.find(qn("w:tblPr"))]:
            borders = source.find(qn("w:tblBorders")) if source is not None else None
            for edge in borders if borders is not None else ():
                edges[edge.tag] = edge
        cells = list(tbl.iter(qn("w:tcBorders")))
        if any(_visible(e) for e in edges.values()) or any(_visible(e) for c in cells for e in c):
            self.add(
                rule,
                f"{what} có đường viền, cần bảng không viền",
                self.labels.get(next(tbl.iter(_P), None), "bảng"),
            )

    def check_quoc_hieu(self, line: _Line) -> None:
        if _key(line.text) != _key(QUOC_HIEU):
            self.add("quoc_hieu.text", f'Quốc hiệu cần viết đúng "{QUOC_HIEU}"', self.at(line))
        self.check_size(line, "quoc_hieu.size", "quoc_hieu")
        self.require(line, "quoc_hieu.bold", "Quốc hiệu", bold=True)
        if not self.is_caps(line):
            self.add("quoc_hieu.caps", "Quốc hiệu cần viết chữ in hoa", self.at(line))

    def check_tieu_ngu(self, line: _Line) -> None:
        if _norm(line.text) != TIEU_NGU:
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
        solid = [i for i, r in enumerate(line.runs) if _run_text(r).strip()]
        runs = line.runs[solid[0] : solid[-1] + 1] if solid else []
        if {self.props.underline(r, line.p) for r in runs} - {"single", "thick"}:
            self.add(
                "tieu_ngu.underline",
                "Tiêu ngữ cần gạch chân nét liền suốt cả dòng chữ",
                self.at(line),
            )

    def check_issuer(self, lines: list[_Line], qh: _Line) -> None:
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
        cell = list(last.getparent().iterchildren(_P))
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
                f"Đường kẻ dưới tên cơ quan dài {_num(length)} mm ({round(100 * length / width)}% "
                "cột), cần ngắn, bằng 1/3–1/2 dòng chữ",
                self.at(lines[-1]),
            )

    def check_number_line(self, line: _Line) -> str | None:
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

    def check_place_date(self, line: _Line, number: _Line) -> None:
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
        if not same_row and self._line_index(line) != self._line_index(number):
            self.add(
                "place_date.align",
                'Dòng địa danh, ngày tháng không nằm ngang hàng với dòng "Số:"',
                self.at(line),
            )

    @staticmethod
    def _line_index(line: _Line) -> int:
        cell = _cell_lines(list(line.p.getparent().iterchildren(_P)))
        return cell.index(line) if line in cell else -1

    def check_date(self, line: _Line, day: str, month: str, year: str, prefix: str) -> None:
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
        return borders is not None and _visible(borders.find(qn(f"w:{edge}")))

    @staticmethod
    def has_drawing(p: El) -> bool:
        return any(True for _ in p.iter(qn("w:drawing"), qn("w:pict")))

    def is_rule(self, p: El) -> bool:
        if _text(p).strip():
            return False
        return (
            self.has_rule_border(p, "top")
            or self.has_rule_border(p, "bottom")
            or (self.has_drawing(p))
        )

    def cell_width(self, p: El) -> float | None:
        tc = p.getparent()
        tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") if tc.tag == _TC else None
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
        sections = self.doc.sections
        sec = sections[min(section, len(sections) - 1)]
        width = sec.page_width.mm if sec.page_width else A4_MM[0]
        return float(
            width
            - (sec.left_margin.mm if sec.left_margin else 0)
            - (sec.right_margin.mm if sec.right_margin else 0)
        )

    # --- main documents and annexes ---------------------------------------------------------------

    def title_block(self, blocks: list[El]) -> tuple[list[El], El, int]:
        """Centred lines at the top of the part: (lines, the short rule under them, next index)."""
        lines: list[El] = []
        for index, el in enumerate(blocks):
            if el.tag != _P:
                return lines, None, index
            text = _text(el)
            if not text.strip() or _is_control(text):
                if self.is_rule(el):
                    return lines, el, index + 1
                continue
            if self.props.align(el) != "center":
                return lines, None, index
            lines.append(el)
        return lines, None, len(blocks)

    def check_main(self, part: _Part, number: tuple[str | None, bool] | None) -> None:
        abbr, has_number = number if number is not None else (None, False)
        blocks = part.blocks
        first = next((b for b in blocks if b.tag == _TBL or _text(b).strip()), None)
        typed = abbr is not None or (
            not has_number
            and first is not None
            and first.tag == _P
            and self.props.align(first) == "center"
        )
        start = 0
        if typed:
            lines, rule, start = self.title_block(blocks)
            self.check_title(lines, rule, abbr, part)
        self.check_body(blocks[start:], closing=True)
        if part.footer is None:
            self.add(
                "signature.missing",
                'Không thấy bảng cuối văn bản gồm "Nơi nhận:" và khối chữ ký',
                self.where(part.first) if part.first.tag == _P else "cuối văn bản",
            )
        else:
            self.check_footer(part.footer)

    def check_title(self, paragraphs: list[El], rule: El, abbr: str | None, part: _Part) -> None:
        lines = _cell_lines(paragraphs)
        if not lines:
            name = TYPE_NAMES.get(abbr or "", "tên loại văn bản")
            self.add(
                "title.missing",
                f'Không thấy tên loại "{name}" căn giữa dưới khối tiêu đề',
                "sau khối tiêu đề",
            )
            return
        head, summary = lines[0], lines[1:]
        text = _norm(head.text)
        if abbr is not None and _key(text) != _key(TYPE_NAMES[abbr]):
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
                f"Đường kẻ dưới trích yếu dài {_num(length)} mm, cần ngắn, bằng 1/3–1/2 dòng chữ",
                self.at(lines[-1]),
            )

    def check_annex(self, part: _Part) -> None:
        paragraphs, _, start = self.title_block(part.blocks)
        lines = _cell_lines(paragraphs)
        kem = self.kem_theo(part)[0]
        names = lines[: lines.index(kem)] if kem in lines else lines
        if not names:
            self.add(
                "title.missing", "Phụ lục không có tên (dòng in hoa, đậm, căn giữa)", self.at(kem)
            )
        for line in names:
            self.require(line, "title.bold", "Tên phụ lục", bold=True)
            self.check_size(line, "title.size", "title")
        # "(Kèm theo ... số ... ngày ... của ...)" may wrap over several lines: all of it up to
        # the closing parenthesis is italic.
        for line in lines[lines.index(kem) :] if kem in lines else [kem]:
            if not self.all_flag(line, "w:i"):
                self.add("annex.kem_theo", 'Dòng "(Kèm theo ...)" cần in nghiêng', self.at(line))
            if ")" in line.text:
                break
        # An annex ends with its tables or notes, not with "./." (that closes the main text).
        self.check_body([b for b in part.blocks[start:] if b is not kem.p], closing=False)

    def check_body(self, blocks: list[El], *, closing: bool) -> None:
        paragraphs = [b for b in blocks if b.tag == _P and _text(b).strip()]
        paragraphs = [p for p in paragraphs if not _is_control(_text(p))]
        in_address = False
        for p in paragraphs:
            text = _norm(_text(p))
            align = self.props.align(p)
            # Letters open with "Kính gửi:" and a list of addressees, laid out like the header.
            in_address = text.startswith("Kính gửi") or (in_address and text[:2] in ("- ", "+ "))
            if align == "center" or in_address or (align in ("right", "end") and len(text) <= 60):
                continue  # titles and short labels ("Đơn vị tính: đồng") are not body text
            self.check_body_paragraph(p, align)
        if closing and paragraphs:
            last = paragraphs[-1]
            tail = _norm(_text(last))
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
                f"Thụt đầu dòng {_num(first_cm, 2)} cm, cần {_range(low, high, 'cm', 2)}",
                where,
            )
        before, after = self.spacing(p, "before"), self.spacing(p, "after")
        if max(before, after) < BODY_SPACE_MIN_PT:
            contextual = _on(self.props.para_el(p, "w:contextualSpacing"))
            note = " (đang bật bỏ khoảng cách giữa các đoạn cùng kiểu)" if contextual else ""
            self.add(
                "body.spacing",
                f"Khoảng cách trước đoạn {_num(before)} pt, sau đoạn {_num(after)} pt{note}, "
                f"cần ít nhất {_num(BODY_SPACE_MIN_PT)} pt",
                where,
            )
        self.check_line_spacing(p, where)
        self.check_size(_whole(p), "body.size", "body", where=where)

    def spacing(self, p: El, side: str) -> float:
        if _on(self.props.para_el(p, "w:contextualSpacing")):
            return 0.0  # Word drops the space between paragraphs of the same style
        auto = self.props.para_attr(p, "w:spacing", f"{side}Autospacing", side)
        if auto[1] is not None and _on_value(auto[1].get(qn(f"w:{side}Autospacing"))):
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
                    f"Giãn dòng {_num(value, 2)} dòng, cần {_range(low, high, 'dòng', 2)}",
                    where,
                )
            return
        points = int(line) / 20
        sizes = {self.props.size(r, p) for r in _solid(_runs(p))}
        size = max(sizes or {SIZE_RANGES["body"][1]})
        top = high * _TNR_LINE_EM * size
        # Exact spacing from 15 pt was the old circular's "single"; below that, lines overlap.
        bottom = 15.0 if rule == "exact" else 0.0
        if not bottom <= points <= top + 0.1:
            self.add(
                "body.line_spacing",
                f"Giãn dòng {_num(points)} pt ({'chính xác' if rule == 'exact' else 'tối thiểu'}),"
                f" cần từ dòng đơn đến 1,5 dòng (tối đa {_num(top)} pt)",
                where,
            )

    # --- footer block ----------------------------------------------------------------------------

    def check_footer(self, tbl: El) -> None:
        self.check_borderless(tbl, "footer.borders", "Bảng nơi nhận, chữ ký")
        cells = [tc for tr in tbl.findall(_TR) for tc in tr.findall(_TC)]
        home = next(
            tc for tc in cells if any(_key(_text(p)).startswith("NƠI NHẬN") for p in tc.iter(_P))
        )
        lines = _cell_lines(list(home.iter(_P)))
        start = next(i for i, line in enumerate(lines) if _key(line.text).startswith("NƠI NHẬN"))
        self.check_recipients(lines[start:])
        others = [p for tc in cells if tc is not home for p in tc.iter(_P)]
        self.check_signature(_cell_lines(others))

    def check_recipients(self, lines: list[_Line]) -> None:
        heading, items = lines[0], lines[1:]
        if _norm(heading.text) != RECIPIENTS_HEADING:
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

    def check_signature(self, lines: list[_Line]) -> None:
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
            _owner(el) if el.tag == qn("w:instrText") else el.getparent()
            for el in part.iter(qn("w:instrText"), qn("w:fldSimple"))
            if _PAGE_FIELD_RE.match(
                el.text if el.tag == qn("w:instrText") else el.get(qn("w:instr")) or ""
            )
        ]
        return [p for p in found if p is not None]

    def check_page_numbers(self, parts: list[_Part]) -> None:
        starts = {part.section for part in parts}
        # A section with nothing printed in it (the break after the last table) has no pages.
        used = {s for el, s in self.blocks if el.tag == _TBL or _text(el).strip()}
        even = _on(self.doc.settings.element.find(qn("w:evenAndOddHeaders")))
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
                        for r in _runs(p)
                        if r.find(qn("w:fldChar")) is not None
                        or r.find(qn("w:instrText")) is not None
                        or _run_text(r).strip()
                    ]
                    line = _Line(p, "", runs)
                    self.check_size(
                        line, "page_number.size", "page_number", where=where, solid=False
                    )
            title_pg = _on(sect_pr.find(qn("w:titlePg")))
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

    # --- whole-document rules --------------------------------------------------------------------

    def story_paragraphs(self) -> Iterator[tuple[El, str]]:
        for p in self.doc.element.body.iter(_P):
            yield p, ""
        seen: set[str] = set()
        for rel in self.doc.part.rels.values():
            if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.partname not in seen:
                seen.add(rel.target_part.partname)
                label = "đầu trang" if rel.reltype == RT.HEADER else "chân trang"
                for p in rel.target_part.element.iter(_P):
                    yield p, label

    def check_fonts(self) -> None:
        for p, label in self.story_paragraphs():
            for run in _text_runs(p):
                text = _run_text(run)
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
                where = f"{label}: {_norm(_text(p))[:40]}" if label else self.where(p)
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

    def check_dates(self, parts: list[_Part]) -> None:
        skip = {p for part in parts if part.header is not None for p in part.header.iter(_P)}
        for p in self.doc.element.body.iter(_P):
            if p in skip:
                continue
            for match in _LONG_DATE_RE.finditer(_clean(_text(p))):
                self.check_date(_whole(p), match[1], match[2], match[3], "date")


def _on_value(value: str | None) -> bool:
    return value is not None and value.lower() not in _OFF
