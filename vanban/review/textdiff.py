"""What changed between two issues of a document, block by block and word by word.

Blocks are the units of :func:`vanban.review.docxtext.blocks` (a paragraph, a table cell), so one edited
cell shows as exactly one removed and one added line. Inside such a pair the changed words are
marked too, for the review page's ``<del>``/``<ins>``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Literal

from vanban.review.docxtext import blocks

Op = Literal["=", "-", "+"]

# Below this similarity a removed and an added block are shown as a whole, not word by word.
_PAIR_RATIO = 0.5
# A replaced region longer than this is not searched for pairs: its cost grows as the product.
_PAIR_LIMIT = 200

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    """A piece of one block's text: ``=`` kept, ``-`` removed (old side), ``+`` added (new side)."""

    op: Op
    text: str


@dataclass(frozen=True)
class DiffLine:
    """One block of the diff: ``=`` in both, ``-`` only in the old, ``+`` only in the new.

    ``words`` is set on a ``-``/``+`` line that pairs with a similar line on the other side: its
    text cut into segments, changed words marked. It is empty for unpaired and unchanged lines and
    takes no part in equality.
    """

    op: Op
    text: str
    words: tuple[Segment, ...] = field(default=(), compare=False)


def diff_blocks(old: Sequence[str], new: Sequence[str]) -> list[DiffLine]:
    """Every block of ``old`` and ``new`` once, marked kept, removed or added, in order."""
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    out: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(DiffLine("=", text) for text in old[i1:i2])
        elif tag == "delete":
            out.extend(DiffLine("-", text) for text in old[i1:i2])
        elif tag == "insert":
            out.extend(DiffLine("+", text) for text in new[j1:j2])
        else:
            out.extend(_replace(old[i1:i2], new[j1:j2]))
    return out


def diff_documents(a: str | PathLike[str], b: str | PathLike[str]) -> list[DiffLine]:
    """The block diff from document ``a`` (older) to document ``b`` (newer)."""
    return diff_blocks(blocks(a), blocks(b))


def word_diff(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The two texts cut into segments: kept words ``=``, removed ``-`` (old), added ``+`` (new)."""
    a = _TOKEN.findall(old)
    b = _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    old_parts: list[Segment] = []
    new_parts: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_parts.append(Segment("=", "".join(a[i1:i2])))
            new_parts.append(Segment("=", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            old_parts.append(Segment("-", "".join(a[i1:i2])))
        if j2 > j1:
            new_parts.append(Segment("+", "".join(b[j1:j2])))
    return _tidy(old_parts), _tidy(new_parts)


def hunks(lines: Sequence[DiffLine], *, context: int = 1) -> list[list[DiffLine]]:
    """The changes with up to ``context`` kept blocks around each; nearby changes share a hunk."""
    if context < 0:
        raise ValueError("context must be >= 0")
    shown: set[int] = set()
    for i, line in enumerate(lines):
        if line.op != "=":
            shown.update(range(max(0, i - context), min(len(lines), i + context + 1)))
    out: list[list[DiffLine]] = []
    previous = -2
    for i in sorted(shown):
        if i != previous + 1:
            out.append([])
        out[-1].append(lines[i])
        previous = i
    return out


def format_diff(lines: Sequence[DiffLine], *, context: int = 1) -> str:
    """Plain text: ``- old``, ``+ new`` and up to ``context`` kept blocks around each change.

    Hunks are separated by a line ``…``. A block of several lines has every line prefixed.
    No changes give an empty string.
    """
    out: list[str] = []
    for hunk in hunks(lines, context=context):
        if out:
            out.append("…")
        for line in hunk:
            marker = " " if line.op == "=" else line.op
            out.extend(f"{marker} {text}" for text in line.text.split("\n"))
    return "\n".join(out)


def _replace(old: Sequence[str], new: Sequence[str]) -> list[DiffLine]:
    """Removed lines then added lines; similar pairs get word segments."""
    pairs = _pairs(old, new)
    removed = [DiffLine("-", text) for text in old]
    added = [DiffLine("+", text) for text in new]
    for i, j in pairs:
        old_words, new_words = word_diff(old[i], new[j])
        removed[i] = DiffLine("-", old[i], old_words)
        added[j] = DiffLine("+", new[j], new_words)
    return removed + added


def _pairs(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """In-order pairs of similar old and new blocks (greedy, so never crossing)."""
    if len(old) * len(new) > _PAIR_LIMIT:
        return [(k, k) for k in range(min(len(old), len(new))) if _similar(old[k], new[k])]
    pairs: list[tuple[int, int]] = []
    start = 0
    for i, text in enumerate(old):
        for j in range(start, len(new)):
            if _similar(text, new[j]):
                pairs.append((i, j))
                start = j + 1
                break
    return pairs


def _similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, _TOKEN.findall(a), _TOKEN.findall(b), autojunk=False)
    return matcher.quick_ratio() >= _PAIR_RATIO and matcher.ratio() >= _PAIR_RATIO


def _tidy(parts: list[Segment]) -> tuple[Segment, ...]:
    """Merge neighbours of the same kind, and fold a lone space between two changes into them."""
    merged: list[Segment] = []
    for k, part in enumerate(parts):
        if not part.text:
            continue
        between_changes = (
            part.op == "="
            and part.text.isspace()
            and 0 < k < len(parts) - 1
            and parts[k - 1].op != "="
            and parts[k + 1].op == parts[k - 1].op
        )
        seg = Segment(parts[k - 1].op, part.text) if between_changes else part
        if merged and merged[-1].op == seg.op:
            merged[-1] = Segment(seg.op, merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return tuple(merged)
