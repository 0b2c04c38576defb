"""Trigger words: whole words a template cannot match without, to index templates by word.

`trigger_words(pattern)` walks the parsed regex and returns a set of whole
words (maximal runs of word characters, bounded in the pattern by \\b, ^, $
or a space) such that every match contains at least one of them, or None
when no such set is certain. The parser indexes its templates by these words
and tries, for a clause, only the templates one of whose words it contains
(plus those without a set): the first match in priority order is the same as
trying every template, with a fraction of the regex searches.
"""

from __future__ import annotations

import re
import re._constants as _c  # the stdlib's own regex parser (Python 3.11+)
import re._parser as _p
from typing import Any

_WORD = re.compile(r"\w+")
_LEFT = (_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING)
_RIGHT = (_c.AT_BOUNDARY, _c.AT_END, _c.AT_END_STRING)


def trigger_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    if pattern.flags & re.IGNORECASE:
        return None
    got = _seq(list(_p.parse(pattern.pattern, pattern.flags)), False, False)
    return frozenset(got) if got else None


def words_of(text: str) -> set[str]:
    """The words a clause offers to the index (the same word boundaries as the regexes' \\b)."""
    return set(_WORD.findall(text))


def _bounded(item: tuple[Any, Any] | None, side: tuple[Any, ...]) -> bool:
    if item is None:
        return False
    op, av = item
    return (op is _c.AT and av in side) or (op is _c.LITERAL and av == 32)


def _seq(items: list[tuple[Any, Any]], lb: bool, rb: bool) -> set[str] | None:
    """A set of trigger words for a sequence: the smallest among its mandatory parts' sets."""
    candidates: list[set[str]] = []
    i = 0
    n = len(items)
    while i < n:
        op, av = items[i]
        if op is _c.LITERAL:
            j = i
            while j < n and items[j][0] is _c.LITERAL:
                j += 1
            text = "".join(chr(items[k][1]) for k in range(i, j))
            left = (lb if i == 0 else _bounded(items[i - 1], _LEFT))
            right = (rb if j == n else _bounded(items[j], _RIGHT))
            parts = text.split(" ")
            for k, part in enumerate(parts):
                if part and _WORD.fullmatch(part) and (k > 0 or left) and (k < len(parts) - 1 or right):
                    candidates.append({part})
            i = j
            continue
        left = lb if i == 0 else _bounded(items[i - 1], _LEFT)
        right = rb if i == n - 1 else _bounded(items[i + 1], _RIGHT)
        sub: set[str] | None = None
        if op is _c.SUBPATTERN:
            sub = _seq(list(av[-1]), left, right)
        elif op is _c.BRANCH:
            sub = _branch(av[1], left, right)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            sub = _seq(list(av[2]), left, right and av[1] == 1)
        if sub:
            candidates.append(sub)
        i += 1
    if not candidates:
        return None
    return min(candidates, key=lambda c: (len(c), -min(len(w) for w in c)))


def _branch(alternatives: list[Any], lb: bool, rb: bool) -> set[str] | None:
    out: set[str] = set()
    for alt in alternatives:
        got = _seq(list(alt), lb, rb)
        if not got:
            return None
        out |= got
    return out
