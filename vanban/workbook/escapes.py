"""A cell's string as Excel shows it: ``_xHHHH_`` escapes decoded, control characters handled.

Excel stores a character that XML cannot hold (or any other, at a writer's whim) as ``_xHHHH_``,
one UTF-16 code unit, and a literal "_x" as ``_x005F_x``. openpyxl hands such text over
undecoded, so "_x000D_" would reach a document. After decoding, the control characters are what
Excel shows of them: a line break for CR, VT and FF, a space for a tab, nothing for the rest
(NUL, DEL, C1 controls, lone surrogates, the non-characters XML refuses). Each one is reported,
since a clerk never typed them: they come from pasted or generated text.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_LINE_BREAKS = {0x0B, 0x0C, 0x0D}
# Anything without_controls would change: most cells have none, and skip the walk.
_ANY_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _replacement(code: int) -> str | None:
    """What stands for a control character; None when it is no control character."""
    if code in (0x0A,):
        return None  # Alt+Enter: a line break the clerk typed
    if code == 0x09:
        return " "
    if code in _LINE_BREAKS:
        return "\n"
    if code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return ""
    return None


def decode_escapes(text: str) -> str:
    """``_xHHHH_`` decoded in one pass (so ``_x005F_x000D_`` stays the text "_x000D_")."""
    if "_x" not in text:
        return text
    decoded = _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    # Two escaped halves of a surrogate pair are one character (an emoji from another tool).
    return re.sub(
        "[\ud800-\udbff][\udc00-\udfff]",
        lambda m: m[0].encode("utf-16-le", "surrogatepass").decode("utf-16-le"),
        decoded,
    )


def without_controls(text: str) -> tuple[str, list[str]]:
    """Decoded text as Excel shows it, and the control characters found ("U+000D", ...).

    Runs after a legacy font's text is converted: those encodings put letters where Unicode has
    control characters.
    """
    if not _ANY_CONTROL.search(text):
        return text, []
    found: list[str] = []
    out: list[str] = []
    for i, ch in enumerate(text):
        code = ord(ch)
        replacement = None if _printable(code) else _replacement(code)
        if replacement is None:
            out.append(ch)
            continue
        label = f"U+{code:04X}"
        if label not in found:
            found.append(label)
        if code == 0x0D and text[i + 1 : i + 2] == "\n":
            replacement = ""  # CR LF, Windows' line end: one line break
        out.append(replacement)
    return "".join(out), found


def _printable(code: int) -> bool:
    return code >= 0x20 and not (
        0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
    )
