"""Commands joined by commas: which clauses are commands, and what a clause borrows or restates.

A mixin of `Parser` (it reads clauses with the parser's own `_parse_tokens`,
rules and extractors): "Suresh ne 100 diye, Meena ka balance batao", "mishra
ka balance, pandey ka balance, aur singh sahab ka bhi" (a clause that borrows
the one before it), "verma ne 1000 diye, tiwari ne 500, dono cash" (one mode
for every payment), "2 packet bread kharab ho gaye, stock se hatao" (a clause
that only restates the command before it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.understanding.commas import same_kind
from bot.understanding.normalize import Token

if TYPE_CHECKING:
    from bot.understanding.data import Rule
    from bot.understanding.entities import Extractors

UNKNOWN = "unknown"
_ALL_WORDS = frozenset({"dono", "donon", "sab", "sabhi", "saare", "both", "all", "mein", "me", "se", "hi"})
# A bare read clause after one of these writes may only restate it.
RESTATED_READS = frozenset({"check_stock", "check_balance"})
RESTATING_WRITES = frozenset({"update_stock", "add_udhaar", "record_payment", "create_invoice"})


class CommaClauses:
    rules: list[Rule]
    ex: Extractors
    fillers: set[str]

    def _parse_tokens(self, words: list[str], toks: list[Token]) -> dict[str, Any]:
        raise NotImplementedError

    def _clauses(self, words: list[str], toks: list[Token], starts: list[int], whole: dict[str, Any]) -> dict[str, Any]:
        """"Suresh ne 100 diye, Meena ka balance batao aur ...": commands joined by commas.

        The comma reading wins only when it finds more commands than the whole
        sentence did, every clause is a command of its own, and no two clauses
        in a row are bills (commas also separate items: "2 milk, 1 bread").
        """
        bounds = [0, *starts, len(words)]
        parts = [p for a, b in zip(bounds, bounds[1:], strict=False) if (p := [t for t in toks if a <= t.start < b])]
        if len(parts) < 2:
            return whole
        found: list[dict[str, Any]] = []
        for n, part in enumerate(parts):
            got = self._parse_tokens(words, part)
            if got["intent"] == UNKNOWN and n and found:
                # "mishra ka balance, pandey ka balance, aur singh sahab ka bhi": the clause borrows
                # the one before it; read them together and keep what the second one adds
                pair = self._parse_tokens(words, parts[n - 1] + part)
                if pair["intent"] == "multi" and len(pair["entities"]["commands"]) == 2:
                    got = pair["entities"]["commands"][1]
            if got["intent"] == UNKNOWN and found and self._mode_for_all(found, part):
                continue  # "verma ne 1000 diye, tiwari ne 500, dono cash"
            if got["intent"] in (UNKNOWN, "greeting"):
                return whole
            if found and self._restates(found[-1], got, part):
                continue  # "2 packet bread kharab ho gaye, stock se hatao": the same command again
            found.extend(got["entities"]["commands"] if got["intent"] == "multi" else [got])
        had = len(whole["entities"]["commands"]) if whole["intent"] == "multi" else 1
        if len(found) <= had or any(same_kind(a, b) for a, b in zip(found, found[1:], strict=False)):
            return whole
        return {"intent": "multi", "entities": {"commands": found}}

    def _mode_for_all(self, found: list[dict[str, Any]], part: list[Token]) -> bool:
        """A clause of only "dono / sab / both" and a payment mode gives the mode to every payment before it."""
        words = [t.norm for t in part if t.norm not in self.fillers]
        modes = {self.ex.modes[w] for w in words if w in self.ex.modes}
        if len(modes) != 1 or not set(words) & _ALL_WORDS or not set(words) <= _ALL_WORDS | set(self.ex.modes):
            return False
        payments = [c for c in found if c.get("intent") == "record_payment"]
        if not payments:
            return False
        for c in payments:
            c["entities"].setdefault("payment_mode", next(iter(modes)))
        return True

    def _restates(self, prev: dict[str, Any], got: dict[str, Any], part: list[Token]) -> bool:
        """A clause that only says again what the command before it does ("..., stock se hatao",
        "..., add it to his khata"): a bare read that the previous write's own templates match."""
        if got["intent"] not in RESTATED_READS or prev.get("intent") not in RESTATING_WRITES:
            return False
        if set(got.get("entities") or {}) - {"customer_ref"}:
            return False
        text = " ".join(t.norm for t in part)
        return any(r.intent == prev["intent"] and r.pattern.search(text) for r in self.rules)
