"""How numbers, money, dates, document numbers and letter case are written in Vietnamese documents.

Every function here is pure and returns plain text; the rules follow Decree 30/2020/NĐ-CP and the
common practice of published plans (digit grouping with ".", decimals with ",", dates with a leading
zero for days below 10 and for months 1 and 2 only, amounts read in groups of three digits).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from vanban.text.names import nfc


@dataclass(frozen=True)
class Dialect:
    """Word choices that differ between regions; a plan's workbook picks them, never the code."""

    thousand: str = "ngàn"  # or "nghìn"
    zero_tens: str = "lẻ"  # or "linh"
    four: str = "tư"  # or "bốn": 4 after a tens word of 2 or more
    # Counts of people: "03 người" (two digits, as the seed writes a committee) or "3 người"
    # (as households are counted, "6 hộ nghèo"): one way within a document.
    people_two_digits: bool = True


MAX_AMOUNT = 999_999_999_999_999

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 1_000_000_000


# --- digits -----------------------------------------------------------------------------------


def group_digits(value: int | Decimal | float, decimals: int | None = None) -> str:
    """Write a number the Vietnamese way: "." between thousands, "," before decimals.

    ``decimals=None`` keeps an int whole, a Decimal's own digits ("2.50" stays "2,50") and a
    float's shortest form, an integral float without decimals; an int ``decimals`` rounds half up.
    """
    number = _to_decimal(value)
    if decimals is not None:
        if decimals < 0:
            raise ValueError(f"Số chữ số thập phân không hợp lệ: {decimals}")
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    elif isinstance(value, float):
        number = _drop_float_noise(number)
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # _to_decimal rejects NaN and infinities
    text = "".join(map(str, digits))
    if exponent >= 0:
        whole, fraction = text + "0" * exponent, ""
    else:
        text = text.rjust(-exponent + 1, "0")
        whole, fraction = text[:exponent], text[exponent:]
    whole = whole.lstrip("0") or "0"
    groups = []
    while len(whole) > 3:
        groups.append(whole[-3:])
        whole = whole[:-3]
    groups.append(whole)
    result = ".".join(reversed(groups))
    if fraction:
        result += "," + fraction
    # "-0" after rounding a tiny negative is not a number anybody writes.
    if sign and any(ch not in "0.," for ch in result):
        result = "-" + result
    return result


def _to_decimal(value: int | Decimal | float) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("Giá trị logic (True/False) không phải là số")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Không viết được số {value!r}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Không viết được số {value!r}")
        return value
    raise TypeError(f"Không phải là số: {value!r}")


def _drop_float_noise(number: Decimal) -> Decimal:
    # A float's ".0" is an artefact of the type (Excel stores 1179 as 1179.0), not a precision.
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number


def _whole_number(value: object) -> int:
    """An int from an int, or from an integral float/Decimal as a workbook cell may hold it."""
    if isinstance(value, bool):
        raise TypeError("Giá trị logic (True/False) không phải là số")
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        try:
            if value == int(value):
                return int(value)
        except (OverflowError, ValueError, InvalidOperation):
            pass
        raise ValueError(f"Số tiền phải là số nguyên: {value!r}")
    raise TypeError(f"Không phải là số: {value!r}")


def vnd(amount: int) -> str:
    """Money as written in plans: 11300000 -> "11.300.000đ"."""
    return group_digits(_whole_number(amount)) + "đ"


def two_digits(n: int) -> str:
    """Counts of people are written with two digits in the seed: 3 -> "03"."""
    n = _whole_number(n)
    if n < 0:
        raise ValueError(f"Số âm không viết dạng hai chữ số: {n}")
    return f"{n:02d}"


# --- amounts in words -------------------------------------------------------------------------


def amount_in_words(n: int, dialect: Dialect = Dialect()) -> str:
    """Read a whole number 0..999.999.999.999.999 in Vietnamese words.

    11300000 -> "mười một triệu ba trăm ngàn"; 1005 -> "một ngàn không trăm lẻ năm".

    Above tỷ the count of tỷ is itself read as a number and followed by "tỷ", so
    1.000.000.000.000 is "một nghìn tỷ" and 5.002.000.000.000 is "năm nghìn không trăm lẻ hai tỷ"
    (rather than repeating "tỷ" twice as "năm nghìn tỷ không trăm lẻ hai tỷ").

    A group that is not the leading one always says its hundreds, even after groups of zeros that
    were skipped: 1.000.000.005 is "một tỷ không trăm lẻ năm", the common form in financial papers
    (it tells the listener the last group is 005, not 5 of a larger unit).
    """
    n = _whole_number(n)
    if n < 0 or n > MAX_AMOUNT:
        raise ValueError(
            f"Số tiền {n} nằm ngoài khoảng đọc được (0 đến {group_digits(MAX_AMOUNT)})"
        )
    if n == 0:
        return _DIGITS[0]
    return " ".join(_read(n, dialect, leading=True))


def money_in_words(n: int, dialect: Dialect = Dialect()) -> str:
    """An amount of money in words ending in "đồng": "mười một triệu ba trăm ngàn đồng"."""
    return amount_in_words(n, dialect) + " đồng"


