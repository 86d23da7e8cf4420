from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from vanban.text.formatting import (
    MAX_AMOUNT,
    Dialect,
    amount_in_words,
    capitalize_first,
    format_date,
    group_digits,
    lower_first,
    make_filters,
    money_in_words,
    place_date,
    roman,
    short_date,
    symbol,
    two_digits,
    upper_vn,
    vnd,
)

SOUTH = Dialect()  # ngàn, lẻ, tư: the seed's usage
NORTH = Dialect(thousand="nghìn", zero_tens="linh", four="bốn")
NGHIN_LE_TU = Dialect(thousand="nghìn", zero_tens="lẻ", four="tư")
NGAN_LINH_BON = Dialect(thousand="ngàn", zero_tens="linh", four="bốn")

NINES = (
    "chín trăm chín mươi chín {k} chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu "
    "chín trăm chín mươi chín {k} chín trăm chín mươi chín"
)

AMOUNTS: list[tuple[int, Dialect, str]] = [
    (0, SOUTH, "không"),
    (1, SOUTH, "một"),
    (4, SOUTH, "bốn"),
    (5, SOUTH, "năm"),
    (10, SOUTH, "mười"),
    (11, SOUTH, "mười một"),
    (14, SOUTH, "mười bốn"),
    (15, SOUTH, "mười lăm"),
    (19, SOUTH, "mười chín"),
    (20, SOUTH, "hai mươi"),
    (21, SOUTH, "hai mươi mốt"),
    (24, SOUTH, "hai mươi tư"),
    (25, SOUTH, "hai mươi lăm"),
    (30, SOUTH, "ba mươi"),
    (55, SOUTH, "năm mươi lăm"),
    (99, SOUTH, "chín mươi chín"),
    (100, SOUTH, "một trăm"),
    (101, SOUTH, "một trăm lẻ một"),
    (104, SOUTH, "một trăm lẻ bốn"),
    (105, SOUTH, "một trăm lẻ năm"),
    (110, SOUTH, "một trăm mười"),
    (111, SOUTH, "một trăm mười một"),
    (115, SOUTH, "một trăm mười lăm"),
    (121, SOUTH, "một trăm hai mươi mốt"),
    (999, SOUTH, "chín trăm chín mươi chín"),
    (1_000, SOUTH, "một ngàn"),
    (1_001, SOUTH, "một ngàn không trăm lẻ một"),
    (1_005, SOUTH, "một ngàn không trăm lẻ năm"),
    (1_010, SOUTH, "một ngàn không trăm mười"),
    (1_015, SOUTH, "một ngàn không trăm mười lăm"),
    (1_100, SOUTH, "một ngàn một trăm"),
    (2_024, SOUTH, "hai ngàn không trăm hai mươi tư"),
    (10_000, SOUTH, "mười ngàn"),
    (15_000, SOUTH, "mười lăm ngàn"),
    (21_000, SOUTH, "hai mươi mốt ngàn"),
    (105_000, SOUTH, "một trăm lẻ năm ngàn"),
    (850_000, SOUTH, "tám trăm năm mươi ngàn"),
    (900_000, SOUTH, "chín trăm ngàn"),
    (1_000_000, SOUTH, "một triệu"),
    (1_000_005, SOUTH, "một triệu không trăm lẻ năm"),
    (2_000_500, SOUTH, "hai triệu năm trăm"),
    (2_000_050, SOUTH, "hai triệu không trăm năm mươi"),
    (11_300_000, SOUTH, "mười một triệu ba trăm ngàn"),
    (1_000_000_000, SOUTH, "một tỷ"),
    (1_000_000_005, SOUTH, "một tỷ không trăm lẻ năm"),
    (1_000_001_000, SOUTH, "một tỷ không trăm lẻ một ngàn"),
    (
        1_234_567_890,
        SOUTH,
        "một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy ngàn tám trăm chín mươi",
    ),
    (1_000_000_000_000, SOUTH, "một ngàn tỷ"),
    (1_000_000_000_001, SOUTH, "một ngàn tỷ không trăm lẻ một"),
    (1_001_000_000_000, SOUTH, "một ngàn không trăm lẻ một tỷ"),
    (5_002_000_000_000, SOUTH, "năm ngàn không trăm lẻ hai tỷ"),
    (MAX_AMOUNT, SOUTH, NINES.format(k="ngàn")),
    (0, NORTH, "không"),
    (5, NORTH, "năm"),
    (14, NORTH, "mười bốn"),
    (24, NORTH, "hai mươi bốn"),
    (104, NORTH, "một trăm linh bốn"),
    (105, NORTH, "một trăm linh năm"),
    (1_005, NORTH, "một nghìn không trăm linh năm"),
    (1_015, NORTH, "một nghìn không trăm mười lăm"),
    (2_024, NORTH, "hai nghìn không trăm hai mươi bốn"),
    (10_000, NORTH, "mười nghìn"),
    (105_000, NORTH, "một trăm linh năm nghìn"),
    (11_300_000, NORTH, "mười một triệu ba trăm nghìn"),
    (1_000_000_005, NORTH, "một tỷ không trăm linh năm"),
    (1_000_000_000_000, NORTH, "một nghìn tỷ"),
    (MAX_AMOUNT, NORTH, NINES.format(k="nghìn")),
    (34, NGHIN_LE_TU, "ba mươi tư"),
    (1_034, NGHIN_LE_TU, "một nghìn không trăm ba mươi tư"),
    (4_004, NGHIN_LE_TU, "bốn nghìn không trăm lẻ bốn"),
    (44, NGAN_LINH_BON, "bốn mươi bốn"),
    (1_004, NGAN_LINH_BON, "một ngàn không trăm linh bốn"),
    (14_014, NGAN_LINH_BON, "mười bốn ngàn không trăm mười bốn"),
]


