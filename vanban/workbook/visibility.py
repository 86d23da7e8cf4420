"""What vanban reads that the clerk cannot see in Excel: hidden sheets, rows and columns.

A hidden cell still prints into the documents, so each one read is said, by its cell; what is
hidden but not read (an unused column, an empty row) is no concern of the documents and not said.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vanban.workbook.schema import KV_HEADERS, Sheet

# Excel's sheet states other than "visible", as a clerk would say them.
STATES = {"hidden": "đang ẩn", "veryHidden": "ẩn sâu, Excel không cho bỏ ẩn bằng chuột"}
_LISTED_ROWS = 10
# A number format of empty sections (";;;") shows nothing of the value it formats.
_HIDING_FORMAT = re.compile(r"^\s*;{2,3}\s*$")


def hides_value(number_format: object) -> bool:
    return bool(_HIDING_FORMAT.match(str(number_format or "")))


def hidden_findings(
    ws: Worksheet, spec: Sheet, header_row: int, columns: dict[str, int], rows: list[int]
) -> list[tuple[str, str]]:
    """(cell, message) for each hidden column read, and one for all hidden rows read."""
    found: list[tuple[str, str]] = []
    labels = {f.key: f.label for f in spec.fields} if not spec.key_value else {}
    # The plan sheet's guide column is read with it but never printed.
    used = {k: c for k, c in columns.items() if not spec.key_value or k in KV_HEADERS[:2]}
    for key, col in sorted(used.items(), key=lambda kc: kc[1]):
        if _column_hidden(ws, col):
            found.append((
                f"{get_column_letter(col)}{header_row}",
                f'cột "{labels.get(key, key)}" bị ẩn nhưng vanban vẫn đọc: hãy bỏ ẩn cột để kiểm '
                "tra",
            ))  # fmt: skip
    hidden = [r for r in [header_row, *rows] if _row_hidden(ws, r)]
    if hidden:
        first = get_column_letter(min(columns.values())) if columns else "A"
        listed = ", ".join(str(r) for r in hidden[:_LISTED_ROWS])
        more = f" và {len(hidden) - _LISTED_ROWS} dòng khác" if len(hidden) > _LISTED_ROWS else ""
        found.append((
            f"{first}{hidden[0]}",
            f"dòng {listed}{more} bị ẩn nhưng vanban vẫn đọc: hãy bỏ ẩn dòng để kiểm tra",
        ))  # fmt: skip
    return found


def _column_hidden(ws: Worksheet, col: int) -> bool:
    """Hidden, or zero wide: a column group's dimension covers columns min..max."""
    for dim in ws.column_dimensions.values():
        lo, hi = dim.min or 0, dim.max or 0
        if lo <= col <= hi and (dim.hidden or (dim.customWidth and dim.width == 0)):
            return True
    return False


def _row_hidden(ws: Worksheet, row: int) -> bool:
    """Hidden (by hand, a filter or a collapsed outline), or zero high."""
    dim = ws.row_dimensions.get(row) if row in ws.row_dimensions else None
    return dim is not None and bool(dim.hidden or (dim.customHeight and dim.height == 0))