def _read(n: int, dialect: Dialect, leading: bool) -> list[str]:
    """Words for 1 <= n; ``leading`` is False when a higher non-zero part was already read."""
    words: list[str] = []
    billions, rest = divmod(n, _BILLION)
    if billions:
        words += _read(billions, dialect, leading) + ["tỷ"]
        leading = False
    scales = ((1_000_000, "triệu"), (1_000, dialect.thousand), (1, ""))
    for size, scale in scales:
        group, rest = divmod(rest, size)
        if group == 0:
            continue  # an all-zero group is skipped: 2.000.500 "hai triệu năm trăm"
        words += _read_group(group, dialect, leading)
        if scale:
            words.append(scale)
        leading = False
    return words


def _read_group(group: int, dialect: Dialect, leading: bool) -> list[str]:
    """Words for 1..999; a group that is not the leading one says its zero hundreds."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(dialect.zero_tens)
            words.append(_DIGITS[units])  # after lẻ/linh: "năm", "bốn", "một"
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif units == 4:
        words.append(dialect.four if tens >= 2 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


# --- dates and document numbers ---------------------------------------------------------------


def _day_month(d: date) -> tuple[str, str]:
    # Decree 30: days below 10 and months 1 and 2 take a leading zero, other months do not.
    return f"{d.day:02d}", (f"{d.month:02d}" if d.month < 3 else str(d.month))


def format_date(d: date) -> str:
    """The long date: "ngày 02 tháng 11 năm 2022", "ngày 05 tháng 01 năm 2023"."""
    day, month = _day_month(d)
    return f"ngày {day} tháng {month} năm {d.year}"


def short_date(d: date) -> str:
    """The short date: "02/11/2022", "15/7/2022", "09/02/2023" (padded as the long form)."""
    day, month = _day_month(d)
    return f"{day}/{month}/{d.year}"


def place_date(place: str, d: date) -> str:
    """Place and date line: "Tháp Mười, ngày 02 tháng 11 năm 2022"."""
    return f"{nfc(place.strip())}, {format_date(d)}"


def symbol(number: int | None, type_abbr: str, body_abbr: str) -> str:
    """Number and symbol, "6662/KH-UBND"; a draft leaves five spaces for the records office.

    A letter (công văn) has no type abbreviation: ``symbol(12, "", "UBND-VX")`` is "12/UBND-VX".
    """
    body = body_abbr.strip()
    if not body:
        raise ValueError("Thiếu chữ viết tắt tên cơ quan ban hành trong số, ký hiệu")
    type_part = type_abbr.strip()
    suffix = f"{type_part}-{body}" if type_part else body
    if number is None:
        return f"     /{suffix}"
    number = _whole_number(number)
    if number <= 0:
        raise ValueError(f"Số văn bản phải là số dương: {number}")
    return f"{number:02d}/{suffix}"


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def roman(n: int) -> str:
    """Section numbers of a plan: 1 -> "I", 4 -> "IV", 9 -> "IX" (1..3999)."""
    n = _whole_number(n)
    if not 1 <= n <= 3999:
        raise ValueError(f"Không viết được số La Mã cho {n}")
    parts = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        parts.append(letters * count)
    return "".join(parts)


# --- letter case ------------------------------------------------------------------------------




def upper_vn(s: str) -> str:
    """Capitals for headers, NFC in and out.

    "Ủy ban nhân dân huyện Tháp Mười" -> "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI".
    """
    return nfc(nfc(s).upper())


def _change_first_letter(s: str, change: Callable[[str], str]) -> str:
    text = nfc(s)
    for i, ch in enumerate(text):
        if ch.isalpha():
            return nfc(text[:i] + change(ch) + text[i + 1 :])
    return text


def capitalize_first(s: str) -> str:
    """Only the first letter changes: "xã Mỹ Quý" -> "Xã Mỹ Quý"."""
    return _change_first_letter(s, str.upper)


def lower_first(s: str) -> str:
    """Only the first letter changes: "Xã Mỹ Quý" -> "xã Mỹ Quý" (for use mid-sentence)."""
    return _change_first_letter(s, str.lower)


# --- Jinja filters ----------------------------------------------------------------------------


def _dialect_of(context: Context) -> Dialect:
    dialect = context.get("dialect")
    if dialect is None:
        return Dialect()
    if not isinstance(dialect, Dialect):
        raise TypeError(f"Biến 'dialect' của văn bản phải là Dialect, không phải {type(dialect)!r}")
    return dialect


@pass_context
def _money_words_filter(context: Context, value: int) -> str:
    return money_in_words(value, _dialect_of(context))


@pass_context
def _people_filter(context: Context, value: int) -> str:
    """A count of people as the plan writes them: "03" or "3" (``Dialect.people_two_digits``)."""
    if _dialect_of(context).people_two_digits and 0 <= value < 10:
        return two_digits(value)
    return group_digits(value)  # 12 người, 1.234 người


@pass_context
def _amount_words_filter(context: Context, value: int) -> str:
    return amount_in_words(value, _dialect_of(context))


def make_filters() -> dict[str, Callable[..., Any]]:
    """The Jinja filters of the rendering environment; all return plain (unescaped) text."""
    return {
        "vnd": vnd,
        "so": group_digits,
        "bang_chu": _money_words_filter,
        "chu_so": _amount_words_filter,
        "hai_so": two_digits,
        "so_nguoi": _people_filter,
        "ngay": format_date,
        "ngay_ngan": short_date,
        "la_ma": roman,
        "hoa": upper_vn,
        "viet_hoa_dau": capitalize_first,
        "viet_thuong_dau": lower_first,
    }
