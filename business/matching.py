"""Fuzzy, sound-alike, Devanagari-aware name matching for customers and products.

Shopkeepers say "Raahul", "Sarma ji", "राहुल", "station road wale Gupta";
STT spells names several ways. A candidate's score (0..100) measures how well
every meaningful query word is explained by the candidate's names (name,
Roman/Devanagari forms, nicknames, aliases) or landmark, plus a small bonus for
covering the whole name, so "Rahul" against two Rahuls is a tie (ask), while
"station road wale Rahul" picks the one on Station Road. Pure Python:
rapidfuzz for edit similarity, a small Indian-spelling phonetic key, and
indic-transliteration for Devanagari.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from indic_transliteration import sanscript
from rapidfuzz import fuzz

# Words that carry respect, relation or grammar, not identity.
STOPWORDS = frozenset(
    """ji jee bhai bhaiya bhaiyya bhaiyaa bhaisahab sahab saheb sahib babu didi di behen behenji aunty auntie
    uncle madam sir mr mrs ms shri sri smt seth sethji wale wala wali waale waala waali vale vala vali walo
    ka ki ke ko se ne par pe mein me the of near paas pas vaale vaala vaali wa""".split()
)
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_CONSONANTS = set("bcdfghjklmnpqrstvwxyz")

# Sound-alike rewrites for Indian names in Roman script, applied in order.
_PHONETIC_RULES: tuple[tuple[str, str], ...] = (
    ("ph", "f"), ("sh", "s"), ("kh", "k"), ("gh", "g"), ("th", "t"), ("dh", "d"), ("bh", "b"),
    ("jh", "j"), ("ch", "c"), ("ck", "k"), ("q", "k"), ("x", "ks"), ("z", "j"), ("w", "v"), ("v", "b"),
    ("y", "i"), ("ee", "i"), ("oo", "u"), ("aa", "a"), ("ou", "u"), ("au", "o"),
)


def devanagari_to_roman(text: str) -> str:
    """'राहुल शर्मा' -> 'rahul sharma' (ITRANS, final schwa dropped, lower-cased)."""
    itrans = sanscript.transliterate(text, sanscript.DEVANAGARI, sanscript.ITRANS)
    words = []
    for word in itrans.split():
        if len(word) > 2 and word.endswith("a") and word[-2].lower() in _CONSONANTS:
            word = word[:-1]
        words.append(word.lower())
    return " ".join(words)


def roman_to_devanagari(text: str) -> str:
    """Best-effort Devanagari spelling of a Roman name (for display and matching)."""
    return str(sanscript.transliterate(text.lower(), sanscript.ITRANS, sanscript.DEVANAGARI))


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """Normalised words: Devanagari transliterated, accents and punctuation dropped."""
    if not text:
        return ()
    if _DEVANAGARI.search(text):
        text = devanagari_to_roman(text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return tuple(w for w in _NON_WORD.split(text) if w)


def meaningful(tokens: Iterable[str], extra_stopwords: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Drop honorifics and grammar words; keep everything if nothing else is left."""
    tokens = tuple(tokens)
    kept = tuple(t for t in tokens if t not in STOPWORDS and t not in extra_stopwords)
    return kept or tokens


@lru_cache(maxsize=8192)
def phonetic(word: str) -> str:
    """Sound-alike key: Rahul/Raahul -> 'rahul', Sharma/Sarma -> 'sarma', Meena/Mina -> 'mina'."""
    w = word.lower()
    for old, new in _PHONETIC_RULES:
        w = w.replace(old, new)
    out: list[str] = []
    for ch in w:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """0..100 likeness of two words: exact 100, same sound 95, else edit similarity."""
    if a == b:
        return 100.0
    if a.isdigit() or b.isdigit():
        return 100.0 if a == b else 0.0
    ka, kb = phonetic(a), phonetic(b)
    if ka == kb:
        return 95.0
    return max(fuzz.ratio(a, b), 0.95 * fuzz.ratio(ka, kb))


@dataclass(frozen=True)
class Target:
    """What a candidate can be called: named variants (label, words) and landmark words."""

    variants: tuple[tuple[str, tuple[str, ...]], ...]
    landmark: tuple[str, ...] = ()
    phone_digits: str = ""


