"""A shallow clause analysis over one command's tokens (data: data/structure.json).

The templates say what a clause is about; this module reads its structure:
- the case marker after the name (ko / ne / se / ka ...) gives that person a
  role, and with the verb class (give / arrive) the direction of the money:
  "Sohan ko 300 diye" (the shop gave: udhaar), "Sohan ne 300 diye" and
  "Sohan ka 600 PhonePe pe aaya" (a payment);
- modifiers that qualify a bill (GST, price tier, payment mode) attach to the
  bill when the clause has items, instead of becoming commands of their own;
- a remark after a payment ("baaki 200 agle hafte denge") and a question tag
  ("... hai ki nahi") are not part of the command;
- coverage: the share of a clause's words that the match explains (template
  span, entity spans, function words); a low figure marks the parse unsure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.understanding.data import Data
from bot.understanding.entities import Extractors, Sentence
from bot.understanding.normalize import Token

_ESCAPE = re.compile(r"\\[a-zA-Z]|\{[A-Z]+\}")  # regex escapes (\b, \w, \S) and macro names in a template
_WORD = re.compile(r"[a-z0-9]+")

PRONOUN_RECIPIENTS = frozenset({"usko", "isko", "unko", "inko", "use", "ise", "unhe", "inhe", "him", "her"})


class Clauses:
    def __init__(self, data: Data, ex: Extractors) -> None:
        st = data.structure
        self.ex = ex
        mk = st["markers"]
        self.recipient = set(mk["recipient"])
        self.agent = set(mk["agent"])
        self.possessive = set(mk["possessive"])
        vb = st["verbs"]
        self.give = set(vb["give"])
        self.arrive = set(vb["arrive"])
        self.goods = set(vb["goods"])
        self.shop_subjects = set(st["shop_subjects"])
        self.suppliers = set(st["supplier_words"])
        self.remark_starts = set(st["remark_starts"])
        self.future_pay = set(st["future_pay"])
        self.tags = sorted((list(t) for t in st["question_tags"]), key=len, reverse=True)
        self.message_words = set(st["message_words"])
        self.bill_words = set(st["bill_words"])
        self.gst_words = set(st["gst_words"])
        self.renew_words = set(st["renew_words"])
        self.tell_verbs = sorted((v.split() for v in st["tell_verbs"]), key=len, reverse=True)
        self.both_words = set(st["both_words"])
        self.also_words = set(st["also_words"])
        self.tail_balance = sorted((p.split() for p in st["tail_balance"]), key=len, reverse=True)
        self.tail_start_words = set(st.get("tail_starts", []))
        self.complementisers = set(st.get("complementisers", []))
        self.modifier_intents = set(st["modifier_intents"])
        self.series = re.compile(st["invoice_series"])
        self.threshold = float(st["coverage"]["threshold"])
        # two readings close together: another intent's template within rival_margin priority points also
        # matches; the parse's coverage is then capped at rival_cap (below the threshold: the parse is unsure)
        self.rival_margin = int(st["coverage"].get("rival_margin", 0))
        self.rival_cap = float(st["coverage"].get("rival_cap", 1.0))
        self.function_words = set(st["coverage"]["function_words"])
        # a command's own vocabulary explains itself: the words of its intent's templates, and the words
        # structure.json lists for it (coverage.intent_words: "bilkul pakka", "include gst", "chalo bye")
        own: dict[str, set[str]] = {}
        for rule in data.rules:
            words = _WORD.findall(_ESCAPE.sub(" ", rule.source))
            own.setdefault(rule.intent, set()).update(w for w in words if len(w) > 1)
        for intent, words in st["coverage"].get("intent_words", {}).items():
            own.setdefault(intent, set()).update(words)
        self.intent_words = {k: frozenset(v) for k, v in own.items()}
        # the spoken spelling of an address ("dot", "underscore", "at the rate") is explained by the email read from it
        self.spelling_words = frozenset(st["coverage"].get("spelling_words", []))

    # ------------------------------------------------------------ surface
    def prepare_text(self, text: str) -> str:
        """'25-26/000042' (an invoice number in this year's series) -> '42'."""
        return self.series.sub(r"\1", text)

    def strip_tags(self, toks: list[Token]) -> list[Token]:
        """'surf excel bacha hai ki nahi': the tag asks, it does not negate."""
        norms = [t.norm for t in toks]
        for tag in self.tags:
            if len(norms) > len(tag) and norms[-len(tag):] == tag:
                keep = len(toks) - len(tag) + (1 if tag[0] == "hai" else 0)
                return toks[:keep]
        return toks

    def drop_both(self, toks: list[Token]) -> list[Token]:
        """'ritu aur tinku dono ka balance': 'dono' only says the names share the predicate."""
        return [t for t in toks if t.norm not in self.both_words]

    def tail_question(self, toks: list[Token]) -> int | None:
        """'... ab kitna bacha' after a command: where a balance question about the same customer starts."""
        norms = [t.norm for t in toks]
        for tail in self.tail_balance:
            if len(norms) > len(tail) + 1 and norms[-len(tail):] == tail:
                return len(norms) - len(tail)
        return None

    def tail_starts(self, toks: list[Token]) -> list[int]:
        """Where a trailing question may start ('... what is his balance now', '... uska balance batao'), earliest first."""
        return [i for i, t in enumerate(toks)
                if i >= 2 and t.norm in self.tail_start_words and toks[i - 1].norm not in self.complementisers]

    def verb_tail(self, toks: list[Token]) -> list[Token]:
        """The telling verb at the end of a clause ('... ka balance batao'), lent to an elliptic one."""
        norms = [t.norm for t in toks]
        for v in self.tell_verbs:
            if len(norms) > len(v) and norms[-len(v):] == v:
                return toks[-len(v):]
        return []

    def is_also(self, toks: list[Token]) -> bool:
        return bool(toks) and toks[-1].norm in self.also_words

    def renews(self, toks: list[Token]) -> bool:
        return any(t.norm in self.renew_words for t in toks)

    def cut_remark(self, toks: list[Token]) -> list[Token]:
        """'1500 de diye baaki 200 agle hafte denge': the part from 'baaki' is a remark."""
        for i, t in enumerate(toks):
            if i >= 2 and t.norm in self.remark_starts and any(x.norm in self.future_pay for x in toks[i + 1:]):
                return toks[:i]
        return toks

    # ---------------------------------------------------------- decisions
    def money_role(self, toks: list[Token]) -> str | None:
        """Who gave whom, from the marker after the first person named and the verb class."""
        norms = [t.norm for t in toks]
        give = any(n in self.give for n in norms)
        arrive = any(n in self.arrive for n in norms)
        goods = any(n in self.goods for n in norms)
        if norms and norms[0] in self.shop_subjects and (give or goods):
            return "add_udhaar"  # "i gave javed 500", "maine mohan ko 300 diye"
        for i, t in enumerate(toks):
            n = t.norm
            named = i > 0 and (self.ex.nameable(toks[i - 1]) or toks[i - 1].norm in self.ex.honorifics)
            if n in PRONOUN_RECIPIENTS and (give or goods) and not arrive:
                return "add_udhaar"
            if not named:
                continue
            if n in self.recipient and (give or goods) and not arrive:
                return "add_udhaar"
            if n in self.agent and (give or arrive):
                return "record_payment"
            if n in self.possessive and arrive and not goods:
                return "record_payment"
            if n in self.recipient | self.agent | self.possessive:
                return None
        return None

    def redirect(self, intent: str | None, toks: list[Token], feats: frozenset[str], has_when: Callable[[], bool]) -> str | None:
        """One decision per clause, from its structure; None keeps the template's choice."""
        norms = [t.norm for t in toks]
        if intent in self.modifier_intents and "items" in feats:
            return "create_invoice"  # "wholesale rate pe bill banao, 5 kilo maida"
        if intent == "create_invoice" and any(n in self.suppliers for n in norms):
            return "update_stock"  # "supplier ne 24 bottle thums up diye"
        if "money" in feats and "items" not in feats and intent in (None, "record_payment", "add_udhaar", "create_invoice"):
            role = self.money_role(toks)
            if role is not None:
                return role
        if intent in (None, "send_invoice") and any(n in self.message_words for n in norms) \
                and not any(n in self.bill_words for n in norms) and has_when():
            return "schedule_reminder"  # "Pinky ko kal subah message kar do"
        return None

    def modifiers(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        """GST, price tier and payment mode said about a bill belong to the bill."""
        out: dict[str, Any] = {}
        norms = s.norms
        if any(n in self.gst_words for n in norms):
            out.update(self.ex.with_gst(s, ctx))
        tier = self.ex.tier(s, ctx)
        if tier:
            out["price_tier"] = tier["tier"]
        for i in range(len(s.toks)):
            if i in s.used:
                continue  # "nakad bikri" / "cash sale" said the counter sale, not how it was paid
            mode = self.ex._mode_at(s, i)
            if mode:
                out["payment_mode"] = mode
                break
        return out

    # ----------------------------------------------------------- coverage
    def coverage(self, toks: list[Token], text: str, match: tuple[int, int] | None, s: Sentence, ents: dict[str, Any],
                 intent: str | None = None) -> float:
        """Share of the clause's words explained by the template, the entities or function words."""
        if not toks:
            return 1.0
        explained = set(s.used)
        for span in (s.customer_span, s.when_span):
            if span:
                explained.update(range(span[0], span[1]))
        if match is not None and match[1] > match[0]:
            pos = 0
            for i, t in enumerate(toks):
                end = pos + len(t.norm)
                if pos < match[1] and end > match[0]:
                    explained.add(i)
                pos = end + 1
        values = " ".join(_strings(ents)).lower()
        value_words = set(values.split()) | set(_WORD.findall(values))
        if "email" in ents:
            value_words |= self.spelling_words
        value_words |= self.intent_words.get(intent or "", frozenset())
        for i, t in enumerate(toks):
            if i in explained:
                continue
            if t.norm in self.function_words or t.is_num or t.norm in value_words or t.roman.lower() in value_words \
                    or t.norm in self.ex.unit_canon or t.norm in self.ex.honorifics:
                explained.add(i)
        return len(explained) / len(toks)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _strings(v)]
    if isinstance(value, list):
        return [x for v in value for x in _strings(v)]
    return []