@pytest.mark.parametrize(("n", "dialect", "words"), AMOUNTS)
def test_amount_in_words(n: int, dialect: Dialect, words: str) -> None:
    assert amount_in_words(n, dialect) == words


def test_amount_table_is_large_enough() -> None:
    assert len(AMOUNTS) >= 60


def test_default_dialect_is_the_seeds() -> None:
    assert amount_in_words(11_300_000) == "mười một triệu ba trăm ngàn"
    assert money_in_words(11_300_000) == "mười một triệu ba trăm ngàn đồng"


@pytest.mark.parametrize(
    ("n", "dialect", "words"),
    [
        (0, SOUTH, "không đồng"),
        (850_000, SOUTH, "tám trăm năm mươi ngàn đồng"),
        (11_300_000, NORTH, "mười một triệu ba trăm nghìn đồng"),
    ],
)
def test_money_in_words(n: int, dialect: Dialect, words: str) -> None:
    assert money_in_words(n, dialect) == words


@pytest.mark.parametrize("bad", [-1, MAX_AMOUNT + 1, 10**18])
def test_amount_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        amount_in_words(bad)


def test_amount_rejects_fractions() -> None:
    with pytest.raises(ValueError):
        amount_in_words(2.5)  # type: ignore[arg-type]


_UNITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4,
    "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
_SCALES = {"ngàn": 1_000, "nghìn": 1_000, "triệu": 1_000_000}


def _parse_words(words: str) -> int:
    """An independent reader of the words back into a number, to check every amount, not a few."""
    big = section = current = pending = 0
    for word in words.split():
        if word in _UNITS:
            pending = _UNITS[word]
        elif word == "mười":
            current += 10
        elif word == "mươi":
            current, pending = current + pending * 10, 0
        elif word == "trăm":
            current, pending = current + pending * 100, 0
        elif word in ("lẻ", "linh"):
            pass
        elif word in _SCALES:
            section += (current + pending) * _SCALES[word]
            current = pending = 0
        elif word == "tỷ":
            big = (big + section + current + pending) * 1_000_000_000
            section = current = pending = 0
        else:
            raise AssertionError(f"unexpected word {word!r} in {words!r}")
    return big + section + current + pending


@given(
    st.integers(min_value=0, max_value=MAX_AMOUNT),
    st.sampled_from([SOUTH, NORTH, NGHIN_LE_TU, NGAN_LINH_BON]),
)
def test_words_read_back_to_the_amount(n: int, dialect: Dialect) -> None:
    words = amount_in_words(n, dialect)
    assert _parse_words(words) == n
    assert "  " not in words and words == words.strip()
    for wrong in ("mươi một", "mươi năm", "mười năm", "lẻ lăm", "linh lăm", "mười tư"):
        assert wrong not in words


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0, None, "0"),
        (5, None, "5"),
        (999, None, "999"),
        (1_179, None, "1.179"),
        (11_300_000, None, "11.300.000"),
        (-1_000, None, "-1.000"),
        (2.5, None, "2,5"),
        (1179.0, None, "1.179"),
        (-2.5, None, "-2,5"),
        (Decimal("2.50"), None, "2,50"),
        (Decimal("1234567.891"), None, "1.234.567,891"),
        (Decimal("1E+3"), None, "1.000"),
        (Decimal("0.05"), None, "0,05"),
        (2.5, 2, "2,50"),
        (2.345, 2, "2,35"),
        (1179, 1, "1.179,0"),
        (Decimal("2.5"), 0, "3"),
        (-0.0001, 2, "0,00"),
        (0.1 + 0.2, 2, "0,30"),
    ],
)
def test_group_digits(value: int | Decimal | float, decimals: int | None, text: str) -> None:
    assert group_digits(value, decimals) == text


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN")])
def test_group_digits_rejects_non_numbers(bad: float | Decimal) -> None:
    with pytest.raises(ValueError):
        group_digits(bad)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "0đ"), (850_000, "850.000đ"), (11_300_000, "11.300.000đ"), (900_000.0, "900.000đ")],
)
def test_vnd(amount: int, text: str) -> None:
    assert vnd(amount) == text


