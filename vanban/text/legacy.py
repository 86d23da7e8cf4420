"""Vietnamese text in the 8-bit encodings of old government spreadsheets: TCVN3 (ABC) and VNI.

Excel keeps such a cell's text as the characters Windows showed for its bytes (code page 1252), and
only the cell's font makes it readable: ".VnTime" and friends for TCVN3, "VNI-Times" and friends for
VNI. openpyxl hands that text over as a str, so the bytes arrive as code points U+00A0..U+00FF, and
bytes 0x80..0x9F either as C1 controls (a latin-1 reading) or as their cp1252 characters ('“', '–').
Neither encoding puts a letter at 0x80..0x9F, so both readings end as the same Windows punctuation.

TCVN3 here is the ABC set (TCVN 5712:1993 "VN3"), the one the .Vn* fonts implement: 67 lowercase
letters plus the seven plain capitals Ă Â Ê Ô Ơ Ư Đ. The full standard as glibc's iconv knows it
("TCVN5712-1", "VN1") adds the toned capitals in the C0 controls, in 0x80..0x9F and in the gaps of
0xAF..0xFF, and combining tone marks at 0xB0..0xB4; the ABC fonts do not, which is why capitals have
their own fonts (".VnTimeH"), which draw the lowercase positions as capitals. Bytes that are not in
the ABC set are kept as they are.

VNI writes most letters as a base letter followed by a mark byte ("aù" is "á", "ôø" is "ờ"); a few
are single bytes ("ô" is "ơ", "ö" is "ư", "ñ" is "đ", "ó" is "ĩ", "î" is "ỵ"). Its capitals use the
same bytes less 0x20.
"""

from __future__ import annotations

import functools
from typing import Literal

from vanban.text.names import nfc

LegacyEncoding = Literal["tcvn3", "vni"]

# Tone marks in the order the TCVN3 table lists them: huyền, hỏi, ngã, sắc, nặng.
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")




def vietnamese_letters() -> list[str]:
    """The 134 non-ASCII Vietnamese letters: 60 toned vowels and ă â ê ô ơ ư đ, both cases."""
    lower = [nfc(v + t) for v in _VOWELS for t in _TONES] + ["ă", "â", "ê", "ô", "ơ", "ư", "đ"]
    return lower + [ch.upper() for ch in lower]


# --- TCVN3 ------------------------------------------------------------------------------------

# The first byte of each vowel's five toned forms (huyền, hỏi, ngã, sắc, nặng) in TCVN3; the table
# skips bytes that VN1 uses for capitals, hence the explicit lists.
_TCVN3_TONED: dict[str, tuple[int, int, int, int, int]] = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_PLAIN = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
}  # fmt: skip


def _tcvn3_encode_table() -> dict[str, str]:
    table = {letter: chr(code) for letter, code in _TCVN3_PLAIN.items()}
    for vowel, codes in _TCVN3_TONED.items():
        for tone, code in zip(_TONES, codes, strict=True):
            table[nfc(vowel + tone)] = chr(code)
    return table


_UNICODE_TO_TCVN3 = _tcvn3_encode_table()
_TCVN3_TO_UNICODE = {code: letter for letter, code in _UNICODE_TO_TCVN3.items()}

# A latin-1 reading of bytes 0x80..0x9F gives C1 controls; Windows showed the cp1252 characters.
_C1_TO_CP1252: dict[int, str] = {}
for _byte in range(0x80, 0xA0):
    try:
        _C1_TO_CP1252[_byte] = bytes([_byte]).decode("cp1252")
    except UnicodeDecodeError:
        pass  # 0x81, 0x8D, 0x8F, 0x90, 0x9D have no cp1252 character and stay as they are
_CP1252_CHARS = frozenset(_C1_TO_CP1252.values())


def tcvn3_to_unicode(text: str, capitals: bool = False) -> str:
    """Decode TCVN3 text to NFC Unicode; ``capitals`` for a ".VnTimeH"-style font's cell."""
    decoded = "".join(_TCVN3_TO_UNICODE.get(ch, ch) for ch in text.translate(_C1_TO_CP1252))
    if capitals:
        decoded = decoded.upper()
    return nfc(decoded)


def unicode_to_tcvn3(text: str, capitals: bool = False) -> str:
    """Encode to TCVN3 as Excel would show it; toned capitals need ``capitals`` (an "H" font).

    Raises ValueError for a character TCVN3 cannot hold.
    """
    source = nfc(text)
    if capitals:
        source = source.lower()
    out = []
    for ch in source:
        if ch in _UNICODE_TO_TCVN3:
            out.append(_UNICODE_TO_TCVN3[ch])
        elif ord(ch) < 0x80 or ch in _CP1252_CHARS or ch == "\xa0":
            out.append(ch)
        else:
            raise ValueError(f"Ký tự {ch!r} không có trong bảng mã TCVN3")
    return "".join(out)


# --- VNI --------------------------------------------------------------------------------------

