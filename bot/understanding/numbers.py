"""Fold spoken number words into numeric tokens.

Hindi and English words, digits, compounds ("teen sau pachas" = 350, "ek
hazaar do sau" = 1200), fractions that scale ("dedh sau" = 150, "dhai
hazaar" = 2500), modifiers that add part of the scale ("sawa do hazaar" =
2250, "saadhe teen sau" = 350, "paune do" = 1.75) and the shop habit "two
fifty" = 250. "do" is a number only where a number fits (not in "kar do").
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.understanding.data import Data
from bot.understanding.normalize import Token

_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")
_DOUBLE = re.compile(r"(.)\1")


@lru_cache(maxsize=8192)
def spelling_key(word: str) -> str:
    """Fold spelling variants of a number word: chalees/chaalis -> chalis, pachchees/pacchis -> pachis."""
    w = word.replace("aa", "a").replace("ee", "i").replace("oo", "u").replace("chh", "ch").replace("w", "v")
    return _DOUBLE.sub(r"\1", w)


def fmt(value: float) -> str:
    """Digits for a value: 3 -> "3", 1.5 -> "1.5"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


class NumberFolder:
    """Stateless folder built once from numbers.json and lexicon.json."""

    def __init__(self, data: Data) -> None:
        nm = data.numbers
        lx = data.lexicon
        self.units: dict[str, float] = {k: float(v) for k, v in nm["units"].items()}
        self.folded: dict[str, float] = {}
        for k, v in self.units.items():
            if len(k) > 3:
                self.folded.setdefault(spelling_key(k), v)
        self.mults: dict[str, float] = {k: float(v) for k, v in nm["multipliers"].items()}
        self.fracs: dict[str, float] = {k: float(v) for k, v in nm["fractions"].items()}
        self.mods: dict[str, float] = {k: float(v) for k, v in nm["modifiers"].items()}
        self.en_tens = set(nm.get("english_tens", []))
        self.en_units = set(nm.get("english_units", []))
        self.en_teens = {w for w, v in self.units.items() if 10 <= v <= 19 and w.isascii() and w.endswith("teen")} | {"ten", "eleven", "twelve"}
        self.saath_blockers = set(nm.get("saath_blockers", []))
        self.unit_words = set(data.units["units"].values())
        self.verb_stems = set(lx["verb_stems_before_do"])
        self.do_followers = set(lx["english_do_followers"]) | {"na", "please", "yaar", "ji", "bhai", "jaldi", "zara", "abhi", "bhi", "to", "sir"}
        conj: set[str] = set()
        for c in lx["conjunctions"]:
            conj.update(c.split())
        self.stop_after_do = conj | self.verb_stems | {"kar", "karo", "hai"}

    def _small(self, toks: list[Token], j: int) -> float | None:
        t = toks[j].norm
        if t not in self.units and len(t) > 3 and t.isalpha():
            folded = self.folded.get(spelling_key(t))
            if folded is not None:
                return folded
        if _DIGITS.match(t):
            return float(t)
        if t in self.units:
            if t == "do" and not self._do_is_number(toks, j):
                return None
            if t == "saath" and j > 0 and (toks[j - 1].norm in self.saath_blockers or toks[j - 1].norm == "ek"):
                return None
            return self.units[t]
        if t in self.fracs:
            if self.fracs[t] == 0.25 and not (j + 1 < len(toks) and toks[j + 1].norm in self.unit_words):
                return None  # "pav bread" is a product; "paav kilo" a quarter
            return self.fracs[t]
        return None

    def _do_is_number(self, toks: list[Token], j: int) -> bool:
        if j > 0 and toks[j - 1].norm in self.verb_stems:
            return False
        if j + 1 >= len(toks):
            return False
        nxt = toks[j + 1].norm
        return nxt not in self.do_followers and nxt not in self.stop_after_do

    def _parse(self, toks: list[Token], i: int) -> tuple[float, int] | None:
        j = i
        mod = 0.0
        if toks[j].norm in self.mods:
            mod = self.mods[toks[j].norm]
            j += 1
            if j >= len(toks) or (self._small(toks, j) is None and toks[j].norm not in self.mults):
                if mod == 0.25:
                    return 1.25, j
                if mod < 0:
                    return 0.75, j
                return None
        total = 0.0
        cur = 0.0
        scale = 1.0
        last = ""  # "small" | "mult"
        start = j
        english_pair = False
        while j < len(toks):
            t = toks[j].norm
            small = self._small(toks, j)
            if small is not None:
                if last == "small":
                    prev = toks[j - 1].norm
                    if prev in self.en_tens and t in self.en_units:
                        cur += small
                        j += 1
                        continue
                    if not english_pair and (prev in self.en_units) and (t in self.en_tens or t in self.en_teens) and j - 1 == start:
                        cur = cur * 100 + small
                        english_pair = True
                        j += 1
                        continue
                    break
                cur += small
                last = "small"
                j += 1
                continue
            if t in self.mults or (t == "so" and last == "small"):  # "teen so" is how recognisers write "teen sau"
                m = self.mults.get(t, 100.0)
                base = cur if last == "small" else 1.0
                if m >= 1000:
                    total += base * m
                    cur = 0.0
                else:
                    cur = base * m
                scale = max(scale, m)
                last = "mult"
                j += 1
                continue
            if t in {"a", "an"} and last == "small" and toks[j - 1].norm in self.fracs:
                j += 1  # "half a kilo"
                continue
            if t == "and" and last == "small" and j + 2 < len(toks) and toks[j + 1].norm == "a" and toks[j + 2].norm in {"half", "quarter"}:
                cur += self.fracs[toks[j + 2].norm]  # "one and a half"
                j += 3
                continue
            if t == "and" and last == "mult" and j + 1 < len(toks) and toks[j + 1].norm in self.units and toks[j + 1].norm != "do":
                j += 1
                continue
            break
        if j == start:
            return None
        value = total + cur
        if mod:
            value += mod * scale
        return value, j

    def fold(self, toks: list[Token]) -> list[Token]:
        out: list[Token] = []
        i = 0
        while i < len(toks):
            parsed = self._parse(toks, i)
            if parsed is None:
                out.append(toks[i])
                i += 1
                continue
            value, j = parsed
            if j == i + 1 and _DIGITS.match(toks[i].norm):
                norm = toks[i].norm
            else:
                norm = fmt(value)
            out.append(Token(norm, norm, toks[i].start, toks[j - 1].end, value))
            i = j
        return out
