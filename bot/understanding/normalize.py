"""Text -> tokens the templates can match.

Each token keeps three views: `norm` (canonical spelling, numbers as digits,
units canonical: what templates match), `roman` (what was said, romanised:
names and products are taken from it), and the span of surface words it came
from (so a `when` phrase can be quoted as spoken).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.data import Data
from bot.understanding.devanagari import is_devanagari, to_roman


@dataclass
class Token:
    norm: str
    roman: str
    start: int
    end: int
    value: float | None = None

    @property
    def is_num(self) -> bool:
        return self.value is not None


_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}")
_UNIT_SUFFIX = re.compile(r"\b(\d+(?:\.\d+)?)(kg|kgs|g|gm|gms|ml|l|ltr|kilo|litre|liter)\b")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_KEEP = re.compile(r"[^\w@:.\-\u0900-\u097F]+")
_DOTS = re.compile(r"(?<!\d)[.:]|[.:](?!\d)")
_DASHES = re.compile(r"^-+|-+$")
# amounts, currency and English contractions, in this order
_REWRITES = [(re.compile(p), r) for p, r in (
    (r"\brs\.", " rs "),
    (r"(\d)\s*/-", r"\1 "),
    (r"\b(rs|inr)\.?(?=\d)", r"\1 "),
    (r"(\d)(rs|rupees|rupaye|inr)\b", r"\1 \2"),
    (r"\b(\d+(?:\.\d+)?)k\b", r"\1 thousand"),
    (r"(?<=\d),(?=\d{2,3}\b)", ""),
    (r"(?<=\d),(?=\d{2,3}\b)", ""),
    (r"\b(what|that|it|he|she|there|who|here|where|how)'s\b", r"\1 is"),
    (r"\blet's\b", "let us"),
    (r"(\w)'s\b", r"\1 ka"),
)]


def _pre_clean(text: str) -> tuple[str, list[str]]:
    """Lower-case, protect emails/amounts/times, split into surface words."""
    t = text.lower().replace("\u200d", "").replace("\u200c", "")
    t = t.replace("%", " percent ").replace("₹", " rs ").replace("p&l", " pnl ").replace("&", " and ")
    for pattern, repl in _REWRITES:
        t = pattern.sub(repl, t)
    t = t.replace("'", "")
    t = t.replace("।", " ").replace("॥", " ")
    emails: list[str] = []

    def keep_email(m: re.Match[str]) -> str:
        emails.append(m.group(0))
        return f" zzemail{len(emails) - 1}zz "

    t = _EMAIL.sub(keep_email, t)
    t = _UNIT_SUFFIX.sub(r"\1 \2", t)
    t = _KEEP.sub(" ", t)
    words: list[str] = []
    for w in t.split():
        if w.startswith("zzemail") and w.endswith("zz"):
            words.append(emails[int(w[7:-2])])
            continue
        if "." not in w and ":" not in w and "-" not in w:
            words.append(w)
            continue
        # dots and colons only survive inside numbers (1.5, 7:30)
        w = _DOTS.sub(" ", w).strip()
        w = _DASHES.sub("", w)
        words.extend(w.split())
    return t, words


_INDEX: dict[int, dict[str, list[tuple[int, str]]]] = {}


def _phrase_index(key: int, phrases: dict[str, str]) -> dict[str, list[tuple[int, str]]]:
    """Multi-word phrases by first word, longest first (built once per phrase table)."""
    index = _INDEX.get(key)
    if index is None:
        index = {}
        for phrase in sorted(phrases, key=lambda p: -len(p.split())):
            parts = phrase.split()
            if len(parts) > 1:
                index.setdefault(parts[0], []).append((len(parts), phrase))
        _INDEX.clear()
        _INDEX[key] = index
    return index


def surface_words(text: str) -> list[str]:
    return _pre_clean(text)[1]


def tokenize(text: str, data: Data) -> tuple[list[str], list[Token]]:
    """Surface words and normalised tokens (before number folding)."""
    _, words = _pre_clean(text)
    lx = data.lexicon
    dev_map: dict[str, str] = lx["devanagari_words"]
    romans: list[str] = []
    for w in words:
        if is_devanagari(w):
            r = dev_map.get(w)
            if r is None:
                r = to_roman(w)
            romans.append(r)
        else:
            romans.append(_ORDINAL.sub(r"\1", w) if w[:1].isdigit() else w)

    # expand romans that are several words (map values with spaces)
    base: list[Token] = []
    for i, r in enumerate(romans):
        for part in r.split():
            base.append(Token(part, part, i, i + 1))

    phrases: dict[str, str] = lx["phrases"]
    by_first = _phrase_index(id(phrases), phrases)
    merged: list[Token] = []
    i = 0
    while i < len(base):
        for n, key in by_first.get(base[i].roman, ()):
            if i + n <= len(base) and " ".join(t.roman for t in base[i:i + n]) == key:
                merged.append(Token(phrases[key], key, base[i].start, base[i + n - 1].end))
                i += n
                break
        else:
            merged.append(base[i])
            i += 1

    variants: dict[str, str] = lx["variants"]
    units: dict[str, str] = data.units["units"]
    out: list[Token] = []
    for tok in merged:
        norm = variants.get(tok.norm, tok.norm)
        parts = norm.split()
        if len(parts) > 1:
            for p in parts:
                out.append(Token(p, tok.roman if p == parts[0] else p, tok.start, tok.end))
            continue
        if norm in units:
            norm = units[norm]
        out.append(Token(norm, tok.roman, tok.start, tok.end))
    return words, out
