"""What vanban reads that the clerk cannot see in Excel: hidden sheets, rows and columns.

A hidden cell still prints into the documents, so each one read is said, by its cell; what is
hidden but not read (an unused column, an empty row) is no concern of the documents and not said.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from vanban.workbook.grid import SheetGrid
from vanban.workbook.schema import KV_HEADERS, Sheet

# Excel's sheet states other than "visible", as a clerk would say them.
STATES = {"hidden": "đang ẩn", "veryHidden": "ẩn sâu, Excel không cho bỏ ẩn bằng chuột"}
_LISTED_ROWS = 10
# A number format of empty sections (";;;") shows nothing of the value it formats.
_HIDING_FORMAT = re.compile(r"^\s*;{2,3}\s*$")


def hides_value(number_format: object) -> bool:
    return bool(_HIDING_FORMAT.match(str(number_format or "")))


def hidden_findings(
    ws: SheetGrid, spec: Sheet, header_row: int, columns: dict[str, int], rows: list[int]
) -> list[tuple[str, str]]:
    """(cell, message) for each hidden column read, and one for all hidden rows read."""
    found: list[tuple[str, str]] = []
    labels = {f.key: f.label for f in spec.fields} if not spec.key_value else {}
    # The plan sheet's guide column is read with it but never printed.
    used = {k: c for k, c in columns.items() if not spec.key_value or k in KV_HEADERS[:2]}
    for key, col in sorted(used.items(), key=lambda kc: kc[1]):
        if ws.column_hidden(col):
            found.append((
                f"{get_column_letter(col)}{header_row}",
                f'cột "{labels.get(key, key)}" bị ẩn nhưng vanban vẫn đọc: hãy bỏ ẩn cột để kiểm '
                "tra",
            ))  # fmt: skip
    # A sheet without a hidden row (most) is not asked about each row read.
    hidden = [r for r in [header_row, *rows] if ws.row_hidden(r)] if ws.hidden_rows else []
    if hidden:
        first = get_column_letter(min(columns.values())) if columns else "A"
        listed = ", ".join(str(r) for r in hidden[:_LISTED_ROWS])
        more = f" và {len(hidden) - _LISTED_ROWS} dòng khác" if len(hidden) > _LISTED_ROWS else ""
        found.append((
            f"{first}{hidden[0]}",
            f"dòng {listed}{more} bị ẩn nhưng vanban vẫn đọc: hãy bỏ ẩn dòng để kiểm tra",
        ))  # fmt: skip
    return found