@dataclass(frozen=True)
class Score:
    score: float
    matched_on: str
    exact: bool = False  # every spoken word found verbatim in the candidate (or its phone digits)


STRONG_WORD = 80.0


@dataclass(frozen=True)
class Query:
    """A query prepared once and scored against many targets."""

    digits: str
    tokens: tuple[str, ...]


@lru_cache(maxsize=1024)
def prepare(query: str, extra_stopwords: frozenset[str] = frozenset()) -> Query:
    q = meaningful(words(query), extra_stopwords)
    return Query(re.sub(r"\D", "", query), tuple(t for t in q if not (t.isdigit() and len(t) >= 4)) or q)


def score(query: str | Query, target: Target, extra_stopwords: frozenset[str] = frozenset()) -> Score:
    """How well `query` names `target` (0..100) and which field carried it."""
    prepared = query if isinstance(query, Query) else prepare(query, extra_stopwords)
    digits, q = prepared.digits, prepared.tokens
    if len(digits) >= 4 and target.phone_digits:
        if target.phone_digits.endswith(digits):
            return Score(100.0, "phone", True)
    if not q:
        return Score(0.0, "")
    per_word: list[float] = []
    labels: list[str] = []
    for qw in q:
        best, label = 0.0, ""
        for name_label, toks in target.variants:
            for t in toks:
                s = similarity(qw, t)
                if s > best:
                    best, label = s, name_label if s == 100.0 else ("sound" if s >= 95.0 else name_label)
        for t in target.landmark:
            s = similarity(qw, t)
            if s > best:
                best, label = s, "landmark"
        per_word.append(best)
        labels.append(label)
    coverage = sum(per_word) / len(per_word)
    precision = 0.0
    for _, toks in target.variants:
        if toks:
            hit = sum(1 for t in toks if any(similarity(qw, t) >= STRONG_WORD for qw in q))
            precision = max(precision, hit / len(toks))
    total = 0.85 * coverage + 15.0 * precision
    joined = "".join(q)
    for _, toks in target.variants:
        if toks and len(joined) >= 4:
            total = max(total, float(fuzz.ratio(joined, "".join(toks))) * 0.98)
    named = [lbl for lbl, s in zip(labels, per_word, strict=True) if lbl != "landmark" and s >= STRONG_WORD]
    matched_on = "+".join(dict.fromkeys(named + (["landmark"] if "landmark" in labels else []))) or "fuzzy"
    return Score(round(min(total, 100.0), 1), matched_on, all(x == 100.0 for x in per_word))


@dataclass(frozen=True)
class Decision:
    """Outcome of resolving a query among scored candidates (indices into the input)."""

    chosen: int | None
    candidates: tuple[int, ...]  # best first; for ambiguity or "did you mean"
    ambiguous: bool


def decide(
    scores: Sequence[float], *, exact: Sequence[bool] = (), strong: float = 80.0, weak: float = 70.0,
    gap: float = 10.0,
) -> Decision:
    """Pick one only when the best is strong and clearly ahead; otherwise say who is close.

    - best < weak: not found (weak candidates >= 40 offered as "did you mean").
    - best >= strong and the runner-up more than `gap` behind: chosen.
    - the only candidate holding every spoken word verbatim ("Ajay Shah" beside "Sanjay Shah")
      and strong: chosen. Two such ("Rahul" with two Rahuls) stay ambiguous.
    - otherwise ambiguous among those within `gap` (or 15 points when none is strong).
    """
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    if not order or scores[order[0]] < weak:
        return Decision(None, tuple(i for i in order[:3] if scores[i] >= 40.0), False)
    top = scores[order[0]]
    rivals = [i for i in order[1:] if scores[i] >= top - gap]
    if top >= strong and not rivals:
        return Decision(order[0], (order[0],), False)
    verbatim = [i for i in order if i < len(exact) and exact[i]]
    if len(verbatim) == 1 and scores[verbatim[0]] >= strong and verbatim[0] == order[0]:
        return Decision(order[0], (order[0],), False)
    window = gap if top >= strong else 15.0
    close = tuple(i for i in order if scores[i] >= max(weak, top - window))[:5]
    return Decision(None, close, True)
