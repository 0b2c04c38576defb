"""What a caller is expected to answer, and how an answer reads (pure: no pipecat).

`YES_NO` names the read-back's question; `classify` reads a spoken or typed
answer ("haan", "nahi", DTMF-like "1"/"2" words) for the conversation and for
the recogniser, which checks its own alternatives with it.
"""

from __future__ import annotations

import re

YES_NO = "yes_no"  # a read-back waits: "haan" / "nahi"
AMOUNT = "amount"  # "Kitne rupaye?": "teen sau"
CUSTOMER = "customer"  # "Kiske liye?" / "Kiske naam?": one of the shop's customers
EXPECTATIONS = (YES_NO, AMOUNT, CUSTOMER)

_YES = {
    "haan", "han", "haa", "ha", "haanji", "ji", "yes", "yeah", "ok", "okay", "theek", "thik", "pakka",
    "sahi", "bilkul", "kar", "karo", "do", "confirm", "hmm", "हाँ", "हां", "जी", "ठीक", "पक्का",
}
_NO = {
    "nahi", "nahin", "nai", "na", "no", "mat", "galat", "cancel", "ruko", "rehne", "chhodo", "नहीं", "ना",
    "मत", "गलत",
}
_WORD = re.compile(r"[\w\u0900-\u097f]+")


def classify(text: str) -> str | None:
    """"yes", "no" or None (neither, or both: e.g. "nahi nahi, haan" is unclear)."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    if words in (["1"], ["ek"], ["one"]):
        return "yes"
    if words in (["2"], ["do"], ["two"]):
        return "no"
    has_no = any(w in _NO for w in words)
    # "kar do" is a yes; "karo" alone is often the tail of a misheard "mat karo": not an answer.
    has_yes = any(w in _YES for w in words if w not in {"do", "kar", "karo"}) or (
        not has_no and "kar" in words and "do" in words
    )
    if has_no and not has_yes:
        return "no"
    if has_yes and not has_no:
        return "yes"
    return None


def classify_digit(digit: str) -> str | None:
    return {"1": "yes", "2": "no"}.get(digit)
