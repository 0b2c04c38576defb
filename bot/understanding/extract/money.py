"""Amounts of money, payment modes and splits, discounts: which numbers are rupees and what they mean."""

from __future__ import annotations

from typing import Any

from bot.understanding.extract.base import _DIGITS, PAY_VERBS, SETTLE_WORDS, Sentence, _num
from bot.understanding.extract.items import ItemExtractors

# A number right after one of these is a time of day.
_DAY_PARTS = frozenset({"subah", "shaam", "sham", "raat", "dopahar", "savere", "morning", "evening", "night"})


class MoneyExtractors(ItemExtractors):
    # ------------------------------------------------------------------ money
    def money_numbers(self, s: Sentence) -> list[int]:
        """Indexes of numbers that are amounts of money (not quantities, times, phones, ids)."""
        toks = s.toks
        out: list[int] = []
        for i, t in enumerate(toks):
            if not t.is_num or i in s.used:
                continue
            if s.when_span and s.when_span[0] <= i < s.when_span[1]:
                continue
            if _DIGITS.match(t.norm) and len(t.norm) >= 7:
                continue
            nxt = toks[i + 1].norm if i + 1 < len(toks) else ""
            prev = toks[i - 1].norm if i > 0 else ""
            if nxt in self.unit_canon and len(toks[i + 1].roman) > 1 or nxt in {"percent", "baje", "minute", "ghante", "tareekh"}:
                continue
            if prev in {"number", "no", "invoice", "bill", "#"}:
                continue
            clock_like = (t.value or 0) <= 12 and nxt not in {"ka", "ke", "ki", "rupaye", "rs", "ka reminder"}
            if (prev in _DAY_PARTS and clock_like) or nxt in {"am", "pm"}:
                continue  # "shaam 6 se hata ke ...": a clock time outside the spoken when, not rupees
            if nxt == "paise" and prev == "rupaye":
                continue
            if (t.value or 0) < 1 and nxt != "rupaye":
                continue
            out.append(i)
        return out

    def amount(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        idx = self.money_numbers(s)
        if not idx:
            return {}
        near = [i for i in idx if (i + 1 < len(s.toks) and s.toks[i + 1].norm == "rupaye") or (i > 0 and s.toks[i - 1].norm == "rupaye")]
        i = (near or idx)[0]
        return {"amount": _num(self._with_paise(s, i))}

    @staticmethod
    def _with_paise(s: Sentence, i: int) -> float:
        """"99 rupaye 50 paise" -> 99.5."""
        toks = s.toks
        value = float(toks[i].value or 0)
        if i + 3 < len(toks) and toks[i + 1].norm == "rupaye" and toks[i + 2].is_num and toks[i + 3].norm == "paise":
            value += float(toks[i + 2].value or 0) / 100
        return value

    def _mode_at(self, s: Sentence, i: int) -> str | None:
        t = s.toks[i].norm
        if t in self.modes:
            return self.modes[t]
        return None

    def payment(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        toks = s.toks
        norms = s.norms
        out: dict[str, Any] = {}
        idx = self.money_numbers(s)
        pairs: list[tuple[int, str]] = []
        for i in idx:
            for k in (i + 1, i + 2, i + 3):
                if k < len(toks) and toks[k].is_num:
                    break
                if k < len(toks) and (m := self._mode_at(s, k)):
                    pairs.append((i, m))
                    break
        if len(pairs) >= 2 and len({p[0] for p in pairs}) >= 2:
            splits = [{"amount": _num(toks[i].value), "payment_mode": m} for i, m in pairs]
            out["amount"] = _num(sum(toks[i].value or 0 for i, _ in pairs))
            out["splits"] = splits
            return out
        settle = any(w in SETTLE_WORDS for w in norms) and any(
            w in {"everything", "hisaab", "udhaar", "balance", "baki", "dues", "account", "paisa", "paise", "chuka", "cleared", "settle", "settled", "payment", "bill"}
            for w in norms)
        if idx and not (settle and not any((toks[i].value or 0) > 0 for i in idx)):
            near_verb = [i for i in idx if any(n in PAY_VERBS for n in norms[i + 1:i + 4])]
            if len(idx) > 1 and near_verb:
                out["amount"] = _num(toks[near_verb[-1]].value)
            else:
                out.update(self.amount(s, ctx))
        elif settle:
            out["settle_full"] = True
        for i in range(len(toks)):
            m = self._mode_at(s, i)
            if m and not (norms[i] == "check" and "balance" in norms):
                out["payment_mode"] = m
                break
        return out


    # ------------------------------------------------------------- discounts
    def discount(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        toks = s.toks
        norms = s.norms
        out: dict[str, Any] = {}
        for i, t in enumerate(toks):
            if not t.is_num:
                continue
            nxt = norms[i + 1] if i + 1 < len(toks) else ""
            prev = norms[i - 1] if i > 0 else ""
            if nxt == "percent":
                out["percent"] = _num(t.value)
            elif prev in {"total", "bill", "ko"} or nxt == "total" or norms[max(0, i - 2):i] == ["make", "it"] or (i > 1 and norms[i - 2] == "the" and prev == "total") or norms[i + 1:i + 3] in (["le", "lo"], ["laga", "lo"], ["le", "lijiye"]):
                out["target_total"] = _num(t.value)
            elif "total" in norms[max(0, i - 3):i] or "round" in norms:
                out["target_total"] = _num(t.value)
            else:
                out["amount"] = _num(t.value)
            break
        for i, t in enumerate(toks):
            if t.norm in {"pe", "par", "on"} and i > 0 and self.product_word(toks[i - 1]) and toks[i - 1].roman not in {"bill", "total"}:
                words, _ = self._backward_product(s, i)
                if words:
                    out["product"] = " ".join(words)
                break
            if t.norm == "on":  # English: "5 rupees off on the bread"
                j = i + 1 + (i + 1 < len(toks) and toks[i + 1].norm == "the")
                words, _ = self._read_product(s, j, False)
                if words and words[0] not in {"bill", "total"}:
                    out["product"] = " ".join(words)
                    break
        return out