@pytest.mark.parametrize(("n", "text"), [(0, "00"), (3, "03"), (5, "05"), (12, "12"), (110, "110")])
def test_two_digits(n: int, text: str) -> None:
    assert two_digits(n) == text


MONTHS = [
    (1, "01"), (2, "02"), (3, "3"), (4, "4"), (5, "5"), (6, "6"),
    (7, "7"), (8, "8"), (9, "9"), (10, "10"), (11, "11"), (12, "12"),
]  # fmt: skip


@pytest.mark.parametrize(("month", "written"), MONTHS)
def test_every_month_pads_only_january_and_february(month: int, written: str) -> None:
    d = date(2022, month, 15)
    assert format_date(d) == f"ngày 15 tháng {written} năm 2022"
    assert short_date(d) == f"15/{written}/2022"


@pytest.mark.parametrize(("day", "written"), [(1, "01"), (9, "09"), (10, "10"), (31, "31")])
def test_day_boundaries(day: int, written: str) -> None:
    d = date(2022, 12, day)
    assert format_date(d) == f"ngày {written} tháng 12 năm 2022"
    assert short_date(d) == f"{written}/12/2022"


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (date(2022, 11, 2), "ngày 02 tháng 11 năm 2022", "02/11/2022"),
        (date(2023, 1, 5), "ngày 05 tháng 01 năm 2023", "05/01/2023"),
        (date(2023, 2, 9), "ngày 09 tháng 02 năm 2023", "09/02/2023"),
        (date(2022, 3, 15), "ngày 15 tháng 3 năm 2022", "15/3/2022"),
        (date(2022, 7, 15), "ngày 15 tháng 7 năm 2022", "15/7/2022"),
        (datetime(2022, 8, 18, 9, 30), "ngày 18 tháng 8 năm 2022", "18/8/2022"),
    ],
)
def test_dates_of_the_seed(d: date, long: str, short: str) -> None:
    assert format_date(d) == long
    assert short_date(d) == short


def test_place_date() -> None:
    assert place_date("Tháp Mười", date(2022, 11, 2)) == "Tháp Mười, ngày 02 tháng 11 năm 2022"


@pytest.mark.parametrize(
    ("number", "type_abbr", "body", "expected"),
    [
        (6662, "KH", "UBND", "6662/KH-UBND"),
        (5, "GM", "UBND", "05/GM-UBND"),
        (10, "BC", "UBND", "10/BC-UBND"),
        (None, "GM", "UBND", "     /GM-UBND"),
        (12, "", "UBND-VX", "12/UBND-VX"),
        (1023, "QĐ", "UBND", "1023/QĐ-UBND"),
    ],
)
def test_symbol(number: int | None, type_abbr: str, body: str, expected: str) -> None:
    assert symbol(number, type_abbr, body) == expected


@pytest.mark.parametrize(("number", "body"), [(0, "UBND"), (-3, "UBND"), (5, ""), (5, "  ")])
def test_symbol_rejects_bad_parts(number: int, body: str) -> None:
    with pytest.raises(ValueError):
        symbol(number, "KH", body)


