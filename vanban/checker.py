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
from typing import Any

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


def _num(value: float) -> str:
    """A measurement the Vietnamese way: "1,27", "25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _range(low: float, high: float, unit: str) -> str:
    return f"{_num(low)} {unit}" if low == high else f"{_num(low)}–{_num(high)} {unit}"


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


def _lines(p: El) -> list[tuple[str, list[El]]]:
    """The paragraph cut at line breaks, each line with the runs that print on it."""
    lines: list[tuple[list[str], list[El]]] = [([], [])]
    for run in _runs(p):
        for index, piece in enumerate(_run_text(run).split("\n")):
            if index:
                lines.append(([], []))
            lines[-1][0].append(piece)
            if piece.strip():
                lines[-1][1].append(run)
    return [(_norm("".join(t)), runs) for t, runs in lines if _norm("".join(t))]


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

    def sizes(self, p: El, runs: Sequence[El] | None = None) -> set[float]:
        return {self.props.size(r, p) for r in (_text_runs(p) if runs is None else runs)}

    def check_size(self, p: El, rule: str, kind: str, runs: Sequence[El] | None = None) -> None:
        low, high = SIZE_RANGES[kind]
        bad = sorted(s for s in self.sizes(p, runs) if not low <= s <= high)
        if bad:
            found = ", ".join(_num(s) for s in bad)
            self.add(rule, f"Cỡ chữ {found} pt, cần {_range(low, high, 'pt')}", self.where(p))

    def all_flag(self, p: El, tag: str, runs: Sequence[El] | None = None) -> bool:
        runs = _text_runs(p) if runs is None else runs
        return bool(runs) and all(self.props.flag(r, p, tag) for r in runs)

    def any_flag(self, p: El, tag: str, runs: Sequence[El] | None = None) -> bool:
        return any(self.props.flag(r, p, tag) for r in (_text_runs(p) if runs is None else runs))

    def is_caps(self, p: El, text: str, runs: Sequence[El] | None = None) -> bool:
        return text == text.upper() or self.all_flag(p, "w:caps", runs)

    def require(
        self, p: El, rule: str, what: str, *, bold: bool | None = None, italic: bool | None = None
    ) -> None:
        """``what`` is the element's name in the message ("Quốc hiệu")."""
        for tag, wanted, yes, no in (
            ("w:b", bold, "in đậm", "không in đậm"),
            ("w:i", italic, "in nghiêng", "chữ đứng (không nghiêng)"),
        ):
            if wanted is True and not self.all_flag(p, tag):
                self.add(rule, f"{what} cần {yes}", self.where(p))
            if wanted is False and self.any_flag(p, tag):
                self.add(rule, f"{what} cần {no}", self.where(p))

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

    def kem_theo(self, part: _Part) -> list[El]:
        return [b for b in part.blocks if b.tag == _P and _KEM_THEO_RE.match(_norm(_text(b)))]

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
        """Check the header table; return (type abbreviation, number line found) or None."""
        tbl = part.header
        self.check_borderless(tbl, "header.borders", "Bảng khối tiêu đề")
        left, right = _columns(tbl)
        filled = [p for p in right if _text(p).strip() and not _is_control(_text(p))]
        qh = next(p for p in _table_paragraphs(tbl) if _key(_text(p)).startswith("CỘNG HÒA"))
        self.check_quoc_hieu(qh)
        after = filled[filled.index(qh) + 1 :] if qh in filled else []
        tn = after[0] if after else None
        if tn is None or not _key(_text(tn)).startswith("ĐỘC LẬP"):
            self.add("tieu_ngu.missing", f'Không thấy Tiêu ngữ "{TIEU_NGU}"', self.where(qh))
            tn = None
        else:
            self.check_tieu_ngu(tn)
        number_p = next((p for p in left if re.match(r"^Số\s*:", _clean(_text(p)))), None)
        if number_p is None:
            number_p = next((p for p in right if _clean(_text(p)).startswith("Số:")), None)
        date_p = next(
            (p for p in (after[1:] if tn is not None else after) if "ngày" in _text(p)), None
        )
        issuer_end = left.index(number_p) if number_p in left else len(left)
        self.check_issuer(left[:issuer_end], qh)
        if number_p is None:
            if self.kem_theo(part):
                return None  # an annex: it carries its parent's number, not one of its own
            self.add("number_line.missing", 'Không thấy dòng "Số: .../...-..."', self.where(qh))
            return (None, False)
        abbr = self.check_number_line(number_p)
        if date_p is None:
            self.add(
                "place_date.missing", "Không thấy dòng địa danh, ngày tháng năm", self.where(qh)
            )
        else:
            self.check_place_date(date_p, number_p)
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

    def check_quoc_hieu(self, p: El) -> None:
        if _key(_text(p)) != _key(QUOC_HIEU):
            self.add("quoc_hieu.text", f'Quốc hiệu cần viết đúng "{QUOC_HIEU}"', self.where(p))
        self.check_size(p, "quoc_hieu.size", "quoc_hieu")
        self.require(p, "quoc_hieu.bold", "Quốc hiệu", bold=True)
        if not self.is_caps(p, _norm(_text(p))):
            self.add("quoc_hieu.caps", "Quốc hiệu cần viết chữ in hoa", self.where(p))

    def check_tieu_ngu(self, p: El) -> None:
        if _norm(_text(p)) != TIEU_NGU:
            self.add(
                "tieu_ngu.text",
                f'Tiêu ngữ cần viết đúng "{TIEU_NGU}" (gạch nối có cách chữ hai bên)',
                self.where(p),
            )
        self.check_size(p, "tieu_ngu.size", "tieu_ngu")
        self.require(p, "tieu_ngu.bold", "Tiêu ngữ", bold=True)
        # The line under the motto must be as long as the text; only an underline of the text
        # itself guarantees that (a drawn line cannot be measured against the words).
        runs = _runs(p)
        texts = [_run_text(r) for r in runs]
        first = next((i for i, t in enumerate(texts) if t.strip()), 0)
        last = max((i for i, t in enumerate(texts) if t.strip()), default=-1)
        styles = {self.props.underline(r, p) for r in runs[first : last + 1] if _run_text(r)}
        if styles - {"single", "thick"}:
            self.add(
                "tieu_ngu.underline",
                "Tiêu ngữ cần gạch chân nét liền suốt cả dòng chữ",
                self.where(p),
            )

    def check_issuer(self, lines: list[El], qh: El) -> None:
        filled = [p for p in lines if _text(p).strip() and not _is_control(_text(p))]
        if not filled:
            self.add("issuer.missing", "Không thấy tên cơ quan ban hành", self.where(qh))
            return
        bold = [self.all_flag(p, "w:b") for p in filled]
        # The governing body comes first and is not bold; everything from the first bold line on
        # is the issuing body. With no bold line at all, every line is taken for the issuer.
        start = bold.index(True) if True in bold else 0
        for p in filled[:start]:
            self.check_size(p, "governing.size", "governing")
            if not self.is_caps(p, _norm(_text(p))):
                self.add("governing.caps", "Tên cơ quan chủ quản cần in hoa", self.where(p))
        for p in filled[start:]:
            self.check_size(p, "issuer.size", "issuer")
            self.require(p, "issuer.bold", "Tên cơ quan ban hành", bold=True)
            if not self.is_caps(p, _norm(_text(p))):
                self.add("issuer.caps", "Tên cơ quan ban hành cần in hoa", self.where(p))
        last = filled[-1]
        following = lines[lines.index(last) + 1 :]
        rule = last if self.has_rule_border(last, "bottom") else None
        if rule is None and following and self.is_rule(following[0]):
            rule = following[0]
        if rule is None and self.has_drawing(last):
            rule = last
        if rule is None:
            self.add(
                "issuer.line",
                "Thiếu đường kẻ ngắn nét liền dưới tên cơ quan ban hành",
                self.where(last),
            )
            return
        width = self.cell_width(rule)
        length = self.rule_length(rule, width)
        if length is not None and width and not 0.15 <= length / width <= 0.6:
            self.add(
                "issuer.line",
                f"Đường kẻ dưới tên cơ quan dài {_num(length)} mm ({round(100 * length / width)}% "
                "cột), cần ngắn, bằng 1/3–1/2 dòng chữ",
                self.where(last),
            )

    def check_number_line(self, p: El) -> str | None:
        text = _clean(_text(p))
        self.check_size(p, "number_line.size", "number_line")
        self.require(p, "number_line.italic", 'Dòng "Số:"', italic=False)
        match = _NUMBER_RE.match(text)
        if match is None:
            self.add(
                "number_line.format",
                f'Dòng số, ký hiệu "{text}" không đúng mẫu "Số: 05/KH-UBND"',
                self.where(p),
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
            self.add("number_line.format", f'"{text}": ' + "; ".join(problems), self.where(p))
        if num and int(num) > 0:
            expected = f"{int(num):02d}"
            if num != expected:
                self.add(
                    "number_line.padding",
                    f'Số "{num}" cần viết "{expected}" (số dưới 10 có số 0 đứng trước)',
                    self.where(p),
                )
        abbr = sym.split("-")[0]
        return abbr if abbr in TYPE_NAMES else None

    def check_place_date(self, p: El, number_p: El) -> None:
        text = _clean(_text(p))
        self.check_size(p, "place_date.size", "place_date")
        self.require(p, "place_date.italic", "Dòng địa danh, ngày tháng", italic=True)
        match = _PLACE_DATE_RE.match(text)
        if match is None:
            self.add(
                "place_date.format",
                f'"{text}" không đúng mẫu "Tháp Mười, ngày 02 tháng 11 năm 2022"',
                self.where(p),
            )
        else:
            self.check_date(p, match["d"].strip(), match["m"].strip(), match["y"], "place_date")
        same_row = p.getparent().getparent() is number_p.getparent().getparent()
        if not same_row and self._index_in_cell(p) != self._index_in_cell(number_p):
            self.add(
                "place_date.align",
                'Dòng địa danh, ngày tháng không nằm ngang hàng với dòng "Số:"',
                self.where(p),
            )

    @staticmethod
    def _index_in_cell(p: El) -> int:
        return list(p.getparent().iterchildren(_P)).index(p)

    def check_date(self, p: El, day: str, month: str, year: str, prefix: str) -> None:
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
            self.add(f"{prefix}.padding", "; ".join(problems), self.where(p))
        if day and month:
            try:
                dt.date(int(year), int(month), int(day))
            except ValueError:
                self.add(
                    f"{prefix}.format",
                    f"Ngày {int(day)}/{int(month)}/{year} không có thật",
                    self.where(p),
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

    def check_title(self, lines: list[El], rule: El, abbr: str | None, part: _Part) -> None:
        if not lines:
            name = TYPE_NAMES.get(abbr or "", "tên loại văn bản")
            self.add(
                "title.missing",
                f'Không thấy tên loại "{name}" căn giữa dưới khối tiêu đề',
                "sau khối tiêu đề",
            )
            return
        head, summary = lines[0], lines[1:]
        text = _norm(_text(head))
        if abbr is not None and _key(text) != _key(TYPE_NAMES[abbr]):
            self.add(
                "title.type",
                f'Ký hiệu "{abbr}" là {TYPE_NAMES[abbr]} nhưng tên loại là "{text}"',
                self.where(head),
            )
        if not self.is_caps(head, text):
            self.add("title.caps", "Tên loại văn bản cần in hoa", self.where(head))
        self.require(head, "title.bold", "Tên loại văn bản", bold=True)
        self.check_size(head, "title.size", "title")
        if not summary:
            self.add("summary.missing", "Thiếu trích yếu nội dung dưới tên loại", self.where(head))
        for p in summary:
            self.require(p, "summary.bold", "Trích yếu nội dung", bold=True)
            self.check_size(p, "summary.size", "summary")
        last = lines[-1]
        if rule is None and self.has_rule_border(last, "bottom"):
            rule = last
        if rule is None:
            self.add("title.line", "Thiếu đường kẻ ngắn nét liền dưới trích yếu", self.where(last))
            return
        width = self.text_width(part.section)
        length = self.rule_length(rule, width)
        if length is not None and not 10 <= length <= 0.6 * width:
            self.add(
                "title.line",
                f"Đường kẻ dưới trích yếu dài {_num(length)} mm, cần ngắn, bằng 1/3–1/2 dòng chữ",
                self.where(last),
            )

    def check_annex(self, part: _Part) -> None:
        lines, _, start = self.title_block(part.blocks)
        kem = self.kem_theo(part)[0]
        in_title = kem in lines
        names = lines[: lines.index(kem)] if in_title else lines
        if not names:
            self.add(
                "title.missing",
                "Phụ lục không có tên (dòng in hoa, đậm, căn giữa)",
                self.where(kem),
            )
        for p in names:
            self.require(p, "title.bold", "Tên phụ lục", bold=True)
            self.check_size(p, "title.size", "title")
        # "(Kèm theo ... số ... ngày ... của ...)" may wrap over several paragraphs: all of it up
        # to the closing parenthesis is italic.
        rest = lines[lines.index(kem) :] if in_title else [kem]
        for p in rest:
            if not self.all_flag(p, "w:i"):
                self.add("annex.kem_theo", 'Dòng "(Kèm theo ...)" cần in nghiêng', self.where(p))
            if ")" in _text(p):
                break
        # An annex ends with its tables or notes, not with "./." (that closes the main text).
        self.check_body([b for b in part.blocks[start:] if b is not kem], closing=False)

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
                f"Thụt đầu dòng {_num(first_cm)} cm, cần {_range(low, high, 'cm')}",
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
        self.check_size(p, "body.size", "body")

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
                    f"Giãn dòng {_num(value)} dòng, cần {_range(low, high, 'dòng')}",
                    where,
                )
            return
        points = int(line) / 20
        size = max(self.sizes(p) or {SIZE_RANGES["body"][1]})
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
        paragraphs = list(home.iter(_P))
        heading_p = next(p for p in paragraphs if _key(_text(p)).startswith("NƠI NHẬN"))
        lines = [
            (p, text, runs)
            for p in paragraphs[paragraphs.index(heading_p) :]
            if not _is_control(_text(p))
            for text, runs in _lines(p)
        ]
        self.check_recipients(lines)
        signature = [
            (p, text, runs)
            for tc in cells
            if tc is not home
            for p in tc.iter(_P)
            if not _is_control(_text(p))
            for text, runs in _lines(p)
        ]
        self.check_signature(signature, tbl)

    def check_recipients(self, lines: list[tuple[El, str, list[El]]]) -> None:
        (p, text, runs), items = lines[0], lines[1:]
        where = self.where(p, text)
        if text != RECIPIENTS_HEADING:
            self.add(
                "recipients.heading", f'Cần viết "{RECIPIENTS_HEADING}", đang là "{text}"', where
            )
        self.check_size(p, "recipients.heading", "recipients_heading", runs)
        if not (self.all_flag(p, "w:b", runs) and self.all_flag(p, "w:i", runs)):
            self.add("recipients.heading", '"Nơi nhận:" cần in đậm, nghiêng', where)
        if not items:
            self.add(
                "recipients.last", 'Không có nơi nhận nào, cần ít nhất "- Lưu: VT, ...."', where
            )
            return
        for index, (p, text, runs) in enumerate(items):
            where = self.where(p, text)
            self.check_size(p, "recipients.size", "recipients", runs)
            if not text.startswith("- "):
                self.add("recipients.format", 'Mỗi nơi nhận bắt đầu bằng "- "', where)
            if index < len(items) - 1 and not text.endswith(";"):
                self.add("recipients.format", 'Nơi nhận (trừ dòng cuối) kết thúc bằng ";"', where)
        p, text, _ = items[-1]
        if not re.match(r"^- Lưu:\s*VT\b.*\.$", text):
            self.add(
                "recipients.last",
                f'Dòng cuối nơi nhận cần dạng "- Lưu: VT, <đơn vị>." (kết thúc bằng "."), '
                f'đang là "{text}"',
                self.where(p, text),
            )

    def check_signature(self, lines: list[tuple[El, str, list[El]]], tbl: El) -> None:
        if len(lines) < 2:
            self.add(
                "signature.missing",
                "Thiếu khối chữ ký (quyền hạn, chức vụ in hoa đậm và họ tên người ký)",
                self.where(lines[0][0], lines[0][1]) if lines else "bảng chữ ký",
            )
            return
        *titles, (p, name, runs) = lines
        for tp, text, truns in titles:
            where = self.where(tp, text)
            self.check_size(tp, "signature.size", "signature", truns)
            if not self.is_caps(tp, text, truns):
                self.add("signature.caps", "Quyền hạn, chức vụ người ký cần in hoa", where)
            if not self.all_flag(tp, "w:b", truns):
                self.add("signature.bold", "Quyền hạn, chức vụ người ký cần in đậm", where)
        where = self.where(p, name)
        if any(c.isalpha() for c in name) and name == name.upper():
            self.add(
                "signature.name",
                "Không thấy họ tên người ký (chữ thường, in đậm) dưới chức vụ",
                where,
            )
            return
        self.check_size(p, "signature.size", "signature", runs)
        if not self.all_flag(p, "w:b", runs):
            self.add("signature.name", "Họ tên người ký cần in đậm", where)

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
        used = {section for _, section in self.blocks}
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
                    self.check_size_runs(p, runs, "page_number.size", "page_number", where)
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

    def check_size_runs(self, p: El, runs: list[El], rule: str, kind: str, where: str) -> None:
        low, high = SIZE_RANGES[kind]
        bad = sorted({s for s in (self.props.size(r, p) for r in runs) if not low <= s <= high})
        if bad:
            found = ", ".join(_num(s) for s in bad)
            self.add(rule, f"Cỡ chữ {found} pt, cần {_range(low, high, 'pt')}", where)

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
                self.check_date(p, match[1], match[2], match[3], "date")


def _on_value(value: str | None) -> bool:
    return value is not None and value.lower() not in _OFF
