"""What the call tells the parser: the command an answer completes, and the clock for `when["at"]`.

"Kitne rupaye?" -> "teen sau": a fragment that is no command of its own fills
the missing piece of the pending command. With `now`, every `when` also gets
its resolved moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.understanding.entities import Extractors, Sentence
from bot.understanding.normalize import Token
from bot.understanding.timeexpr import TimeParser, resolve_when


class CallContext:
    """Applies a parse's `context` (pending command, now, timezone)."""

    def __init__(self, ex: Extractors, times: TimeParser) -> None:
        self.ex = ex
        self.times = times

    def apply(self, result: dict[str, Any], words: list[str], toks: list[Token], context: dict[str, Any]) -> dict[str, Any]:
        pending = context.get("pending")
        if result["intent"] == "unknown" and isinstance(pending, dict) and pending.get("intent"):
            filled = self.fill_pending(pending, words, toks)
            if filled:
                result = filled
        now = context.get("now")
        if now is not None:
            if isinstance(now, str):
                now = datetime.fromisoformat(now)
            tz = context.get("timezone") or "Asia/Kolkata"
            cmds = result["entities"]["commands"] if result["intent"] == "multi" else [result]
            for cmd in cmds:
                when = cmd["entities"].get("when")
                if isinstance(when, dict):
                    at = resolve_when(when, now, tz)
                    if at is not None:
                        when["at"] = at.isoformat()
        return result

    def fill_pending(self, pending: dict[str, Any], words: list[str], toks: list[Token]) -> dict[str, Any] | None:
        """A fragment answering the bot's question ("500", "Rahul", "kal subah") completes the pending command."""
        ents = dict(pending.get("entities") or {})
        missing = pending.get("missing") or pending.get("expecting")
        wanted = [missing] if isinstance(missing, str) else list(missing or [])
        s = Sentence(toks, words)
        added = False
        for slot in wanted:
            if slot == "amount":
                got = self.ex.amount(s, {})
                if got:
                    ents.update(got)
                    added = True
            elif slot == "customer":
                span = self.ex.find_customer(s)
                if span is None and toks and all(self.ex.nameable(t) or t.norm in self.ex.honorifics for t in toks):
                    span = (0, len([t for t in toks if t.norm not in self.ex.honorifics]))
                if span:
                    ents["customer"] = self.ex.title(toks[span[0]:span[1]])
                    ents.pop("customer_ref", None)
                    added = True
            elif slot == "when":
                when, _ = self.times.find_when(toks, words, "future")
                if when:
                    ents["when"] = when
                    added = True
            elif slot in {"quantity", "items"}:
                items = self.ex.item_list(s)
                if items:
                    ents["items"] = items
                    added = True
            elif slot == "product":
                got = self.ex.stock_query(s, {})
                if "product" in got:
                    ents["product"] = got["product"]
                    added = True
        if not added:
            return None
        return {"intent": pending["intent"], "entities": ents}
