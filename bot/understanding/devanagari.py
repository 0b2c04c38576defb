"""Devanagari -> plain Roman for Hindi words the word map does not know.

indic-transliteration gives IAST; Hindi drops most inherent vowels ("मोहन" is
Mohan, not Mohana), so a schwa-deletion pass runs before IAST diacritics are
folded to the plain spelling a shopkeeper would type ("शर्मा" -> sharma).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")

# IAST (after NFC) -> plain ASCII, applied in one pass (longest key first).
_FOLD = {
    "k\u035fh": "kh", "g\u035fh": "gh", "r\u0324h": "dh", "r\u0324": "d", "ṛ": "ri", "ṝ": "ri", "ḷ": "li",
    "ch": "chh", "c": "ch", "ā": "a", "ī": "i", "ū": "u", "ṅ": "n", "ñ": "n", "ṇ": "n",
    "ṭ": "t", "ḍ": "d", "ś": "sh", "ṣ": "sh", "ṃ": "n", "ṁ": "n", "m̐": "n", "ḥ": "h",
    "ê": "e", "ô": "o", "ŏ": "o", "ĕ": "e",
}
_FOLD_RE = re.compile("|".join(re.escape(k) for k in sorted(_FOLD, key=len, reverse=True)))
_VOWELS = ("ai", "au", "ā", "ī", "ū", "ṛ", "a", "i", "u", "e", "o", "ê", "ô", "ŏ", "ĕ")


def is_devanagari(text: str) -> bool:
    return bool(_DEVANAGARI.search(text))


def _segments(iast: str) -> list[tuple[str, bool]]:
    """Split an IAST word into (unit, is_vowel) pieces."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(iast):
        for v in _VOWELS:
            if iast.startswith(v, i):
                out.append((v, True))
                i += len(v)
                break
        else:
            ch = iast[i]
            # combining marks belong to the previous consonant
            if out and unicodedata.combining(ch):
                out[-1] = (out[-1][0] + ch, out[-1][1])
            elif ch == "h" and out and not out[-1][1] and out[-1][0] in {"k", "g", "c", "j", "ṭ", "ḍ", "t", "d", "p", "b", "r\u0324"}:
                out[-1] = (out[-1][0] + "h", False)
            else:
                out.append((ch, False))
            i += 1
    return out


def _delete_schwas(iast: str) -> str:
    seg = _segments(iast)
    vowel_count = sum(1 for _, v in seg if v)
    # word-final inherent a after a consonant
    if vowel_count > 1 and len(seg) >= 2 and seg[-1] == ("a", True) and not seg[-2][1]:
        seg.pop()
    # medial: V C a C V -> V C C V, scanning right to left
    i = len(seg) - 3
    while i >= 2:
        if (
            seg[i] == ("a", True)
            and not seg[i - 1][1] and seg[i - 2][1]
            and not seg[i + 1][1] and i + 2 < len(seg) and seg[i + 2][1]
        ):
            del seg[i]
            i -= 2
        else:
            i -= 1
    return "".join(u for u, _ in seg)


def _fold(iast: str) -> str:
    out = unicodedata.normalize("NFC", iast)
    out = _FOLD_RE.sub(lambda m: _FOLD[m.group(0)], out)
    out = unicodedata.normalize("NFKD", out)
    return "".join(ch for ch in out if ch.isascii() and (ch.isalnum() or ch in "-"))


@lru_cache(maxsize=4096)
def to_roman(word: str) -> str:
    """Romanise one Devanagari word (digits become ASCII digits)."""
    word = word.translate(_DIGITS)
    if not is_devanagari(word):
        return word
    from indic_transliteration import sanscript  # heavy import, paid only when a word needs it

    iast = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.IAST)
    iast = unicodedata.normalize("NFC", iast)
    return _fold(_delete_schwas(iast)).lower()
