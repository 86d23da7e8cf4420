"""Typing one cell of the plan workbook: counts, money, dates, times, text and choices.

Each reader returns the clean Python value, or None after recording why not at the cell: what
was expected and what was found, in Vietnamese. A number or date written as text ("1.179",
"850.000đ", "11/11/2022") is read with a warning, never silently and never as an error.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from vanban.metadata import code_problem
from vanban.text.formatting import MAX_AMOUNT, group_digits, lower_first
from vanban.text.names import clean_text, match_key
from vanban.workbook.reader import Cell, Problems
from vanban.workbook.schema import Field

# No unit invites a million households and no document number comes near it: a bigger count is
# a slip of the keyboard (or a date or an amount in the wrong column).
MAX_COUNT = 1_000_000
# Document numbers are assigned from 1 each year.
_POSITIVE_KEYS = frozenset({"number", "summary_number"})


def shown(value: Any) -> str:
    """How a found value is quoted back to the clerk."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value == int(value) and abs(value) < 1e16:
            return group_digits(int(value))
        return group_digits(Decimal(repr(value)), None)
    if isinstance(value, int):
        return group_digits(value)
    if isinstance(value, datetime):
        if value.time() != time(0):
            return value.strftime("%d/%m/%Y %H:%M")
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def what(f: Field) -> str:
    """The field's label as the subject of a sentence: "số hộ nghèo", but "STT" stays."""
    return f.label if f.label[1:2].isupper() else lower_first(f.label)


def unreadable(problems: Problems, cell: Cell, f: Field) -> bool:
    """True (with an error) for a formula Excel never calculated or an Excel error value."""
    if cell.error is not None:
        problems.error(
            cell.sheet, cell.coord,
            f"{what(f)}: ô báo lỗi {cell.error} của Excel, hãy sửa công thức hoặc ghi giá trị",
        )
        return True
    if cell.value is None and cell.formula is not None:
        problems.error(
            cell.sheet, cell.coord,
            f"{what(f)}: công thức {cell.formula} chưa được tính, hãy mở và lưu lại tệp bằng Excel",
        )
        return True
    return False


def _empty(problems: Problems, cell: Cell, f: Field, expected: str) -> None:
    if f.required:
        problems.error(cell.sheet, cell.coord, f"{expected}, ô đang trống")


_NUMBER_TEXT = re.compile(r"^-?\d{1,3}(\.\d{3})+$|^-?\d+$")
_MONEY_SUFFIXES = ("đồng", "vnđ", "vnd", "đ", "d")


def number_from_text(text: str) -> int | None:
    """ "1.179", "850.000đ", "11.300.000 đồng" -> int; None when it is not a written number."""
    t = clean_text(text).lower()
    for suffix in _MONEY_SUFFIXES:
        if t.endswith(suffix) and t[: -len(suffix)].rstrip()[-1:].isdigit():
            t = t[: -len(suffix)]
            break
    t = t.replace(" ", "")
    if not _NUMBER_TEXT.match(t):
        return None
    return int(t.replace(".", ""))


def read_int(problems: Problems, cell: Cell, f: Field) -> int | None:
    """A count, a document number or an amount of money (``f.type == "money"``)."""
    if unreadable(problems, cell, f):
        return None
    money = f.type == "money"
    positive = f.key in _POSITIVE_KEYS
    kind = "số nguyên dương" if positive else "số nguyên không âm"
    expected = f"{what(f)} phải là {kind}"  # a money label already says "(đồng)"
    v = cell.value
    if v is None:
        _empty(problems, cell, f, expected)
        return None
    n: int | None = None
    if isinstance(v, str):
        n = number_from_text(v)
    elif isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        try:
            d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
        except (InvalidOperation, ValueError):
            d = Decimal("NaN")
        if d.is_finite() and d == d.to_integral_value():
            n = int(d)
    if n is None or n < (1 if positive else 0):
        problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
        return None
    limit = MAX_AMOUNT if money else MAX_COUNT
    if f.max_length is not None:
        # A number the metadata holds in so many digits (copies: 3, so at most 999).
        limit = min(limit, 10**f.max_length - 1)
    if n > limit:
        problems.error(
            cell.sheet, cell.coord,
            f"{what(f)} quá lớn: tối đa {group_digits(limit)}, nhận được {shown(v)}",
        )
        return None
    if isinstance(v, str):
        problems.warning(
            cell.sheet, cell.coord,
            f"{what(f)} ghi dạng chữ {shown(v)}, đã đọc là {group_digits(n)}",
        )
    return n


