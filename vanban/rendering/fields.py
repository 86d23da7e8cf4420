"""The field codes of a Word part, however Word stored them, and which of them are refused.

A field's code is what its ``w:instrText`` runs hold between its ``begin`` and ``separate``
marks, however many runs Word split it into; fields nest, so each ``begin`` opens one. A code
outside any field, and a ``w:fldSimple``'s ``w:instr``, are codes of their own.
"""

from __future__ import annotations

from lxml import etree

from vanban.rendering.allowlist import PAGE_FIELDS
from vanban.rendering.findings import Finding, shown
from vanban.rendering.parts import W

FIELD_TAGS = frozenset({W + "fldChar", W + "instrText", W + "delInstrText", W + "fldSimple"})


class FieldCodes:
    """Reads the field elements of one part, in document order, into whole field codes."""

    def __init__(self) -> None:
        self._codes: list[list[str]] = []  # one per open field
        self._reading: list[bool] = []  # whether that field's code is still being read

    def read(self, el: etree._Element) -> list[str]:
        """The codes that field element ``el`` (a tag of :data:`FIELD_TAGS`) completes."""
        tag = el.tag
        if tag == W + "fldChar":
            return self._mark(el.get(W + "fldCharType"))
        if tag == W + "fldSimple":
            return [el.get(W + "instr") or ""]
        if self._reading and self._reading[-1]:
            self._codes[-1].append(el.text or "")
            return []
        return [el.text or ""]  # a code outside any field's code: checked on its own

    def _mark(self, mark: str | None) -> list[str]:
        if mark == "begin":
            self._codes.append([])
            self._reading.append(True)
        elif mark == "separate" and self._reading:
            self._reading[-1] = False
        elif mark == "end" and self._codes:
            self._reading.pop()
            return ["".join(self._codes.pop())]
        return []

    def unclosed(self) -> list[str]:
        """The codes of fields never closed, outermost first."""
        return ["".join(code) for code in self._codes]


def field_name(code: str) -> str:
    words = code.replace('"', " ").replace("\\", " \\").split()
    return words[0].upper() if words else ""


def refused_field(part: str, code: str) -> Finding | None:
    """The finding for a field code other than a page number's, or None."""
    name = field_name(code)
    if not name or name in PAGE_FIELDS:
        return None
    return Finding(
        part,
        f'trường (field) "{shown(code, 60)}": Word chạy hoặc cập nhật trường {name} khi mở '
        "văn bản; mẫu chỉ được có trường số trang (PAGE, NUMPAGES, SECTIONPAGES)",
    )


__all__ = ["FIELD_TAGS", "FieldCodes", "field_name", "refused_field"]
