"""Cut a .docx body into the documents and annexes it holds.

A file may hold several documents (one invitation per commune) and annexes; it is cut into parts:
a *main* part opens with the two-column header table (national title) and closes with the
"Nơi nhận" table; an *annex* has no "Số:" line and a "(Kèm theo ...)" line under its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn

from vanban.decree30.docxprops import (
    W_P,
    W_TBL,
    W_TC,
    W_TR,
    El,
    Line,
    caps_key,
    cell_lines,
    is_control,
    paragraph_text,
)

_KEM_THEO_RE = re.compile(r"^\(\s*kèm theo\b", re.I)


@dataclass
class Part:
    header: El = None  # the header table, if any
    footer: El = None  # the "Nơi nhận" table, if any
    blocks: list[El] = field(default_factory=list)  # what lies between them, in order
    first: El = None  # the block the part starts with
    section: int = 0


def table_paragraphs(tbl: El) -> list[El]:
    return list(tbl.iter(W_P))


def _is_header_table(tbl: El) -> bool:
    return any(caps_key(paragraph_text(p)).startswith("CỘNG HÒA") for p in table_paragraphs(tbl))


def _is_footer_table(tbl: El) -> bool:
    return any(caps_key(paragraph_text(p)).startswith("NƠI NHẬN") for p in table_paragraphs(tbl))


def walk_body(
    container: El,
    counters: list[int],
    labels: dict[El, str],
    blocks: list[tuple[El, int]],
) -> None:
    """Number body paragraphs and tables and note each block's section.

    ``counters`` holds the paragraph, table and section numbers reached so far; ``labels`` gets
    each paragraph's place for messages and ``blocks`` each body-level block with its section.
    """
    for child in container:
        if child.tag == W_P:
            counters[0] += 1
            labels[child] = f"đoạn {counters[0]}"
            blocks.append((child, counters[2]))
            if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                counters[2] += 1
        elif child.tag == W_TBL:
            counters[1] += 1
            blocks.append((child, counters[2]))
            for r, tr in enumerate(child.findall(W_TR), 1):
                for c, tc in enumerate(tr.findall(W_TC), 1):
                    for p in tc.iter(W_P):
                        labels[p] = f"bảng {counters[1]}, hàng {r}, ô {c}"
        elif child.tag == qn("w:sdt"):
            walk_body(child.find(qn("w:sdtContent")), counters, labels, blocks)


def split_parts(blocks: list[tuple[El, int]]) -> list[Part]:
    parts: list[Part] = []
    current: Part | None = None
    for el, section in blocks:
        if el.tag == W_TBL and _is_header_table(el):
            current = Part(header=el, first=el, section=section)
            parts.append(current)
            continue
        if current is None or current.footer is not None:
            if el.tag == W_P and (not paragraph_text(el).strip() or is_control(paragraph_text(el))):
                continue
            current = Part(first=el, section=section)
            parts.append(current)
        if el.tag == W_TBL and _is_footer_table(el):
            current.footer = el
        else:
            current.blocks.append(el)
    return parts


def kem_theo(part: Part) -> list[Line]:
    """The "(Kèm theo ...)" lines of a part: an annex has one under its title."""
    paragraphs = [b for b in part.blocks if b.tag == W_P]
    return [line for line in cell_lines(paragraphs) if _KEM_THEO_RE.match(line.text)]
