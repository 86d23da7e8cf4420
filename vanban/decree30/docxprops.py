"""Read a .docx's text and its effective formatting, the way Word lays it out.

Text comes from a paragraph's own runs, cut into printed lines at its line breaks. Each property
is resolved through the run, its character style, the paragraph, the paragraph style chain
(basedOn) and the document defaults, so a wrong font hidden in the Normal style is found as surely
as one typed on a single word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from vanban.decree30.spec import FONT_NAME

El = Any  # an lxml element of the document; python-docx gives them no precise static type

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_W_R = qn("w:r")
_CONTROL_RE = re.compile(r"^\{%.*%\}$", re.S)
_OFF = ("0", "false", "off", "none")
# Old and new tone placement ("HOÀ"/"HÒA") are both correct spellings of the national title.
# Only at the end of a syllable: "HOẠCH" keeps its mark on the A.
_TONES = {"OÀ": "ÒA", "OÁ": "ÓA", "OẢ": "ỎA", "OÃ": "ÕA", "OẠ": "ỌA", "UỶ": "ỦY", "UÝ": "ÚY"}
_TONE_RE = re.compile("(" + "|".join(_TONES) + r")(?!\w)")


# --- text -----------------------------------------------------------------------------------------


def clean(text: str) -> str:
    """NFC, no-break spaces and tabs as spaces; spacing kept (it matters in "Số:   /KH")."""
    return unicodedata.normalize("NFC", text).replace("\xa0", " ").replace("\t", " ").strip()


def norm(text: str) -> str:
    return " ".join(clean(text).split())


def caps_key(text: str) -> str:
    return _TONE_RE.sub(lambda m: _TONES[m[1]], norm(text).upper())


def run_text(run: El) -> str:
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


def owning_paragraph(el: El) -> El:
    parent = el.getparent()
    while parent is not None and parent.tag != W_P:
        parent = parent.getparent()
    return parent


def paragraph_runs(p: El) -> list[El]:
    """The paragraph's own runs (hyperlinks and fields included, text boxes inside it excluded)."""
    return [r for r in p.iter(_W_R) if owning_paragraph(r) is p]


def paragraph_text(p: El) -> str:
    return unicodedata.normalize("NFC", "".join(run_text(r) for r in paragraph_runs(p)))


def text_runs(p: El) -> list[El]:
    return [r for r in paragraph_runs(p) if run_text(r).strip()]


class Line(NamedTuple):
    """One printed line: its paragraph, its text (inner spacing kept) and the runs printing it."""

    p: El
    text: str
    runs: list[El]


def _split_lines(p: El) -> list[Line]:
    """The paragraph cut at its line breaks (Shift+Enter), blank lines dropped."""
    pieces: list[tuple[list[str], list[El]]] = [([], [])]
    for run in paragraph_runs(p):
        for index, piece in enumerate(run_text(run).split("\n")):
            if index:
                pieces.append(([], []))
            if piece:
                pieces[-1][0].append(piece)
                pieces[-1][1].append(run)
    lines = [Line(p, clean("".join(texts)), runs) for texts, runs in pieces]
    return [line for line in lines if line.text]


def whole_line(p: El) -> Line:
    return Line(p, clean(paragraph_text(p)), [r for r in paragraph_runs(p) if run_text(r)])


def cell_lines(paragraphs: Sequence[El]) -> list[Line]:
    return [
        line for p in paragraphs if not is_control(paragraph_text(p)) for line in _split_lines(p)
    ]


def solid_runs(runs: Sequence[El]) -> list[El]:
    """Runs that print something other than spaces: the ones whose format a reader sees."""
    return [r for r in runs if run_text(r).strip()]


def is_control(text: str) -> bool:
    return bool(_CONTROL_RE.match(norm(text)))


def is_on(el: El) -> bool:
    return el is not None and (el.get(qn("w:val")) or "1").lower() not in _OFF


def is_on_value(value: str | None) -> bool:
    return value is not None and value.lower() not in _OFF


# --- style resolution -----------------------------------------------------------------------------


class Props:
    """Effective formatting: run -> character style -> paragraph style chain -> docDefaults."""

    def __init__(self, doc: DocxDocument) -> None:
        root = doc.styles.element
        self.styles: dict[str, El] = {
            s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))
        }
        self.default: dict[str, str] = {}
        for sid, style in self.styles.items():
            if is_on_value(style.get(qn("w:default"))):
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
        return is_on(self.run_el(run, p, tag))

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
