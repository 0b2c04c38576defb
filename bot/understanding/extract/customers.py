"""Customers: the name as filed (no particles or honorifics), '... wala' hints, pronouns, walk-ins, customer records."""

from __future__ import annotations

from typing import Any

from bot.understanding.data import Data
from bot.understanding.extract.base import (
    _DIGITS,
    _GSTIN,
    ENGLISH_VERBS_AFTER_NAME,
    FORWARD_SKIP,
    FORWARD_TRIGGERS,
    LEADING_FILLERS,
    LEADING_FOLLOWERS,
    NAME_PARTICLES,
    OF_OWNERS,
    WEAK_TRIGGERS,
    Sentence,
    _num,
)
from bot.understanding.extract.slots import SlotExtractors
from bot.understanding.normalize import Token
from bot.understanding.timeexpr import TimeParser

# "Rahul ka number confirm hai / sahi hai / pakka hai": the owner confirms the customer's number.
_NUMBER_WORDS = frozenset({"number", "phone", "nambar", "mobile"})
_CONFIRM_WORDS = frozenset({"confirm", "confirmed", "sahi", "pakka", "verified", "verify"})


class CustomerExtractors(SlotExtractors):
    def __init__(self, data: Data, times: TimeParser) -> None:
        super().__init__(data, times)
        st = data.structure
        self.forward_triggers = FORWARD_TRIGGERS | set(st.get("name_object_verbs", []))
        self.possessed = set(st.get("name_possessed", []))
        self.after_name = ENGLISH_VERBS_AFTER_NAME | self.possessed

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
                if k < end - 1 and k > 0 and (toks[k - 1].is_num or toks[k - 1].norm in self.unit_canon):
                    break  # "1 kilo makhan sunita ko": the word after a quantity is the product
                names += self.nameable(toks[k]) and toks[k].roman not in self.suffixes
                if names > 2:
                    break
                k -= 1
            start = k + 1
            while start < end and toks[start].roman in self.suffixes:
                start += 1
            if start < end:
                return start, end
        for triggers in (self.forward_triggers, WEAK_TRIGGERS):
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
        # "so basically arjun wants ...", "suno mohan ne ...": discourse words before a leading name
        p = 0
        while p < n - 1 and toks[p].norm in LEADING_FILLERS:
            p += 1
        k = p
        while k < n and k - p < 3 and self.nameable(toks[k]):
            k += 1
        if k > p:
            j = k
            while j < n and toks[j].norm in self.honorifics:
                j += 1
            if j < n and (toks[j].is_num or toks[j].norm in LEADING_FOLLOWERS):
                return p, k
        # "... how much ramesh owes", "... tell me if sunil paid", "what is tinku balance" (no apostrophe)
        for i in range(1, n - 1):
            if self.nameable(toks[i]) and not self.nameable(toks[i - 1]) and toks[i + 1].norm in self.after_name \
                    and not (toks[i - 1].is_num and toks[i + 1].norm in self.possessed):  # "the 7 pm reminder"
                return i, i + 1
            if i >= 2 and self.nameable(toks[i]) and self.nameable(toks[i - 1]) and not self.nameable(toks[i - 2]) \
                    and toks[i + 1].norm in self.possessed:
                return i - 1, i + 1
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
        if span and span[0] >= 2 and s.toks[span[0] - 1].norm == "from" and self.nameable(s.toks[span[0] - 2]):
            # "the gupta from station road": the name comes first, the place is the hint
            place = " ".join(t.roman for t in s.toks[span[0]:span[1]])
            name_at = span[0] - 2
            s.customer_span = (name_at, span[1])
            s.used.update(range(name_at, span[1]))
            return {"customer": self.title([s.toks[name_at]]), "customer_hint": f"{place} wala"}
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
        if self.has_pronoun(s) and not self._pronoun_means_the_bill(s):
            out["customer_ref"] = "active"
        return out

    def _pronoun_means_the_bill(self, s: Sentence) -> bool:
        """"jo bill bana hai usko whatsapp kar do": an object pronoun after "bill" is the bill, not a customer."""
        norms = s.norms
        for i, w in enumerate(norms):
            if w in {"usko", "isko", "use", "ise", "it"} and any(x in {"bill", "invoice"} for x in norms[:i]):
                return not any(p in self.pronouns for p in norms[:i] if p not in {"usko", "isko", "use", "ise", "it"})
        return False

    def walkin(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        if not self.walk_in_first.intersection(norms):
            return {}
        for phrase in self.walk_in:
            for i in range(len(norms)):
                if norms[i:i + len(phrase)] == phrase:
                    if "customer" not in ctx and "customer_ref" not in ctx:
                        s.used.update(range(i, i + len(phrase)))
                        return {"walk_in": True}
                    return {}  # "4 ande naveen ke liye cash mein": with a customer, "cash mein" says how the bill is paid
        return {}


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
        elif _NUMBER_WORDS & set(norms) and _CONFIRM_WORDS & set(norms):
            out["phone_confirmed"] = True  # "Rahul ka number confirm hai": the owner vouches for it
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

