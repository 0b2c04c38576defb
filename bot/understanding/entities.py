"""Entity extractors: one small function per entity family, chosen per intent in intents.json.

They read a `Sentence` (normalised tokens + surface words) and return only
what was said. Names and products come from the romanised surface (`roman`),
everything else from canonical `norm`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.understanding.data import Data
from bot.understanding.normalize import Token
from bot.understanding.numbers import fmt
from bot.understanding.timeexpr import TimeParser

_ALPHA = re.compile(r"^[a-z][a-z\-]*$")
_GSTIN = re.compile(r"^\d{2}[a-z]{5}\d{4}[a-z]\d[a-z0-9]{2}$")
_DIGITS = re.compile(r"^\d+$")

NAME_PARTICLES = {"ko", "ka", "ki", "ke", "ne", "se", "pe", "par", "wala"}
FORWARD_TRIGGERS = {"mark", "make", "of", "bill", "invoice", "remove", "delete", "for", "to", "remind", "give", "customer", "named", "naam", "does", "send", "called"}
WEAK_TRIGGERS = {"from"}
OF_OWNERS = {"details", "balance", "number", "address", "phone", "account", "khata", "hisaab", "email", "info", "reminder", "bill", "invoice"}
FORWARD_SKIP = {"the", "customer", "mr", "mrs", "a", "new", "shri", "my", "our"}
LEADING_FOLLOWERS = {"sent", "kitna", "needs", "wants", "buys", "ordered", "took", "will", "is", "settled", "bought", "purchased", "paid", "has", "owes", "owe", "cleared", "de", "diye", "gave", "ne", "pays", "balance", "hisaab",
                     "khata", "account", "details", "ka", "ki", "ke", "returned"}
REMOVE_OPS = {"wapas", "kharab", "toot", "tut", "hata", "remove", "nikal", "kam", "expire", "expired", "damage", "damaged",
              "chori", "waste", "phat", "sad", "minus", "ghata", "from", "bik"}
LOW_CUES = {"khatam", "low", "running", "mangwana", "out", "restocking", "reorder"}
PAY_VERBS = {"diye", "kiye", "paid", "jama", "bheja", "bheje", "mila", "aagaya", "gave", "chuka", "de", "returned", "wapas"}
SETTLE_WORDS = {"saaf", "poora", "full", "saare", "entire", "whole", "chuka", "cleared", "clear", "settle", "settled"}
EMAIL_STOP = {"hai", "is", "email", "mera", "meri", "my", "the", "address", "ka", "ki", "id", "mail", "naya", "save",
              "likho", "kar", "karo", "do", "please", "customer", "number", "aur", "and"}


@dataclass
class Sentence:
    """One command's tokens, plus the parse state extractors share."""

    toks: list[Token]
    words: list[str]
    used: set[int] = field(default_factory=set)
    post_hint: tuple[str, int, int] | None = None
    customer_span: tuple[int, int] | None = None
    when_span: tuple[int, int] | None = None

    @property
    def norms(self) -> list[str]:
        return [t.norm for t in self.toks]


