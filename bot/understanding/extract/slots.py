"""Closed-class slots and times: GST, supply type, tier, channel, language, invoice targets, email, when, period."""

from __future__ import annotations

from typing import Any

from bot.understanding.extract.base import EMAIL_STOP, ExtractorBase, Sentence
from bot.understanding.normalize import Token

_GST_NEG = frozenset({"mat", "nahi", "dont", "not", "na", "mut"})
_GST_REMOVE = frozenset({"hata", "hatao", "remove", "exclude", "band", "off"})


class SlotExtractors(ExtractorBase):
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


    # ----------------------------------------------------- closed-class slots
    def with_gst(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        # "gst mat hatao" (do not remove it): a negated removal keeps GST
        if any(n in _GST_NEG for n in norms) and any(n in _GST_REMOVE for n in norms):
            return {"with_gst": True}
        return {"with_gst": not any(n in self.gst_off for n in norms)}

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

