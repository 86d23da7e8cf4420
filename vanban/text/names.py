"""Names as they arrive from workbooks: normalised, cleaned, compared and turned into file names.

The same name reaches the project precomposed (NFC) or decomposed (NFD), with tone marks placed
the old way ("hoà", "thuỷ") or the new way ("hòa", "thủy"), with doubled or non-breaking spaces.
Those are not different names; a different tone ("Láng Biển" / "Láng Biền") or vowel ("Mỹ An" /
"Mỹ Ân") is.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
# Characters that take no room and only get in the way of comparing: zero-width space, joiners, BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_WHITESPACE = re.compile(r"\s+")  # str patterns match NBSP and the other Unicode spaces
# What clean_text would change besides the Unicode form: an invisible character, whitespace
# other than one plain space between words, or at either end. Most text has none of it.
_UNCLEAN = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]|\s(?:\s|$)|^\s|[^\S ]")
# A syllable: a run of letters with their combining marks.
_SYLLABLE = re.compile(r"(?:[^\W\d_][\u0300-\u036f]*)+")
# Workbooks write the dash between parts of an agency's name as "-", "–" or "—" interchangeably.
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2015": "-", "\u2212": "-"})  # fmt: skip


def nfc(s: str) -> str:
    """Precomposed Unicode, the form every name is stored and written in."""
    return unicodedata.normalize("NFC", s)


def clean_text(s: str) -> str:
    """NFC, without surrounding or doubled whitespace (NBSP included) or zero-width characters."""
    if not _UNCLEAN.search(s) and unicodedata.is_normalized("NFC", s):
        return s  # clean already, as most text is: a province's roster is read in one go
    return _WHITESPACE.sub(" ", nfc(s).translate(_INVISIBLE)).strip()


def clean_person_name(s: str) -> str:
    """A person's name with every word capitalised: "NGUYỄN  văn a" -> "Nguyễn Văn A"."""
    return " ".join([word[:1].upper() + word[1:].lower() for word in clean_text(s).split(" ")])


def _fold_syllable_tone(match: re.Match[str]) -> str:
    """Move a syllable's tone mark to its end, so where it sat on the vowels no longer matters."""
    syllable = match[0]
    tones = [ch for ch in syllable if ch in _TONE_MARKS]
    if not tones:
        return syllable
    base = "".join(ch for ch in syllable if ch not in _TONE_MARKS)
    return base + tones[-1]


@functools.lru_cache(maxsize=4096)  # the same unit, hamlet and kind names, read many times
def match_key(s: str) -> str:
    """A key under which two spellings of the same name are equal.

    Folds Unicode form, case, whitespace, dash style and tone-mark placement ("Mỹ Hoà" and
    "Mỹ Hòa"; "thuỷ" and "thủy"), and nothing else: the tone itself and the vowel marks (â, ă, ê,
    ô, ơ, ư) and đ are kept. The key is for comparing only; it is not text to show.
    """
    text = unicodedata.normalize("NFD", clean_text(s).casefold()).translate(_DASHES)
    # The tone belongs to the whole syllable.
    return _SYLLABLE.sub(_fold_syllable_tone, text)


def strip_diacritics(s: str) -> str:
    """The name without any marks, "đ" as "d": what a keyboard without Vietnamese input gives."""
    text = clean_text(s).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return nfc("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def slugify(s: str) -> str:
    """An ASCII file-name part, never empty.

    "Xã Mỹ Quý" -> "xa-my-quy", "6662/KH-UBND 2022" -> "6662-kh-ubnd-2022".
    """
    ascii_text = strip_diacritics(s).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "khong-ten"


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates most like ``name``, best first, for "did you mean ...?" messages.

    Each candidate is scored on the match key and on the text without diacritics, keeping the
    better of the two, so "Lang Bien" and "Láng Biền" both find "Láng Biển". Candidates scoring
    below 0.6 (difflib's usual cut-off) are left out.
    """
    if n <= 0:
        return []
    key = match_key(name)
    bare = strip_diacritics(key)
    scored: list[tuple[float, float, int, str]] = []
    seen: set[str] = set()
    for index, candidate in enumerate(candidates):
        if candidate in seen:
            continue
        seen.add(candidate)
        candidate_key = match_key(candidate)
        key_ratio = difflib.SequenceMatcher(None, key, candidate_key).ratio()
        bare_ratio = difflib.SequenceMatcher(None, bare, strip_diacritics(candidate_key)).ratio()
        best = max(key_ratio, bare_ratio)
        if best >= 0.6:
            # Ties on the better score go to the candidate closer with its diacritics.
            scored.append((-best, -key_ratio, index, candidate))
    scored.sort()
    return [candidate for *_, candidate in scored[:n]]
