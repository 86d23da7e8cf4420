"""Formulas whose value comes from outside the workbook, which Excel refreshes and vanban cannot.

vanban reads the value Excel stored at its last save; when a formula takes it from another file,
a data server or the web, that value may be stale, so the cell gets a warning. Nothing here
evaluates a formula: it only looks at the formula's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vanban.text.names import match_key

# A reference to another workbook, as Excel stores it: "[1]Sheet1!A1" or "'[2]Kế hoạch'!B3". A
# structured reference (Table1[Cột]) has a name before its bracket and no number inside.
_EXTERNAL_REF = re.compile(r"(?<![\w\]])'?\[\d+\]")
# Values fetched at recalculation from outside the file: a DDE link ("=cmd|'/c calc'!A0", an
# application and topic before a "|") or a function that reads the web or a live data server.
_OUTSIDE = re.compile(r"(?<!\w)[A-Za-z][\w.]*\|'?|\b(?:WEBSERVICE|RTD|STOCKHISTORY)\s*\(", re.I)
_NAME_TOKEN = re.compile(r"[^\W\d][\w.]*")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


class OutsideFormulas:
    """Tells a formula that reads outside the file, directly or through a named range."""

    def __init__(self, defined_names: Mapping[str, Any]) -> None:
        self._names = {
            match_key(name) for name, dn in defined_names.items()
            if _EXTERNAL_REF.search(str(getattr(dn, "attr_text", "") or ""))
        }  # fmt: skip

    def reads_outside(self, formula: str) -> bool:
        formula = _STRING_LITERAL.sub('""', formula)  # text in quotes is no reference
        if _EXTERNAL_REF.search(formula) or _OUTSIDE.search(formula):
            return True
        return any(match_key(w) in self._names for w in _NAME_TOKEN.findall(formula))