# Mark bytes (lowercase forms) for huyền, hỏi, ngã, sắc, nặng after a plain vowel, ơ or ư ...
_VNI_TONE = ("ø", "û", "õ", "ù", "ï")
# ... after a vowel with a circumflex (the first entry is the circumflex alone) ...
_VNI_CIRCUMFLEX = ("â", "à", "å", "ã", "á", "ä")
# ... and after a vowel with a breve.
_VNI_BREVE = ("ê", "è", "ú", "ü", "é", "ë")
# Letters that are one byte in VNI (lowercase forms).
_VNI_SINGLE = {
    "ơ": "ô", "ư": "ö", "đ": "ñ",
    "ì": "ì", "ỉ": "æ", "ĩ": "ó", "í": "í", "ị": "ò",
    "ỵ": "î",
}  # fmt: skip


def _vni_encode_lower() -> dict[str, str]:
    table = dict(_VNI_SINGLE)
    for base in "aeouy":
        for tone, mark in zip(_TONES, _VNI_TONE, strict=True):
            table.setdefault(nfc(base + tone), base + mark)
    for base, vni_base in (("ơ", "ô"), ("ư", "ö")):
        for tone, mark in zip(_TONES, _VNI_TONE, strict=True):
            table[nfc(base + tone)] = vni_base + mark
    for base in "aeo":
        table[nfc(base + "\u0302")] = base + _VNI_CIRCUMFLEX[0]
        for tone, mark in zip(_TONES, _VNI_CIRCUMFLEX[1:], strict=True):
            table[nfc(base + "\u0302" + tone)] = base + mark
    table["ă"] = "a" + _VNI_BREVE[0]
    for tone, mark in zip(_TONES, _VNI_BREVE[1:], strict=True):
        table[nfc("a\u0306" + tone)] = "a" + mark
    return table


def _vni_upper(code: str) -> str:
    # VNI capitals are the lowercase bytes less 0x20, for ASCII and for the latin-1 bytes alike.
    return "".join(chr(ord(ch) - 0x20) for ch in code)


def _vni_encode_table() -> dict[str, str]:
    lower = _vni_encode_lower()
    table = dict(lower)
    for letter, code in lower.items():
        table[letter.upper()] = _vni_upper(code)
    return table


_UNICODE_TO_VNI = _vni_encode_table()


def _vni_decode_table() -> dict[str, str]:
    table = {code: letter for letter, code in _UNICODE_TO_VNI.items()}
    # A mark typed in the other case than its base letter still belongs to it; the letter's case
    # follows the base, which is what a reader of the printed page sees first.
    marks = set(_VNI_TONE + _VNI_CIRCUMFLEX + _VNI_BREVE)
    for code, letter in list(table.items()):
        if len(code) == 2 and code[1].lower() in marks:
            table.setdefault(code[0] + code[1].swapcase(), letter)
    return table


_VNI_TO_UNICODE = _vni_decode_table()


def vni_to_unicode(text: str) -> str:
    """Decode VNI text ("Thaùp Möôøi") to NFC Unicode ("Tháp Mười")."""
    source = text.translate(_C1_TO_CP1252)
    out = []
    i = 0
    while i < len(source):
        pair = source[i : i + 2]
        if len(pair) == 2 and pair in _VNI_TO_UNICODE:
            out.append(_VNI_TO_UNICODE[pair])
            i += 2
            continue
        ch = source[i]
        out.append(_VNI_TO_UNICODE.get(ch, ch))
        i += 1
    return nfc("".join(out))


def unicode_to_vni(text: str) -> str:
    """Encode to VNI as Excel would show it. Raises ValueError for a character VNI cannot hold."""
    out = []
    for ch in nfc(text):
        if ch in _UNICODE_TO_VNI:
            out.append(_UNICODE_TO_VNI[ch])
        elif ord(ch) < 0x80 or ch in _CP1252_CHARS or ch == "\xa0":
            out.append(ch)
        else:
            raise ValueError(f"Ký tự {ch!r} không có trong bảng mã VNI")
    return "".join(out)


# --- fonts ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)  # asked for each cell read; a workbook has a few fonts
def legacy_encoding_for_font(font_name: str | None) -> LegacyEncoding | None:
    """The encoding a font implies: "tcvn3" for ".VnTime", ".VnArialH"; "vni" for "VNI-Times"."""
    if not font_name:
        return None
    name = font_name.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni-") or name.startswith("vni "):
        return "vni"
    return None


def is_capitals_font(font_name: str) -> bool:
    """True for TCVN3 capitals fonts (".VnTimeH", ".VnArial NarrowH"): lowercase drawn as caps."""
    name = font_name.strip()
    return legacy_encoding_for_font(name) == "tcvn3" and name.endswith("H")


def _already_unicode(text: str) -> bool:
    # Legacy text is made only of code points below U+0100 and cp1252's characters; anything else
    # (an "ư", an "ệ") means the cell was retyped in Unicode and only its font is old. Decoding it
    # again would corrupt it ("Mỹ" would keep "ỹ" while "á" became "ỏ").
    return any(ord(ch) > 0xFF and ch not in _CP1252_CHARS for ch in text)


def convert_legacy(text: str, font_name: str | None) -> str | None:
    """The Unicode (NFC) text of a cell written in a legacy font, or None for any other font.

    A cell whose text is already Unicode Vietnamese is returned as it is (NFC), whatever its font.
    """
    encoding = legacy_encoding_for_font(font_name)
    if encoding is None:
        return None
    if _already_unicode(text):
        return nfc(text)
    if encoding == "vni":
        return vni_to_unicode(text)
    assert font_name is not None
    return tcvn3_to_unicode(text, capitals=is_capitals_font(font_name))
