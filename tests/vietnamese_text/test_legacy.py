from __future__ import annotations

import subprocess
import unicodedata

import pytest

from vanban.text.legacy import (
    convert_legacy,
    is_capitals_font,
    legacy_encoding_for_font,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vietnamese_letters,
    vni_to_unicode,
)

# TCVN3 bytes as typed in a .VnTime cell.
TCVN3_WORDS: list[tuple[bytes, str]] = [
    (b"Th\xb8p M\xad\xeai", "Tháp Mười"),
    (b"\xa7\xe5ng Th\xb8p", "Đồng Tháp"),
    (b"h\xe9 ngh\xcco", "hộ nghèo"),
    (b"M\xad\xeang", "Mường"),
    (b"x\xb7 M\xfc Qu\xfd", "xã Mỹ Quý"),
    (b"L\xb8ng Bi\xd3n", "Láng Biển"),
    (b"\xa6u ti\xaan", "Ưu tiên"),
    (b"Ph\xdfng Lao \xae\xe9ng - Th\xad\xacng binh v\xb5 X\xb7 h\xe9i",
     "Phòng Lao động - Thương binh và Xã hội"),
    (b"11.300.000\xae (m\xad\xeai m\xe9t tri\xd6u ba tr\xa8m ng\xb5n \xae\xe5ng)",
     "11.300.000đ (mười một triệu ba trăm ngàn đồng)"),
]  # fmt: skip

# VNI bytes as typed in a VNI-Times cell.
VNI_WORDS: list[tuple[bytes, str]] = [
    (b"Tha\xf9p M\xf6\xf4\xf8i", "Tháp Mười"),
    (b"\xd1o\xe0ng Tha\xf9p", "Đồng Tháp"),
    (b"ho\xe4 nghe\xf8o", "hộ nghèo"),
    (b"M\xf6\xf4\xf8ng", "Mường"),
    (b"xa\xf5 My\xf5 Quy\xf9", "xã Mỹ Quý"),
    (b"Ph\xf6\xf4\xf9c H\xf6\xf4\xf5ng", "Phước Hưỡng"),
    (b"THA\xd9P M\xd6\xd4\xd8I", "THÁP MƯỜI"),
    (b"\xd1O\xc0NG THA\xd9P", "ĐỒNG THÁP"),
    (b"ca\xefnh ngh\xe6 \xf1\xf6\xf4\xf8ng l\xee", "cạnh nghỉ đường lỵ"),
    (b"Ca\xe9p va\xebn na\xe8m nga\xfa", "Cắp vặn nằm ngẳ"),
]


@pytest.mark.parametrize(("raw", "text"), TCVN3_WORDS)
@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_tcvn3_words(raw: bytes, text: str, codec: str) -> None:
    assert tcvn3_to_unicode(raw.decode(codec)) == text
    assert convert_legacy(raw.decode(codec), ".VnTime") == text


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_tcvn3_windows_punctuation_either_way(codec: str) -> None:
    # 0x93/0x94 are quotes and 0x96 an en dash in the .Vn fonts: no letter lives there in ABC.
    raw = b"\x93Th\xb8p M\xad\xeai\x94 \x96 \xa7\xe5ng Th\xb8p"
    assert tcvn3_to_unicode(raw.decode(codec)) == "\u201cTháp Mười\u201d \u2013 Đồng Tháp"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"TH\xb8P M\xa6\xeaI", "THÁP MƯỜI"),  # capitals typed, toned letters from lowercase codes
        (b"th\xb8p m\xad\xeai", "THÁP MƯỜI"),  # all lowercase codes: the H font draws capitals
        (b"\xa7\xe5NG TH\xb8P", "ĐỒNG THÁP"),
        (b"H\xe9 NGH\xccO", "HỘ NGHÈO"),
        (b"m\xad\xeang", "MƯỜNG"),
        (b"\xf1y ban nh\xa9n d\xa9n huy\xd6n", "ỦY BAN NHÂN DÂN HUYỆN"),
    ],
)
@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_tcvn3_capitals_font(raw: bytes, text: str, codec: str) -> None:
    assert tcvn3_to_unicode(raw.decode(codec), capitals=True) == text
    assert convert_legacy(raw.decode(codec), ".VnTimeH") == text
    assert convert_legacy(raw.decode(codec), ".VnArialH") == text


@pytest.mark.parametrize(("raw", "text"), VNI_WORDS)
@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_vni_words(raw: bytes, text: str, codec: str) -> None:
    assert vni_to_unicode(raw.decode(codec)) == text
    assert convert_legacy(raw.decode(codec), "VNI-Times") == text


def test_vni_mark_in_the_other_case_follows_the_base_letter() -> None:
    assert vni_to_unicode("THAùP") == "THÁP"
    assert vni_to_unicode("thaÙp") == "tháp"
    assert vni_to_unicode("MÖÔøI") == "MƯỜI"


