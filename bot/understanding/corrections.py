"""Self-corrections inside a sentence: "2 maggi nahi nahi 3", "Rahul nahi Mohan ko", "kal nahi parso".

The caller corrects themself mid-sentence; the tokens are rewritten to what
was finally meant before any template sees them, so a correction is never
read as a negated command.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.understanding.entities import Extractors
from bot.understanding.normalize import Token

_NAME_PARTICLES = frozenset({"ko", "ka", "ki", "ke", "ne"})


class SelfCorrections:
    """The correction markers ("nahi nahi", "sorry", "matlab") and what they replace."""

    def __init__(self, markers: list[list[str]], day_words: Iterable[str], ex: Extractors) -> None:
        self.markers = markers
        self.marker_first = {m[0] for m in markers}
        self.day_words = frozenset(day_words)
        self.ex = ex

    def apply(self, toks: list[Token]) -> list[Token]:
        """'2 maggi nahi nahi 3' -> '3 maggi'; 'rahul ko sorry mohan ko' -> 'mohan ko'; '5 kilo nahi 6 kilo', 'kal nahi parso'."""
        toks = self._single_nahi(toks)
        changed = True
        while changed and not self.marker_first.isdisjoint(t.norm for t in toks):
            changed = False
            norms = [t.norm for t in toks]
            for m in self.markers:
                for k in range(1, len(norms) - len(m) + 1):
                    if norms[k:k + len(m)] != m or k + len(m) >= len(norms):
                        continue
                    rest = toks[k + len(m):]
                    before = toks[:k]
                    if rest[0].is_num:
                        j = max((i for i, t in enumerate(before) if t.is_num), default=None)
                        if j is None:
                            toks = before + rest
                        else:
                            between = [t.norm for t in before[j + 1:]]
                            tail = rest[1:]
                            drop = 0
                            while drop < len(between) and drop < len(tail) and tail[drop].norm == between[drop]:
                                drop += 1
                            toks = before[:j] + [rest[0]] + before[j + 1:] + tail[drop:]
                    else:
                        # a replaced word (and its particle): drop the same shape before the marker
                        if len(rest) >= 2 and k >= 2 and rest[1].norm == before[-1].norm:
                            toks = before[:-2] + rest
                        else:
                            toks = before[:-1] + rest
                    changed = True
                    break
                if changed:
                    break
        return toks

    def _single_nahi(self, toks: list[Token]) -> list[Token]:
        """A lone "nahi"/"no" between two values of the same kind is a correction, not a negation."""
        days = self.day_words
        i = 1
        while i < len(toks) - 1:
            if toks[i].norm in {"nahi", "no"} and toks[i + 1].norm not in {"nahi", "no"} and toks[i - 1].norm not in {"nahi", "no"}:
                nxt = toks[i + 1]
                if nxt.is_num:
                    prev = [j for j in range(max(0, i - 3), i) if toks[j].is_num]
                    if prev:
                        j = prev[-1]
                        between = [t.norm for t in toks[j + 1:i]]
                        tail = toks[i + 2:]
                        drop = 0
                        while drop < len(between) and drop < len(tail) and tail[drop].norm == between[drop]:
                            drop += 1
                        toks = toks[:j] + [nxt] + toks[j + 1:i] + tail[drop:]
                        continue
                if nxt.norm in days and toks[i - 1].norm in days:
                    toks = toks[:i - 1] + toks[i + 1:]
                    continue
                # "mohan sharma nahi mohan gupta ka balance": a two-word name replaces a two-word name
                if i >= 2 and i + 3 < len(toks) and toks[i + 3].norm in _NAME_PARTICLES \
                        and all(self.ex.nameable(t) for t in (toks[i - 2], toks[i - 1], nxt, toks[i + 2])):
                    toks = toks[:i - 2] + toks[i + 1:]
                    continue
                # "rahul nahi mohan ko ..." / "rahul ko nahi mohan ko ...": the second name replaces the first
                after = toks[i + 2].norm if i + 2 < len(toks) else ""
                if self.ex.nameable(nxt) and after in _NAME_PARTICLES:
                    if self.ex.nameable(toks[i - 1]):
                        toks = toks[:i - 1] + toks[i + 1:]
                        continue
                    if i >= 2 and toks[i - 1].norm == after and self.ex.nameable(toks[i - 2]):
                        toks = toks[:i - 2] + toks[i + 1:]
                        continue
            i += 1
        return toks
