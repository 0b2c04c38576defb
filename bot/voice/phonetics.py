"""Spellings to the acoustic model's ARPAbet phones.

Two sources of pronunciations for words the CMU dictionary lacks (Indian
names, Hinglish words): rules for romanised Hindi, and espeak-ng's own IPA
reading converted to ARPAbet. The recogniser's dictionary combines both with
the CMU entry, which beat rules alone by a wide margin.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

ARPABET = frozenset(
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split()
)

# --- IPA -> ARPAbet ---------------------------------------------------------

_IPA_COMMON: dict[str, tuple[str, ...]] = {
    "aɪ": ("AY",), "aʊ": ("AW",), "eɪ": ("EY",), "oʊ": ("OW",), "əʊ": ("OW",), "ɔɪ": ("OY",),
    "ɪə": ("IH", "R"), "eə": ("EH", "R"), "ʊə": ("UH", "R"),
    "ɑː": ("AA",), "aː": ("AA",), "ɑ": ("AA",), "a": ("AA",), "ɒ": ("AA",),
    "æ": ("AE",), "ʌ": ("AH",), "ə": ("AH",), "ɐ": ("AH",), "ɚ": ("ER",), "ɝ": ("ER",),
    "ɜː": ("ER",), "ɜ": ("ER",), "ɛ": ("EH",), "ɛː": ("EH",), "e": ("EY",), "eː": ("EY",),
    "ɪ": ("IH",), "ᵻ": ("IH",), "i": ("IY",), "iː": ("IY",), "ɔ": ("AO",), "ɔː": ("AO",),
    "o": ("OW",), "oː": ("OW",), "ʊ": ("UH",), "u": ("UW",), "uː": ("UW",), "ɨ": ("IH",),
    "tʃ": ("CH",), "dʒ": ("JH",), "ʃ": ("SH",), "ʒ": ("ZH",), "θ": ("TH",), "ð": ("DH",),
    "ŋ": ("NG",), "ɹ": ("R",), "r": ("R",), "j": ("Y",), "w": ("W",), "ʋ": ("V",),
    "h": ("HH",), "ɦ": ("HH",), "b": ("B",), "p": ("P",), "t": ("T",), "d": ("D",), "k": ("K",),
    "g": ("G",), "ɡ": ("G",), "f": ("F",), "v": ("V",), "s": ("S",), "z": ("Z",), "m": ("M",),
    "n": ("N",), "l": ("L",), "ɫ": ("L",), "x": ("K",), "ɣ": ("G",), "ʈ": ("T",), "ɖ": ("D",),
    "ɳ": ("N",), "ɲ": ("N",), "ɭ": ("L",), "ʂ": ("SH",), "ç": ("HH",), "q": ("K",), "c": ("K",),
    "ɟ": ("JH",), "ɽ": ("R",), "β": ("B",), "ɱ": ("M",), "y": ("Y", "UW"), "ø": ("ER",),
}
_IPA_EN = {**_IPA_COMMON, "ɾ": ("D",)}
_IPA_HI = {**_IPA_COMMON, "ɾ": ("R",), "c": ("CH",), "cç": ("CH",), "ɟʝ": ("JH",)}
_IPA_SKIP = set("ˈˌːˑ.‿ʰʲʷ̩̪̯̃͡-'ʔ ") | {"\u0361", "\u035c"}
_MAX_KEY = max(len(k) for k in _IPA_COMMON)


def ipa_to_arpabet(ipa: str, hindi: bool = False) -> list[str]:
    """Convert espeak-ng's IPA for one word to ARPAbet phones (greedy longest match)."""
    table = _IPA_HI if hindi else _IPA_EN
    text = unicodedata.normalize("NFC", ipa)
    # Length marks matter for the longest match ("aː"); other diacritics do not.
    text = "".join(ch for ch in text if ch not in _IPA_SKIP or ch == "ː")
    phones: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(_MAX_KEY, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in table:
                phones.extend(table[piece])
                i += size
                break
        else:
            i += 1  # unknown symbol (length mark on its own, stray diacritic)
    return _squash(phones)


def _squash(phones: list[str]) -> list[str]:
    """Drop doubled consonants ("tt" is one T on the phone) and anything not in the phone set."""
    out: list[str] = []
    for p in phones:
        if p not in ARPABET:
            continue
        if out and out[-1] == p and p not in {"AA", "IY", "UW"}:
            continue
        out.append(p)
    return out


# --- romanised Hindi rules ---------------------------------------------------

_VOWELS = set("aeiou")
# Longest first. Each unit maps to alternative phone sequences, most likely first.
_RULES: list[tuple[str, tuple[tuple[str, ...], ...]]] = [
    ("chh", (("CH",),)),
    ("aa", (("AA",),)), ("ee", (("IY",),)), ("ii", (("IY",),)), ("oo", (("UW",),)), ("uu", (("UW",),)),
    ("ai", (("EH",), ("AY",))), ("au", (("AO",), ("AW",))), ("ei", (("EY",),)), ("ou", (("OW",), ("AW",))),
    ("ay", (("EY",), ("AY",))), ("ey", (("EY",),)), ("oy", (("OY",),)),
    ("bh", (("B",),)), ("dh", (("D",),)), ("kh", (("K",),)), ("gh", (("G",),)), ("th", (("T",), ("TH",))),
    ("ph", (("F",), ("P",))), ("sh", (("SH",),)), ("ch", (("CH",),)), ("jh", (("JH",),)), ("ng", (("NG",), ("N", "G"))),
    ("ck", (("K",),)), ("qu", (("K", "W"),)), ("gy", (("G", "Y"),)), ("ny", (("N", "Y"),)),
    ("a", (("AH",), ("AA",))), ("e", (("EY",), ("EH",))), ("i", (("IH",), ("IY",))), ("o", (("OW",),)),
    ("u", (("UH",), ("UW",))), ("y", (("Y",),)), ("w", (("W",), ("V",))), ("v", (("V",), ("W",))),
    ("j", (("JH",),)), ("c", (("K",),)), ("q", (("K",),)), ("x", (("K", "S"),)), ("z", (("Z",), ("JH",))),
    ("r", (("R",),)), ("h", (("HH",),)), ("f", (("F",),)), ("g", (("G",),)), ("k", (("K",),)),
    ("l", (("L",),)), ("m", (("M",),)), ("n", (("N",),)), ("p", (("P",),)), ("s", (("S",),)),
    ("t", (("T",),)), ("d", (("D",),)), ("b", (("B",),)),
]


def _units(word: str) -> list[tuple[tuple[str, ...], ...]]:
    units: list[tuple[tuple[str, ...], ...]] = []
    i = 0
    while i < len(word):
        for key, alts in _RULES:
            if word.startswith(key, i):
                end = i + len(key)
                final = end == len(word)
                if key == "a" and final:
                    alts = (("AA",), ("AH",))  # final a: Sharma -> AA | AH
                elif key in {"i", "u"} and final:
                    alts = (alts[1], alts[0])  # final i/u are long
                elif key == "y" and final and i > 0 and word[i - 1] not in _VOWELS:
                    alts = (("IY",),)
                elif key == "h" and i > 0 and word[i - 1] in _VOWELS and (final or word[end] not in _VOWELS):
                    alts = ((),)  # "rah", "beh": a silent-ish h
                units.append(alts)
                i = end
                break
        else:
            i += 1
    return units


def hindi_rule_variants(word: str, limit: int = 3) -> list[list[str]]:
    """Pronunciations of a romanised Hindi word by spelling rules, most likely first."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return []
    units = _units(w)
    out: list[list[str]] = []
    # The product is ordered so the all-first-choice reading comes first.
    for combo in itertools.islice(itertools.product(*units), 64):
        phones = _squash([p for part in combo for p in part])
        if phones and phones not in out:
            out.append(phones)
        if len(out) >= limit:
            break
    return out
