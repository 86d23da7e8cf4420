"""What reading a template or document against the allow-list finds, said as a clerk reads it.

Every finding names its part and what it holds, in Vietnamese; a refusal carries them all at
once, so that one round of fixing the template is enough.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One thing a template or document holds that it may not: its part and what it is."""

    part: str
    what: str  # in Vietnamese

    def __str__(self) -> str:
        return f"phần {self.part}: {self.what}"


class ContentRefused(ValueError):
    """A template or document holds what vanban refuses; ``findings`` names every instance."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = tuple(dict.fromkeys(findings))
        super().__init__("; ".join(str(f) for f in self.findings))


@dataclass
class Inspection:
    """What reading a package found: what it may not hold, and what is to be taken out."""

    refused: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)
    drop_parts: set[str] = field(default_factory=set)
    drop_rels: dict[str, set[str]] = field(default_factory=dict)  # rels part -> Ids
    drop_elements: dict[str, set[str]] = field(default_factory=dict)  # part -> tags


def shown(text: str, width: int = 80) -> str:
    """A value from the file as the clerk reads it: one line, cut to ``width``."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def class_of(kind: str) -> str:
    """What a content or relationship type off the list is, when it is a known danger."""
    low = kind.lower()
    if "vba" in low or "macro" in low or "keymapcustomizations" in low:
        return "macro (VBA)"
    if "activex" in low or low.endswith("/control"):
        return "điều khiển ActiveX"
    if "oleobject" in low or low.endswith("/package") or "embedding" in low:
        return "đối tượng nhúng OLE"
    if "afchunk" in low or "altchunk" in low:
        return "nội dung nhập từ tệp khác (altChunk)"
    return ""


def unknown_type(kind: str, what: str) -> str:
    """A type off the list, named by its danger when it is a known one."""
    danger = class_of(kind)
    if danger:
        return f'{danger} ({what} "{shown(kind)}")'
    return f'{what} "{shown(kind)}" mà vanban không biết'


__all__ = ["ContentRefused", "Finding", "Inspection", "class_of", "shown", "unknown_type"]
