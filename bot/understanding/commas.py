"""Commands joined by commas ("Suresh ne 100 diye, Meena ka balance batao"): marking and reading them.

Clause commas become a marker word so the sentence is tokenised once for both
readings (with and without the commas as boundaries).
"""

from __future__ import annotations

import re
from typing import Any

from bot.understanding.normalize import Token

# A clause boundary: a comma or semicolon that is not inside a number ("2,500")
CLAUSE_COMMA = re.compile(r"(?<!\d)[,;]|[,;](?!\d)")


def mark_commas(text: str) -> tuple[str, list[int]]:
    """Clause commas become a marker word, so the sentence is tokenised once for both readings."""
    marked, n = CLAUSE_COMMA.subn(" zzclausezz ", text)
    return marked, [1] * n


def drop_marks(words: list[str], toks: list[Token]) -> tuple[list[str], list[Token], list[int]]:
    """Remove the comma markers; returns the words, the tokens (re-indexed) and where each clause starts."""
    keep: list[str] = []
    shift: list[int] = []
    starts: list[int] = []
    for w in words:
        shift.append(len(keep))
        if w == "zzclausezz":
            if keep and (not starts or starts[-1] != len(keep)):
                starts.append(len(keep))
            continue
        keep.append(w)
    shift.append(len(keep))
    out = []
    for t in toks:
        if t.norm == "zzclausezz":
            continue
        out.append(Token(t.norm, t.roman, shift[t.start], shift[t.end - 1] + 1, t.value) if t.end > t.start else t)
    return keep, out, [s for s in starts if s < len(keep)]


def same_kind(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two clauses that are one command said twice ("haan, pakka kar do") or one bill's items."""
    if a["intent"] != b["intent"]:
        return False
    return a["intent"] == "create_invoice" or not a["entities"] or not b["entities"]
