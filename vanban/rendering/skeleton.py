"""A rendering's skeleton: every string the checks look for, in a fraction of its text.

A rendered body is mostly the template's own text printed again and again (a letter per invitee,
a row per person), and the checks that follow look in it for a few short strings only: a forbidden
element's marker, a character XML may not hold, docxtpl's escapes. Reading the template's own
text for them once per template, rather than once per letter, is what the skeleton is for.

Of a rendering, the skeleton keeps every value printed whole and, of each stretch of the
template's text that was read clean when the template was compiled, only its first and last
``keep`` characters with a space for the rest. A string sought that crosses from the template's
text into a value is so still found whole, and one that lies within a clean stretch cannot be
there. For every needle of its :class:`Needles` (none holds a space, none is longer than
``keep + 1``) the skeleton holds the needle exactly when the rendering does; a check asking for
any other string is refused (ValueError) rather than answered wrongly.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping, Sequence

import jinja2

_GAP = " "  # stands for the middle of a clean stretch; no needle holds it


class Needles:
    """The strings the checks look for in a rendering, and the template's text read for them."""

    def __init__(self, needles: Iterable[str]) -> None:
        self.sought = frozenset(needles)
        if not self.sought or any(not n or _GAP in n for n in self.sought):
            raise ValueError("needles must be non-empty strings without a space")
        self.encoded = frozenset(n.encode("utf-8") for n in self.sought)
        # An occurrence crossing into a clean stretch takes at most len - 1 of its characters.
        self.keep = max(1, max(len(n) for n in self.sought) - 1)

    def clean(self, text: str) -> bool:
        return not any(n in text for n in self.sought)

    def edges(self, texts: Iterable[str]) -> dict[str, str]:
        """For each of ``texts`` that holds no needle and is long enough to be worth it: its
        first and last ``keep`` characters, a space between them (what the skeleton keeps)."""
        keep = self.keep
        return {
            text: f"{text[:keep]}{_GAP}{text[len(text) - keep :]}"
            for text in texts
            if len(text) > 2 * keep + 1 and self.clean(text)
        }


class Skeleton:
    """The UTF-8 skeleton of one rendering (or of a part framed by fixed bytes)."""

    def __init__(self, text: bytes, needles: Needles) -> None:
        self._text = text
        self._needles = needles

    def holds(self, needle: bytes) -> bool:
        """Whether the rendering holds ``needle``, which must be one of the needles."""
        if needle not in self._needles.encoded:
            raise ValueError(f"the skeleton does not answer for {needle!r}")
        # A memchr for the first byte first: most needles are in no rendering at all.
        return needle[:1] in self._text and needle in self._text

    def framed(self, prefix: bytes, suffix: bytes) -> Skeleton:
        """The skeleton of ``prefix`` + the rendering + ``suffix``: both kept whole, so that a
        needle crossing into them is found as in the bytes themselves."""
        return Skeleton(prefix + self._text + suffix, self._needles)


def sketch_of(parts: Sequence[str], edges: Mapping[str, str]) -> str:
    """The skeleton of the text ``parts`` join to (see the module doc)."""
    get = edges.get
    return "".join(map(get, parts, parts))


def printed_as_is(template: jinja2.Template) -> set[str]:
    """The text ``template`` prints as it is: the string constants of its compiled code.

    What is found is only ever a candidate for :meth:`Needles.edges`, which reads each string:
    a constant that is no printed text costs a dictionary entry, nothing more.
    """
    found: set[str] = set()
    codes = [template.root_render_func.__code__]
    codes += [block.__code__ for block in template.blocks.values()]
    while codes:
        for const in codes.pop().co_consts:
            if isinstance(const, str):
                found.add(const)
            elif isinstance(const, types.CodeType):
                codes.append(const)
    return found


__all__ = ["Needles", "Skeleton", "printed_as_is", "sketch_of"]
