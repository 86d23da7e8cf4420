from __future__ import annotations

import unicodedata

import pytest

from vanban.text.names import (
    clean_person_name,
    clean_text,
    closest,
    match_key,
    nfc,
    slugify,
    strip_diacritics,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize(
    "text", ["Tháp Mười", "Đồng Tháp", "Xã Láng Biển", "Thị trấn Mỹ An", "thuỷ", "Mỹ Hoà"]
)
def test_nfc(text: str) -> None:
    decomposed = nfd(text)
    assert decomposed != text or text.isascii()
    assert nfc(decomposed) == text
    assert nfc(text) == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Xã  Mỹ   Quý ", "Xã Mỹ Quý"),
        ("Xã\u00a0Mỹ\u00a0Quý", "Xã Mỹ Quý"),
        ("Xã\tMỹ\nQuý", "Xã Mỹ Quý"),
        ("\u200bXã Mỹ\u200b Quý\ufeff", "Xã Mỹ Quý"),
        (nfd("  Xã Láng  Biển "), "Xã Láng Biển"),
        ("Thị trấn\u2003Mỹ An", "Thị trấn Mỹ An"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert unicodedata.is_normalized("NFC", clean_text(raw))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("NGUYỄN  văn a", "Nguyễn Văn A"),
        ("nguyễn văn hiệp", "Nguyễn Văn Hiệp"),
        ("  ĐẶNG\u00a0thị   ÚT ", "Đặng Thị Út"),
        (nfd("NGUYỄN  VĂN HIỆP"), "Nguyễn Văn Hiệp"),
        (nfd("đỗ thị ánh"), "Đỗ Thị Ánh"),
        ("Nguyễn Văn Hiệp", "Nguyễn Văn Hiệp"),
    ],
)
def test_clean_person_name(raw: str, clean: str) -> None:
    assert clean_person_name(raw) == clean


SAME = [
    ("Mỹ Hoà", "Mỹ Hòa"),
    ("thuỷ", "thủy"),
    ("Thuỷ Lợi", "thủy lợi"),
    ("hoá", "hóa"),
    ("khoẻ", "khỏe"),
    ("Xã Mỹ Hoà", "  xã   mỹ hòa "),
    ("Xã\u00a0Mỹ Quý", "XÃ MỸ QUÝ"),
    ("Xã Mỹ Quý", nfd("Xã Mỹ Quý")),
    (nfd("Mỹ Hoà"), "Mỹ Hòa"),
    (nfd("Mỹ Hoà"), nfd("Mỹ Hòa")),
    ("Phòng Lao động – Thương binh và Xã hội", "phòng lao động - thương binh và xã hội"),
    ("Đồng Tháp", nfd("ĐỒNG THÁP")),
]
DIFFERENT = [
    ("Láng Biển", "Láng Biền"),
    ("Mỹ An", "Mỹ Ân"),
    ("Mỹ An", "Mỹ Ăn"),
    ("Mỹ Đông", "Mỹ Dông"),
    ("Thanh Mỹ", "Thạnh Mỹ"),
    ("Tân Kiều", "Tân Kiểu"),
    ("Mỹ Hòa", "Mỹ Hóa"),
    ("Mỹ Hòa", "Mỹ Hoa"),
    ("Hưng Thạnh", "Hưng Thanh"),
    ("thơ", "thờ"),
    ("Xã Mỹ An", "Thị trấn Mỹ An"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_match_key_folds_form_case_space_and_tone_placement(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_match_key_keeps_real_differences(a: str, b: str) -> None:
    assert match_key(a) != match_key(b)
    assert match_key(nfd(a)) != match_key(b)


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("Xã Mỹ Quý", "Xa My Quy"),
        ("Đồng Tháp", "Dong Thap"),
        (nfd("Láng Biển"), "Lang Bien"),
        ("Phòng Lao động", "Phong Lao dong"),
    ],
)
def test_strip_diacritics(raw: str, bare: str) -> None:
    assert strip_diacritics(raw) == bare


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("Xã Mỹ Quý", "xa-my-quy"),
        ("Thị trấn Mỹ An", "thi-tran-my-an"),
        ("6662/KH-UBND 2022", "6662-kh-ubnd-2022"),
        ("Xã Đốc Bình Kiều", "xa-doc-binh-kieu"),
        ("ĐỒNG THÁP", "dong-thap"),
        (nfd("Xã Láng Biển"), "xa-lang-bien"),
        ("  --Giấy mời (lần 2)!  ", "giay-moi-lan-2"),
        ("Phòng Lao động – TB&XH", "phong-lao-dong-tb-xh"),
        ("", "khong-ten"),
        ("///", "khong-ten"),
        ("中文", "khong-ten"),
    ],
)
def test_slugify(raw: str, slug: str) -> None:
    assert slugify(raw) == slug


UNITS = [
    "Xã Mỹ Quý", "Xã Mỹ Đông", "Xã Láng Biển", "Xã Phú Điền", "Xã Thanh Mỹ", "Thị trấn Mỹ An",
    "Xã Mỹ An", "Xã Đốc Bình Kiều", "Xã Mỹ Hòa", "Xã Tân Kiều", "Xã Trường Xuân",
    "Xã Hưng Thạnh", "Xã Thạnh Lợi",
]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "best"),
    [
        ("Xã Láng Biền", "Xã Láng Biển"),
        ("Lang Bien", "Xã Láng Biển"),
        ("Láng Biền", "Xã Láng Biển"),
        ("xa lang bien", "Xã Láng Biển"),
        (nfd("Xã Mỹ Hoà"), "Xã Mỹ Hòa"),
        ("Xa My Hoa", "Xã Mỹ Hòa"),
        ("Xã Tân Kiểu", "Xã Tân Kiều"),
        ("Thi tran My An", "Thị trấn Mỹ An"),
        ("Xã Mỹ Ân", "Xã Mỹ An"),
        ("Xã Hưng Thanh", "Xã Hưng Thạnh"),
        ("Doc Binh Kieu", "Xã Đốc Bình Kiều"),
    ],
)
def test_closest_puts_the_intended_name_first(typed: str, best: str) -> None:
    suggestions = closest(typed, UNITS)
    assert suggestions[0] == best
    assert len(suggestions) <= 3
    assert len(set(suggestions)) == len(suggestions)


def test_closest_honours_n_and_cutoff() -> None:
    assert closest("Xã Mỹ", UNITS, n=1) == closest("Xã Mỹ", UNITS)[:1]
    assert len(closest("Xã Mỹ An", UNITS, n=10)) >= 2
    assert closest("Hà Nội", UNITS) == []
    assert closest("Xã Mỹ Quý", UNITS, n=0) == []
    assert closest("Xã Mỹ Quý", []) == []


def test_closest_prefers_diacritics_on_a_tie() -> None:
    # Both are equal without diacritics; the one matching the typed marks comes first.
    assert closest("Xã Mỹ Ân", ["Xã Mỹ An", "Xã Mỹ Ân"]) == ["Xã Mỹ Ân", "Xã Mỹ An"]
    assert closest("Xã Mỹ An", ["Xã Mỹ Ân", "Xã Mỹ An"]) == ["Xã Mỹ An", "Xã Mỹ Ân"]


def test_closest_accepts_any_iterable_and_drops_duplicates() -> None:
    suggestions = closest("Lang Bien", (u for u in UNITS + ["Xã Láng Biển"]))
    assert suggestions.count("Xã Láng Biển") == 1