def _num(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(float(v), 4)


class Extractors:
    """All extractors, sharing the vocabularies built once from the data files."""

    def __init__(self, data: Data, times: TimeParser) -> None:
        self.data = data
        self.times = times
        lx = data.lexicon
        self.known = data.known_words
        self.honorifics = set(lx["honorifics"])
        self.suffixes = set(lx["business_suffixes"])
        self.pronouns = set(lx["pronouns_active"])
        self.pronoun_phrases = [p.split() for p in lx["pronoun_phrases"]]
        self.products = set(lx.get("common_products", []))
        self.verb_stems = set(lx["verb_stems_before_do"])
        self.unit_canon = set(data.units["units"].values())
        self.pack_units = set(data.units["pack_units"])
        self.pack_abbrev: dict[str, str] = data.units["pack_abbrev"]
        sl = data.slots
        self.modes: dict[str, str] = sl["payment_modes"]
        self.channels: dict[str, str] = sl["channels"]
        self.tiers: dict[str, str] = sl["tiers"]
        self.languages: dict[str, str] = sl["languages"]
        self.ordinals: dict[str, str] = sl["ordinals"]
        self.walk_in = [w.split() for w in sl["walk_in"]]
        self.walk_in_first = {p[0] for p in self.walk_in}
        self.gst_off = set(sl["gst_off"])
        self.supply: dict[str, list[list[str]]] = {k: [p.split() for p in v] for k, v in sl["supply"].items()}
        self.domains = set(sl["email_domains"])
        self.registry: dict[str, Callable[[Sentence, dict[str, Any]], dict[str, Any]]] = {
            "customer": self.customer, "walk_in": self.walkin, "items": self.items, "amount": self.amount,
            "payment": self.payment, "when": self.when, "note": lambda s, c: {}, "discount": self.discount,
            "with_gst": self.with_gst, "supply_type": self.supply_type, "tier": self.tier, "channel": self.channel,
            "invoice_target": self.invoice_target, "invoice_target_send": self.invoice_target_send,
            "draft_ref": self.draft_ref, "email": self.email, "stock_query": self.stock_query,
            "stock_update": self.stock_update, "product_new": self.product_new, "customer_new": self.customer_new,
            "customer_fields": self.customer_fields, "field": self.field, "period": self.period,
            "language": self.language,
        }

    # ------------------------------------------------------------ word classes
    def nameable(self, tok: Token) -> bool:
        r = tok.roman
        return (
            not tok.is_num and bool(_ALPHA.match(r)) and len(r) >= 2
            and tok.norm not in self.known and r not in self.known and r not in self.products
        )

    def product_word(self, tok: Token) -> bool:
        if tok.is_num or not _ALPHA.match(tok.roman):
            return False
        if tok.roman in self.products or tok.norm in self.products:
            return True
        return tok.norm not in self.known and tok.roman not in self.known

    @staticmethod
    def title(toks: list[Token]) -> str:
        return " ".join(t.roman.capitalize() if not t.roman[:1].isdigit() else t.roman for t in toks)

    # -------------------------------------------------------------- customers
    def find_customer(self, s: Sentence) -> tuple[int, int] | None:
        """Span of a named customer, or None. Order: particle, English trigger, leading name."""
        toks = s.toks
        n = len(toks)
        for idx, tok in enumerate(toks):
            if tok.norm not in NAME_PARTICLES or idx == 0:
                continue
            if tok.norm == "wala" and idx + 1 < n and (self.nameable(toks[idx + 1]) or toks[idx + 1].norm in NAME_PARTICLES):
                continue
            if tok.norm != "wala" and toks[idx - 1].norm == "wala":
                span = self._name_before_hint(s, idx - 1)
                if span:
                    return span
            k = idx - 1
            if tok.norm != "wala" and toks[k].norm == "wala":
                k -= 1
            while k >= 0 and toks[k].norm in self.honorifics:
                k -= 1
            end = k + 1
            names = 0
            while k >= 0 and end - k <= 3 and (self.nameable(toks[k]) or toks[k].roman in self.suffixes):
                names += self.nameable(toks[k]) and toks[k].roman not in self.suffixes
                if names > 2:
                    break
                k -= 1
            start = k + 1
            while start < end and toks[start].roman in self.suffixes:
                start += 1
            if start < end:
                return start, end
        for triggers in (FORWARD_TRIGGERS, WEAK_TRIGGERS):
            for idx, tok in enumerate(toks):
                if tok.norm not in triggers:
                    continue
                if tok.norm == "of" and (idx == 0 or toks[idx - 1].norm not in OF_OWNERS):
                    continue
                k = idx + 1
                while k < n and toks[k].norm in FORWARD_SKIP:
                    k += 1
                start = k
                while k < n and k - start < 3 and (self.nameable(toks[k]) or (k > start and toks[k].roman in self.suffixes)):
                    k += 1
                if k > start:
                    return start, k
        k = 0
        while k < n and k < 3 and self.nameable(toks[k]):
            k += 1
        if k > 0:
            j = k
            while j < n and toks[j].norm in self.honorifics:
                j += 1
            if j < n and (toks[j].is_num or toks[j].norm in LEADING_FOLLOWERS):
                return 0, k
        return None

    def _name_before_hint(self, s: Sentence, wala: int) -> tuple[int, int] | None:
        """"rahul doodh wale ko", "gupta ji station road wale ka": the name is the first word(s), the rest the hint."""
        toks = s.toks
        k = wala - 1
        hint_end = wala
        while k >= 0 and wala - k <= 4 and not toks[k].is_num and toks[k].norm not in NAME_PARTICLES and toks[k].norm not in {"aur", "and"}:
            k -= 1
        start = k + 1
        if start >= hint_end - 1 or not self.nameable(toks[start]):
            return None
        end = start + 1
        hint_start = end
        while hint_start < hint_end and toks[hint_start].norm in self.honorifics:
            hint_start += 1
        if hint_start >= hint_end:
            return None
        s.post_hint = (" ".join(t.roman for t in toks[hint_start:hint_end]) + " wala", hint_start, wala + 1)
        return start, end

    def _hint(self, s: Sentence, start: int) -> tuple[str, int] | None:
        toks = s.toks
        if start >= 1 and toks[start - 1].norm == "wala":
            k = start - 2
            hint: list[Token] = []
            while k >= 0 and len(hint) < 3:
                t = toks[k]
                if t.is_num or t.norm in NAME_PARTICLES or t.norm in self.pronouns or t.norm in {"aur", "and", "ye", "is", "us", "the", "jo"}:
                    break
                if t.norm in self.known and t.roman not in self.products and not self.nameable(t) and t.norm not in {"road", "chowk", "gali", "market", "bazaar", "nagar", "colony", "mandir", "station"}:
                    break
                hint.insert(0, t)
                k -= 1
            if hint:
                return " ".join(t.roman for t in hint) + " wala", k + 1
        return None

    def has_pronoun(self, s: Sentence) -> bool:
        norms = s.norms
        if any(n in self.pronouns for n in norms):
            return True
        return any(norms[i:i + len(p)] == p for p in self.pronoun_phrases for i in range(len(norms)))

    def customer(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        span = self.find_customer(s)
        out: dict[str, Any] = {}
        if span:
            start, end = span
            out["customer"] = self.title(s.toks[start:end])
            hint = self._hint(s, start)
            if hint:
                out["customer_hint"] = hint[0]
                start = hint[1]
            elif s.post_hint:
                out["customer_hint"] = s.post_hint[0]
                end = s.post_hint[2]
            s.customer_span = (start, end)
            s.used.update(range(start, end))
            return out
        if self.has_pronoun(s):
            out["customer_ref"] = "active"
        return out

    def walkin(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        if not self.walk_in_first.intersection(norms):
            return {}
        for phrase in self.walk_in:
            for i in range(len(norms)):
                if norms[i:i + len(phrase)] == phrase:
                    s.used.update(range(i, i + len(phrase)))
                    if "customer" not in ctx and "customer_ref" not in ctx:
                        return {"walk_in": True}
                    return {}
        return {}

    # ------------------------------------------------------------------ items
    def _read_product(self, s: Sentence, j: int, allow_pack: bool) -> tuple[list[str], int]:
        toks = s.toks
        n = len(toks)
        words: list[str] = []
        while j < n and j not in s.used:
            t = toks[j]
            nxt = toks[j + 1].norm if j + 1 < n else ""
            if self.product_word(t) and not (t.norm in self.verb_stems and nxt in {"do", "de", "dena", "diye", "lo", "karo", "kar"}):
                words.append(t.roman)
                j += 1
                continue
            if words and not t.is_num and t.norm in self.unit_canon and len(t.roman) == 1 and (j + 1 >= n or not toks[j + 1].is_num):
                words.append(t.roman)  # "parle g"
                j += 1
                continue
            after = toks[j + 2] if j + 2 < n else None
            if (words and allow_pack and t.is_num and nxt in self.pack_units and j + 1 not in s.used
                    and (after is None or not self.product_word(after))):
                words.append(f"{fmt(t.value or 0)}{self.pack_abbrev[nxt]}")
                j += 2
                continue
            break
        return words, j

    def _backward_product(self, s: Sentence, i: int) -> tuple[list[str], int]:
        k = i - 1
        words: list[str] = []
        while k >= 0 and k not in s.used and len(words) < 3 and self.product_word(s.toks[k]):
            words.insert(0, s.toks[k].roman)
            k -= 1
        return words, k + 1

    def item_list(self, s: Sentence) -> list[dict[str, Any]]:
        toks = s.toks
        n = len(toks)
        items: list[dict[str, Any]] = []
        i = 0
        while i < n:
            t = toks[i]
            if i in s.used or (s.when_span and s.when_span[0] <= i < s.when_span[1]):
                i += 1
                continue
            qty: float | None = None
            if t.is_num:
                qty = t.value
            elif t.norm in {"a", "an"} and i + 1 < n and (toks[i + 1].norm in self.unit_canon or toks[i + 1].norm in {"loaf"} or self.product_word(toks[i + 1])):
                qty = 1.0
            if qty is None:
                i += 1
                continue
            j = i + 1
            money = (j < n and toks[j].norm == "rupaye") or (i > 0 and toks[i - 1].norm == "rupaye")
            if money:
                if j < n and toks[j].norm == "rupaye":
                    j += 1
                if j < n and toks[j].norm in {"ka", "ki", "ke", "of"}:
                    words, j2 = self._read_product(s, j + 1, False)
                    if words:
                        items.append({"product": " ".join(words), "quantity": None, "unit": None, "amount": _num(qty)})
                        s.used.update(range(i, j2))
                        i = j2
                        continue
                i = j
                continue
            if j < n and toks[j].norm in {"percent"}:
                i = j + 1
                continue
            unit = None
            if j < n and toks[j].norm in self.unit_canon and not (len(toks[j].roman) == 1 and toks[j].roman not in {"l", "g"}):
                unit = toks[j].norm
                j += 1
            if j < n and toks[j].norm in {"loaf", "loaves", "nos", "units"}:
                j += 1
            if j < n and toks[j].norm == "of":
                j += 1
            words, j2 = self._read_product(s, j, True)
            start = i
            if not words:
                back = i - 1 if unit is not None and i > 0 and toks[i - 1].norm in {"ka", "ki", "ke"} else i
                words, start = self._backward_product(s, back)
                if words and unit is None and not all(w in self.products for w in words):
                    words = []
                j2 = j
            if words:
                items.append({"product": " ".join(words), "quantity": _num(qty), "unit": unit})
                s.used.update(range(start, j2))
                i = j2
            else:
                i = j
        return items

    def items(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        found = self.item_list(s)
        return {"items": found} if found else {}

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
        return {"amount": _num(s.toks[i].value)}

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
            w in {"hisaab", "udhaar", "balance", "baki", "dues", "account", "paisa", "paise", "chuka", "cleared", "settle", "settled", "payment", "bill"}
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

    # ------------------------------------------------------------------- time
    def when(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        tense = ctx.get("_tense", "future")
        when, span = self.times.find_when(s.toks, s.words, tense)
        if when:
            s.when_span = span
            return {"when": when}
        return {}

    def period(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        p = self.times.find_period(s.toks, s.words)
        return {"period": p} if p else {}

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
        return out

    # ----------------------------------------------------- closed-class slots
    def with_gst(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        return {"with_gst": not any(n in self.gst_off for n in s.norms)}

    def _phrase_in(self, norms: list[str], phrases: list[list[str]]) -> bool:
        return any(norms[i:i + len(p)] == p for p in phrases for i in range(len(norms)))

    def supply_type(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        if self._phrase_in(s.norms, self.supply["interstate"]):
            return {"supply_type": "interstate"}
        if self._phrase_in(s.norms, self.supply["intrastate"]):
            return {"supply_type": "intrastate"}
        return {}

    def tier(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        for n in s.norms:
            if n in self.tiers:
                return {"tier": self.tiers[n]}
        return {}

    def channel(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        for n in s.norms:
            if n in self.channels:
                return {"channel": self.channels[n]}
        return {}

    def language(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        for n in s.norms:
            if n in self.languages:
                return {"language": self.languages[n]}
        return {}

    def draft_ref(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        for i, n in enumerate(norms):
            if n in self.ordinals and self.ordinals[n] in {"first", "second", "third"}:
                if any(w in {"draft", "wala", "bill"} for w in norms[i + 1:i + 3]):
                    return {"draft_ref": self.ordinals[n]}
        return {}

    def _invoice_no(self, s: Sentence) -> int | None:
        toks = s.toks
        for i, t in enumerate(toks):
            if t.is_num and i > 0 and toks[i - 1].norm in {"number", "no", "invoice", "bill", "#"}:
                return int(t.value or 0)
        return None

    def invoice_target(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        out: dict[str, Any] = {}
        no = self._invoice_no(s)
        ref = self.draft_ref(s, ctx)
        if no is not None:
            out["target"] = "invoice"
            out["invoice_no"] = no
        elif any(n in {"aakhri", "last", "pichla", "latest", "previous"} for n in norms):
            out["target"] = "last_invoice"
        elif any(n in {"saare", "sab", "all", "sabhi"} for n in norms) and "draft" in norms:
            out["target"] = "all_drafts"
        elif "when" in ctx:
            out["target"] = "invoice"
        else:
            out["target"] = "draft"
        out.update(ref)
        return out

    def invoice_target_send(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        no = self._invoice_no(s)
        if no is not None:
            return {"target": "invoice", "invoice_no": no}
        if any(n in {"aakhri", "last", "pichla", "latest"} for n in s.norms):
            return {"target": "last_invoice"}
        return {}

    # ---------------------------------------------------------------- email
    def email_value(self, s: Sentence) -> str | None:
        toks = s.toks
        for t in toks:
            if "@" in t.roman and len(t.roman) > 3:
                return t.roman
        at = None
        for i, t in enumerate(toks):
            if t.norm == "@" or (t.norm == "at" and i + 1 < len(toks) and toks[i + 1].norm in self.domains):
                at = i
                break
        if at is None:
            return None

        def piece(t: Token) -> str:
            return {"dot": ".", "underscore": "_", "dash": "-", "hyphen": "-"}.get(t.norm, t.roman)

        k = at - 1
        local: list[str] = []
        while k >= 0 and toks[k].norm not in EMAIL_STOP and (k not in s.used or not local):
            local.insert(0, piece(toks[k]))
            k -= 1
        j = at + 1
        domain: list[str] = []
        while j < len(toks) and toks[j].norm not in EMAIL_STOP:
            domain.append(piece(toks[j]))
            j += 1
        if not local or not domain:
            return None
        return "".join(local) + "@" + "".join(domain)

    def email(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        value = self.email_value(s)
        return {"email": value} if value else {}

    # ----------------------------------------------------------------- stock
    def _product_near_stock(self, s: Sentence) -> str | None:
        toks = s.toks
        for i, t in enumerate(toks):
            if t.norm != "stock":
                continue
            if i + 1 < len(toks) and toks[i + 1].norm == "of":
                words, _ = self._read_product(s, i + 2, False)
                if words:
                    return " ".join(words)
            k = i
            if k > 0 and toks[k - 1].norm in {"ka", "ki", "ke"}:
                k -= 1
            words, _ = self._backward_product(s, k)
            if words:
                return " ".join(words)
        return None

    def stock_query(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        if any(n in LOW_CUES for n in norms) or ("kam" in norms and "hai" in norms) or "low" in norms:
            return {"low_stock": True}
        p = self._product_near_stock(s)
        if p:
            return {"product": p}
        for i, t in enumerate(s.toks):
            if self.product_word(t) and t.norm not in self.unit_canon:
                words, _ = self._read_product(s, i, False)
                if words:
                    return {"product": " ".join(words)}
        return {}

    def stock_update(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        if any(n in REMOVE_OPS for n in norms) and not ("to" in norms and "stock" in norms and "from" not in norms):
            op = "remove"
        elif "set" in norms or ("stock" in norms and ("kar" in norms or "karo" in norms) and not any(n in {"jodo", "add", "daal", "badha"} for n in norms)) or ("to" in norms and "stock" in norms and norms.index("to") > norms.index("stock")):
            op = "set"
        else:
            op = "add"
        items = self.item_list(s)
        if not items:
            qty_i = next((i for i, t in enumerate(s.toks) if t.is_num), None)
            product = self._product_near_stock(s)
            if qty_i is None or not product:
                return {"operation": op}
            unit = s.toks[qty_i + 1].norm if qty_i + 1 < len(s.toks) and s.toks[qty_i + 1].norm in self.unit_canon else None
            items = [{"product": product, "quantity": _num(s.toks[qty_i].value), "unit": unit}]
        stock_items = [{"product": it["product"], "quantity": it.get("quantity"), "unit": it.get("unit"), "operation": op} for it in items]
        if len(stock_items) == 1:
            return stock_items[0]
        return {"_stock_items": stock_items}

    # --------------------------------------------------------------- catalog
    def product_new(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        toks = s.toks
        n = len(toks)
        intro = {"naya", "new", "item", "product", "saman", "samaan", "cheez", "maal", "add", "karo", "jodo", "banao", "a", "the",
                 "is", "hai", "kar", "do", "called", "named"}
        i = 0
        while i < n and (toks[i].norm in intro or toks[i].norm in {"please"}):
            i += 1
        words: list[str] = []
        price: float | None = None
        unit: str | None = None
        j = i
        while j < n:
            t = toks[j]
            nxt = toks[j + 1].norm if j + 1 < n else ""
            if t.is_num and nxt in self.pack_units and price is None and words:
                if j + 2 < n and (toks[j + 2].is_num or toks[j + 2].norm in {"price", "at", "rate", "daam", "mein", "ka", "ke", "for"}):
                    words.append(f"{fmt(t.value or 0)}{self.pack_abbrev[nxt]}")
                    j += 2
                    continue
                if j + 2 >= n:
                    words.append(f"{fmt(t.value or 0)}{self.pack_abbrev[nxt]}")
                    j += 2
                    continue
            if t.is_num and price is None:
                price = t.value
                j += 1
                if j < n and toks[j].norm == "rupaye":
                    j += 1
                if j < n and toks[j].norm in {"per", "ka", "ki", "prati"}:
                    j += 1
                if j < n and toks[j].norm in self.unit_canon and len(toks[j].roman) > 1:
                    unit = toks[j].norm
                    j += 1
                continue
            if price is None and (self.product_word(t) or (words and t.norm in self.unit_canon and len(t.roman) == 1)):
                words.append(t.roman)
            j += 1
        out: dict[str, Any] = {}
        if words:
            out["product"] = " ".join(words)
        if price is not None:
            out["price"] = _num(price)
        if unit:
            out["unit"] = unit
        return out

    def _phone(self, s: Sentence) -> str | None:
        toks = s.toks
        i = 0
        while i < len(toks):
            if toks[i].is_num and _DIGITS.match(toks[i].roman):
                j = i
                digits = ""
                while j < len(toks) and toks[j].is_num and _DIGITS.match(toks[j].roman):
                    digits += toks[j].roman
                    j += 1
                if len(digits) == 12 and digits.startswith("91"):
                    digits = digits[2:]
                if 10 <= len(digits) <= 11:
                    return digits
                i = j
            else:
                i += 1
        return None

    def customer_new(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        toks = s.toks
        n = len(toks)
        out: dict[str, Any] = {}
        skip = {"add", "karo", "banao", "jodo", "hai", "is", "a", "new", "naya", "named", "called", "kholo", "ka", "ki",
                "naam", "name", "with", "customer", "khata", "ek", "1"}
        for i, t in enumerate(toks):
            if t.norm in {"customer", "khata", "naam", "named", "name"}:
                k = i + 1
                while k < n and toks[k].norm in skip:
                    k += 1
                start = k
                while k < n and k - start < 3 and (self.nameable(toks[k]) or (k > start and toks[k].roman in self.suffixes)):
                    k += 1
                if k > start:
                    out["customer"] = self.title(toks[start:k])
                    s.used.update(range(start, k))
                    break
        if "customer" not in out:
            out.update({k: v for k, v in self.customer(s, ctx).items() if k != "customer_ref"})
        phone = self._phone(s)
        if phone:
            out["phone"] = phone
        for i, t in enumerate(toks):
            if t.is_num and not (phone and phone.endswith(t.roman)) and any(w in {"purana", "opening", "udhaar", "baki", "balance"} for w in s.norms[max(0, i - 3):i]):
                out["opening_balance"] = _num(t.value)
        tier = self.tier(s, ctx)
        if tier:
            out["price_tier"] = tier["tier"]
        email = self.email_value(s)
        if email:
            out["email"] = email
        return out

    def customer_fields(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        toks = s.toks
        norms = s.norms
        out: dict[str, Any] = {}
        phone = self._phone(s)
        if phone:
            out["phone"] = phone
        for t in toks:
            if _GSTIN.match(t.roman):
                out["gstin"] = t.roman.upper()
        email = self.email_value(s)
        if email:
            out["email"] = email
        tier = self.tier(s, ctx)
        if tier:
            out["price_tier"] = tier["tier"]
        stop_tail = {"kar", "karo", "do", "hai", "please", "set", "save"}
        for key, field_name in (("address", "address"), ("pata", "address"), ("naam", "name"), ("name", "name")):
            if key not in norms or field_name in out:
                continue
            i = norms.index(key) + 1
            span = s.customer_span
            if span and span[0] >= i - 1 and span[0] <= i + 2:
                i = span[1]
            while i < len(toks) and norms[i] in {"of"}:
                i += 1
            while i < len(toks) and norms[i] in {"badal", "do", "ke", "kar", "to", "change", "hai", "is", "badlo", "update", "karo", "ko", "se", "ka"}:
                i += 1
            words: list[Token] = []
            while i < len(toks) and norms[i] not in stop_tail:
                words.append(toks[i])
                i += 1
            if words:
                if field_name == "name":
                    out["name"] = self.title(words)
                else:
                    out["address"] = " ".join(t.roman for t in words)
        return out

    def field(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        for n in s.norms:
            if n in {"number", "phone"}:
                return {"field": "phone"}
            if n in {"address", "pata"}:
                return {"field": "address"}
            if n == "email":
                return {"field": "email"}
            if n == "gstin":
                return {"field": "gstin"}
        return {}