def test_vni_plain_text_is_unchanged() -> None:
    assert vni_to_unicode("Ke hoach 6662/KH-UBND") == "Ke hoach 6662/KH-UBND"


LETTERS = vietnamese_letters()


def test_there_are_134_letters() -> None:
    assert len(LETTERS) == 134
    assert len(set(LETTERS)) == 134
    assert all(unicodedata.is_normalized("NFC", ch) and len(ch) == 1 for ch in LETTERS)
    assert sum(ch.islower() for ch in LETTERS) == 67


@pytest.mark.parametrize("letter", LETTERS)
def test_round_trip_every_letter(letter: str) -> None:
    vni = unicode_to_vni(letter)
    assert all(ord(ch) <= 0xFF for ch in vni)
    assert vni_to_unicode(vni) == letter
    # In words, next to other letters, too.
    word = f"x{letter}n {letter}"
    assert vni_to_unicode(unicode_to_vni(word)) == word

    if letter.islower() or letter in "ĂÂÊÔƠƯĐ":
        tcvn3 = unicode_to_tcvn3(letter)
        assert len(tcvn3) == 1 and 0xA1 <= ord(tcvn3) <= 0xFE
        assert tcvn3_to_unicode(tcvn3) == letter
    else:
        with pytest.raises(ValueError):
            unicode_to_tcvn3(letter)
    capital = letter.upper()
    assert tcvn3_to_unicode(unicode_to_tcvn3(capital, capitals=True), capitals=True) == capital


def test_tables_are_one_to_one() -> None:
    vni_codes = [unicode_to_vni(ch) for ch in LETTERS]
    assert len(set(vni_codes)) == 134
    tcvn3_codes = [unicode_to_tcvn3(ch) for ch in LETTERS if ch.islower() or ch in "ĂÂÊÔƠƯĐ"]
    assert len(tcvn3_codes) == 74
    assert len(set(tcvn3_codes)) == 74


def test_round_trip_sentences() -> None:
    text = "Kế hoạch số 6662/KH-UBND: Đối thoại chính sách giảm nghèo “bền vững” – năm 2022."
    assert vni_to_unicode(unicode_to_vni(text)) == text
    assert tcvn3_to_unicode(unicode_to_tcvn3(text.lower())) == text.lower()
    assert tcvn3_to_unicode(unicode_to_tcvn3(text, capitals=True), capitals=True) == text.upper()


@pytest.mark.parametrize("bad", ["€uro ©", "中"])
def test_unencodable_characters(bad: str) -> None:
    with pytest.raises(ValueError):
        unicode_to_tcvn3(bad)
    with pytest.raises(ValueError):
        unicode_to_vni(bad)


def test_tcvn3_keeps_bytes_outside_the_abc_set() -> None:
    # 0xC0 and 0xFF are toned capitals only in TCVN5712-1 (VN1), not in the ABC fonts.
    assert tcvn3_to_unicode("\xc0\xff") == "\xc0\xff"


def test_tcvn3_agrees_with_iconv_on_the_abc_set() -> None:
    abc = sorted({ord(unicode_to_tcvn3(ch)) for ch in LETTERS if ch.islower() or ch in "ĂÂÊÔƠƯĐ"})
    raw = bytes(abc)
    result = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw, capture_output=True, check=True
    )
    expected = unicodedata.normalize("NFC", result.stdout.decode("utf-8"))
    assert tcvn3_to_unicode(raw.decode("latin-1")) == expected
    assert len(expected) == len(abc) == 74


@pytest.mark.parametrize(
    ("font", "encoding", "capitals"),
    [
        (".VnTime", "tcvn3", False),
        (".VnTimeH", "tcvn3", True),
        (".VnArial", "tcvn3", False),
        (".VnArialH", "tcvn3", True),
        (".VnArial NarrowH", "tcvn3", True),
        (" .vntime ", "tcvn3", False),
        ("VNI-Times", "vni", False),
        ("VNI-Helve", "vni", False),
        ("VNI-Helve-Condense", "vni", False),
        ("vni-times", "vni", False),
        ("Times New Roman", None, False),
        ("Arial", None, False),
        ("Calibri", None, False),
        ("", None, False),
    ],
)
def test_fonts(font: str, encoding: str | None, capitals: bool) -> None:
    assert legacy_encoding_for_font(font) == encoding
    assert is_capitals_font(font) is capitals


def test_no_font() -> None:
    assert legacy_encoding_for_font(None) is None
    assert convert_legacy("Th\xb8p", None) is None
    assert convert_legacy("Th\xb8p", "Times New Roman") is None


def test_unicode_text_in_a_legacy_font_is_left_alone() -> None:
    assert convert_legacy("Xã Mỹ Quý", ".VnTime") == "Xã Mỹ Quý"
    assert convert_legacy("Tháp Mười", "VNI-Times") == "Tháp Mười"
    nfd = unicodedata.normalize("NFD", "Đồng Tháp")
    assert convert_legacy(nfd, ".VnTime") == "Đồng Tháp"
