"""Which way money moves in a spoken command, read from its words (pure: no pipecat, no parser).

A payment ("Suresh ne do sau cash diye") and udhaar ("Suresh ke khate mein do
sau") differ in one or two short words (cash / khate, ne / ko, diye / liye),
exactly the words a phone line blurs. The recogniser reads each of its top
hypotheses with `money_direction`; when they disagree (`directions_disagree`)
the transcript is marked unsure on direction, so the call reads back which
way the money went instead of booking it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PAYMENT = "payment"
UDHAAR = "udhaar"
UNCLEAR = "unclear"  # one reading with words pointing both ways

_CREDIT_WORDS = frozenset({
    "udhaar", "udhar", "udhaari", "udhari", "khate", "khaate", "khata", "khaata", "khatey", "likh", "likho",
    "likhdo", "likhna", "credit", "उधार", "खाते", "खाता", "लिख", "लिखो",
})
_PAYMENT_WORDS = frozenset({
    "jama", "cash", "upi", "phonepe", "gpay", "paytm", "mile", "mila", "mili", "payment", "chukaya", "chukaye",
    "chuka", "chukta", "paid", "received", "जमा", "नकद", "कैश", "मिले", "मिला", "भुगतान",
})
_GIVE = frozenset({"diye", "diya", "di", "de", "dediye", "dediya", "दिए", "दिये", "दिया", "दी", "दे"})
_TAKE = frozenset({"liye", "liya", "li", "le", "lediye", "लिए", "लिये", "लिया", "ली", "ले"})
# "Suresh ne ... diye": Suresh gave (a payment); "Suresh ko ... diye": given to Suresh (on credit).
_TO = frozenset({"ko", "को"})
_FOR = frozenset({"ke", "ki", "के", "की"})
_WORD = re.compile(r"[\w\u0900-\u097f]+")


def money_direction(text: str) -> str | None:
    """PAYMENT, UDHAAR, UNCLEAR (words pointing both ways) or None (nothing about the direction of money).

    The plain words (udhaar, khate, likh / jama, cash, UPI, mile) decide when there are any; only
    without them does the verb and its case marker ("ne ... diye", "ko ... diye", "liye") decide.
    """
    words = _WORD.findall(text.lower())
    credit = any(w in _CREDIT_WORDS for w in words)
    payment = any(w in _PAYMENT_WORDS for w in words)
    if not (credit or payment):
        credit, payment = _by_verb(words)
    if credit and payment:
        return UNCLEAR
    if credit:
        return UDHAAR
    if payment:
        return PAYMENT
    return None


def _by_verb(words: list[str]) -> tuple[bool, bool]:
    """(credit, payment) as the verbs say: "ne ... diye" and a bare "de gaya" are a payment,
    "ko ... diye" and "liye" / "le gaya" udhaar ("ke liye" is only "for")."""
    credit = payment = seen_to = False
    for i, w in enumerate(words):
        if w in _TO:
            seen_to = True
        elif w in _GIVE:
            if seen_to:
                credit = True
            else:
                payment = True
        elif w in _TAKE and not (i and words[i - 1] in _FOR):
            credit = True
    return credit, payment


def directions_disagree(best: str, alternatives: Iterable[str]) -> bool:
    """Whether the top readings disagree on which way money moves: the best reading's own words point
    both ways, or it points one way and another reading plainly the other. A reading silent on
    direction, or one that only adds a word the other way ("likh" beside "cash"), contradicts nothing."""
    mine = money_direction(best)
    if mine is None:
        return False
    if mine == UNCLEAR:
        return True
    return any(other in (PAYMENT, UDHAAR) and other != mine for other in map(money_direction, alternatives))
