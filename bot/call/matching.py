"""Is what the books resolved really what the caller said? And which one did they pick?

The books resolve names generously (sound-alikes, nicknames, Devanagari); the
call must not book on a resemblance. A match is strong only when the heard
words equal (after normalising) the name, a nickname, an alias, or are a very
close spelling of one of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from business.models import Customer, Product

_HONORIFICS = {"ji", "bhai", "sahab", "saheb", "sir", "aunty", "uncle", "didi", "bhaiya", "madam", "seth"}
_WORD = re.compile(r"[a-z0-9\u0900-\u097f]+")
_ORDINALS = {
    0: {"pehle", "pehla", "pehli", "first", "1", "ek", "pahla", "pahle"},
    1: {"doosre", "dusre", "doosra", "dusra", "second", "2", "do"},
    2: {"teesre", "tisre", "teesra", "third", "3", "teen"},
}


_SPELLING = [(re.compile(r"aa+"), "a"), (re.compile(r"ee+"), "i"), (re.compile(r"oo+"), "u"),
             (re.compile(r"([a-z])\1+"), r"\1"), (re.compile(r"w"), "v")]


def normalise(text: str) -> str:
    words = [w for w in _WORD.findall(text.lower()) if w not in _HONORIFICS]
    return " ".join(words)


def spelling_key(text: str) -> str:
    """Romanised-Hindi spelling variants collapse (Raahul = Rahul, Meenaa = Mina); nothing else does."""
    key = normalise(text)
    for pattern, repl in _SPELLING:
        key = pattern.sub(repl, key)
    return key


def _forms(item: Customer | Product) -> list[str]:
    if isinstance(item, Customer):
        forms = [item.name, item.name_roman, item.name_devanagari, *item.nicknames]
    else:
        forms = [item.name, *item.aliases]
    return [normalise(f) for f in forms if f]


def is_strong_match(heard: str, item: Customer | Product) -> bool:
    """True when `heard` is the item's name, a nickname or an alias, up to spelling variants.

    "Sures" for "Suresh" is not strong: one sound off can be another person, so
    the call reads it back instead of booking it.
    """
    h = spelling_key(heard)
    if not h:
        return False
    for form in _forms(item):
        key = spelling_key(form)
        if not key:
            continue
        # "Rahul" for "Rahul Sharma": the first name alone is strong when it is the whole first word.
        if h == key or key.split()[0] == h:
            return True
    return False


def customer_choice(text: str, candidates: Sequence[Customer]) -> Customer | None:
    """The candidate the caller's answer points at: by ordinal, landmark, nickname or name."""
    words = set(_WORD.findall(text.lower()))
    for idx, ordinals in _ORDINALS.items():
        if idx < len(candidates) and words & ordinals and len(words) <= 3:
            return candidates[idx]
    said = normalise(text)
    counts: dict[str, int] = {}
    for c in candidates:
        for k in {normalise(x) for x in (c.landmark, *c.nicknames, c.name) if x}:
            counts[k] = counts.get(k, 0) + 1
    scored: list[tuple[float, int]] = []
    for i, c in enumerate(candidates):
        # Only what tells the candidates apart counts (they often share the name).
        keys = [k for k in (c.landmark, *c.nicknames, c.name) if k and counts.get(normalise(k), 0) == 1]
        best = max((fuzz.partial_ratio(normalise(k), said) for k in keys if k and normalise(k)), default=0.0)
        scored.append((best, i))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= 80 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 10):
        return candidates[scored[0][1]]
    return None