ROMANS = [
    (1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (7, "VII"), (8, "VIII"),
    (9, "IX"), (10, "X"), (14, "XIV"), (19, "XIX"), (20, "XX"), (24, "XXIV"), (29, "XXIX"),
    (38, "XXXVIII"), (39, "XXXIX"), (40, "XL"), (49, "XLIX"), (90, "XC"), (400, "CD"),
    (1994, "MCMXCIV"), (3999, "MMMCMXCIX"),
]  # fmt: skip


@pytest.mark.parametrize(("n", "text"), ROMANS)
def test_roman(n: int, text: str) -> None:
    assert roman(n) == text


@pytest.mark.parametrize("bad", [0, -1, 4000])
def test_roman_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        roman(bad)


def _nfd(s: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize(
    ("text", "upper"),
    [
        ("Ủy ban nhân dân huyện Tháp Mười", "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"),
        ("Cộng hòa xã hội chủ nghĩa Việt Nam", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("đối thoại chính sách giảm nghèo", "ĐỐI THOẠI CHÍNH SÁCH GIẢM NGHÈO"),
        (_nfd("Ủy ban nhân dân huyện Tháp Mười"), "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"),
    ],
)
def test_upper_vn(text: str, upper: str) -> None:
    assert upper_vn(text) == upper


@pytest.mark.parametrize(
    ("text", "capitalised", "lowered"),
    [
        ("xã Mỹ Quý", "Xã Mỹ Quý", "xã Mỹ Quý"),
        ("Xã Mỹ Quý", "Xã Mỹ Quý", "xã Mỹ Quý"),
        ("ủy ban nhân dân xã", "Ủy ban nhân dân xã", "ủy ban nhân dân xã"),
        ("Ủy ban nhân dân xã", "Ủy ban nhân dân xã", "ủy ban nhân dân xã"),
        (_nfd("đồng Tháp"), "Đồng Tháp", "đồng Tháp"),
        ("Thị trấn Mỹ An", "Thị trấn Mỹ An", "thị trấn Mỹ An"),
        ("(xã Mỹ An)", "(Xã Mỹ An)", "(xã Mỹ An)"),
        ("", "", ""),
    ],
)
def test_first_letter_case(text: str, capitalised: str, lowered: str) -> None:
    assert capitalize_first(text) == capitalised
    assert lower_first(text) == lowered


def _environment(autoescape: bool = True) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=autoescape, undefined=jinja2.StrictUndefined)
    env.filters.update(make_filters())
    return env


def test_filter_names() -> None:
    assert set(make_filters()) == {
        "vnd", "so", "bang_chu", "chu_so", "hai_so", "so_nguoi", "ngay", "ngay_ngan",
        "la_ma", "hoa", "viet_hoa_dau", "viet_thuong_dau",
    }  # fmt: skip


@pytest.mark.parametrize(("pad", "expected"), [(True, "03"), (False, "3")])
def test_a_count_of_people_is_written_as_the_plan_chooses(pad: bool, expected: str) -> None:
    from vanban.rendering.sandbox import make_environment
    from vanban.text.formatting import Dialect

    env = make_environment()
    template = env.from_string("{{ n | so_nguoi }} người, {{ m | so_nguoi }} người")
    shown = template.render(n=3, m=1234, dialect=Dialect(people_two_digits=pad))
    assert shown == f"{expected} người, 1.234 người"


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("{{ budget | vnd }}", "11.300.000đ"),
        ("{{ budget | so }}", "11.300.000"),
        ("{{ rate | so(1) }}", "2,5"),
        ("{{ 3 | hai_so }}", "03"),
        ("{{ day | ngay }}", "ngày 02 tháng 11 năm 2022"),
        ("{{ day | ngay_ngan }}", "02/11/2022"),
        ("{{ 4 | la_ma }}", "IV"),
        ("{{ 'huyện Tháp Mười' | hoa }}", "HUYỆN THÁP MƯỜI"),
        ("{{ 'xã Mỹ Quý' | viet_hoa_dau }}", "Xã Mỹ Quý"),
        ("{{ 'Xã Mỹ Quý' | viet_thuong_dau }}", "xã Mỹ Quý"),
        ("{{ budget | vnd }} ({{ budget | bang_chu }})",
         "11.300.000đ (mười một triệu ba trăm ngàn đồng)"),
    ],
)  # fmt: skip
def test_filters_in_a_template(source: str, text: str) -> None:
    rendered = (
        _environment()
        .from_string(source)
        .render(budget=11_300_000, rate=2.5, day=date(2022, 11, 2))
    )
    assert rendered == text


def test_words_filters_follow_the_documents_dialect() -> None:
    template = _environment().from_string("{{ n | bang_chu }}|{{ n | chu_so }}")
    assert template.render(n=2_024, dialect=NORTH) == (
        "hai nghìn không trăm hai mươi bốn đồng|hai nghìn không trăm hai mươi bốn"
    )
    assert template.render(n=2_024, dialect=SOUTH) == (
        "hai ngàn không trăm hai mươi tư đồng|hai ngàn không trăm hai mươi tư"
    )
    assert template.render(n=105) == "một trăm lẻ năm đồng|một trăm lẻ năm"


def test_words_filters_reject_a_wrong_dialect_value() -> None:
    template = _environment().from_string("{{ n | bang_chu }}")
    with pytest.raises(TypeError):
        template.render(n=5, dialect="nghìn")


def test_filters_leave_escaping_to_the_renderer() -> None:
    env = _environment(autoescape=True)
    rendered = env.from_string("{{ name | hoa }}|{{ name | viet_hoa_dau }}").render(
        name="xã <Mỹ> & ấp"
    )
    assert rendered == "XÃ &lt;MỸ&gt; &amp; ẤP|Xã &lt;Mỹ&gt; &amp; ấp"
    for name, function in make_filters().items():
        if name in ("hoa", "viet_hoa_dau", "viet_thuong_dau"):
            assert not isinstance(function("<i>"), Markup)