_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date_from_text(text: str) -> date | None:
    t = text.strip()
    m = _DMY.match(t)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None and (m := _YMD.match(t)):
        parts = (m.group(1), m.group(2), m.group(3))
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def read_date(problems: Problems, cell: Cell, f: Field) -> date | None:
    if unreadable(problems, cell, f):
        return None
    v = cell.value
    expected = f"{what(f)} phải là ngày (ngày/tháng/năm)"
    if v is None:
        _empty(problems, cell, f, expected)
        return None
    if cell.phantom_day:
        problems.error(
            cell.sheet, cell.coord,
            f"{what(f)}: ô ghi số ngày 60 của Excel, tức ngày 29/02/1900 không có thật (năm 1900 "
            "không nhuận); hãy ghi lại ngày đúng",
        )
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str) and (d := _date_from_text(v)) is not None:
        problems.warning(
            cell.sheet, cell.coord, f"{what(f)} ghi dạng chữ {shown(v)}, đã đọc là ngày {shown(d)}"
        )
        return d
    problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
    return None


_TIME_TEXT = re.compile(r"^(\d{1,2})\s*(?:[:hg]|giờ)\s*(\d{0,2})\s*(?:phút|p)?$", re.IGNORECASE)


def read_time(problems: Problems, cell: Cell, f: Field) -> time | None:
    if unreadable(problems, cell, f):
        return None
    v = cell.value
    expected = f"{what(f)} phải là giờ (ví dụ 07:30)"
    if v is None:
        _empty(problems, cell, f, expected)
        return None
    if isinstance(v, datetime):
        return v.time().replace(second=0, microsecond=0)
    if isinstance(v, time):
        return v.replace(second=0, microsecond=0)
    fraction: float | None = None
    if isinstance(v, timedelta):
        fraction = v.total_seconds() / 86400
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        fraction = float(v)
    if fraction is not None and 0 <= fraction < 1:
        # A time is a fraction of a day; rounding may reach the next day's 00:00.
        minutes = min(round(fraction * 24 * 60), 24 * 60 - 1)
        return time(minutes // 60, minutes % 60)
    if isinstance(v, str):
        m = _TIME_TEXT.match(v.strip())
        if m and int(m.group(1)) < 24 and int(m.group(2) or 0) < 60:
            return time(int(m.group(1)), int(m.group(2) or 0))
    problems.error(cell.sheet, cell.coord, f"{expected}, nhận được {shown(v)}")
    return None


def read_text(problems: Problems, cell: Cell, f: Field) -> str | None:
    if unreadable(problems, cell, f):
        return None
    v = cell.value
    if v is None:
        if f.required:
            problems.error(cell.sheet, cell.coord, f"{what(f)} không được để trống")
        return None
    if v.__class__ is str:
        text = v  # most cells: text, as it came
    else:
        if isinstance(v, (datetime, date, time, timedelta, bool)):
            problems.error(cell.sheet, cell.coord, f"{what(f)} phải là chữ, nhận được {shown(v)}")
            return None
        whole = _whole(v)
        if f.type == "phone" and whole is not None and whole >= 0:
            # Excel drops the leading zero of a phone number typed as a number: put it back.
            return "0" + str(whole)
        if isinstance(v, str):
            text = v
        elif whole is not None:
            text = str(whole)  # "Ấp 3" has the name 3; no digit grouping in a name
        else:
            text = shown(v)
    if f.type != "lines":
        text = text.replace("\n", " ")
    if f.type == "code":
        return _code(problems, cell, f, text.strip().upper())
    if f.max_length is not None and not _fits(problems, cell, f, text):
        return None
    if f.choices:
        for choice in f.choices:
            # "TM" for "TM.": the abbreviation's dot is easy to miss and changes nothing.
            if match_key(choice).rstrip(".") == match_key(text).rstrip("."):
                return choice
        problems.error(
            cell.sheet, cell.coord,
            f"{what(f)} phải là một trong: {', '.join(f.choices)}; nhận được {shown(v)}",
        )
        return None
    return text


def _fits(problems: Problems, cell: Cell, f: Field, text: str) -> bool:
    """Whether ``text`` (each line of a field of lines) fits the metadata field it lands in."""
    assert f.max_length is not None
    lines = text.split("\n") if f.type == "lines" else [text]
    longest = max(len(line.strip()) for line in lines)
    if longest <= f.max_length:
        return True
    where = f" (dữ liệu đặc tả văn bản, Nghị định 30, Phụ lục VI: {f.metadata})" if f.metadata else ""
    what_ = f"mỗi dòng của {what(f)}" if f.type == "lines" else what(f)
    problems.error(
        cell.sheet, cell.coord,
        f"{what_} dài {longest} ký tự, tối đa {f.max_length}{where}",
    )
    return False


def _code(problems: Problems, cell: Cell, f: Field, code: str) -> str | None:
    """An identifier code (Decision 20/2020/QĐ-TTg), in capitals; None with an error when it is
    not one."""
    why = code_problem(code)
    if why is None:
        return code
    problems.error(cell.sheet, cell.coord, f"{what(f)}: {why}, nhận được {shown(cell.value)}")
    return None


def _whole(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return int(v)
    return None


def read_value(problems: Problems, cell: Cell, f: Field) -> Any:
    if f.type in ("int", "money"):
        return read_int(problems, cell, f)
    if f.type == "date":
        return read_date(problems, cell, f)
    if f.type == "time":
        return read_time(problems, cell, f)
    return read_text(problems, cell, f)
