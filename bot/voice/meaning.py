"""The recogniser's n-best, chosen by meaning (issue 16).

Pocketsphinx's best path is the most likely sound, not the most likely
command: "do sau pachaas UPI" can come out as "two haldi pachaas upi dhaai
kilo", a reading that parses into fragments, while the third reading parses
cleanly into a payment by a customer the shop has. `MeaningChooser` reads each
of the top hypotheses with the understanding and scores what it would do: a
reading the parser understands (not unknown, not unsure), naming customers and
products the shop has and a round amount, beats a slightly higher acoustic
rank that does not. The rank still counts (RANK_WEIGHT per place), so a clean
top reading is never overturned by a lower one that merely scores the same.

`agreement` is how many of the top readings would book the same thing as the
chosen one (intent, customer, amount, items): the recogniser caps its
confidence by it, so the router asks when the readings disagree on what would
be booked rather than trusting word posteriors alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.voice.config import ShopVocabulary

Reader = Callable[[str], dict[str, Any]]

RANK_WEIGHT = 0.3  # per place in the n-best (bench: 0.3-0.6 best on held-out voices)
AGREE_TOP = 5  # readings compared for agreement
_HONORIFICS = frozenset({"ji", "bhai", "bhaiya", "didi", "aunty", "uncle", "sir", "madam", "sahab", "seth"})


@dataclass(frozen=True)
class Choice:
    text: str
    agreement: float  # 0..1: share of the top readings that book the same thing
    rank: int  # the chosen reading's place in the n-best (0: the best path)


class MeaningChooser:
    """Scores n-best readings by what they mean for this shop."""

    def __init__(self, vocabulary: ShopVocabulary, read: Reader) -> None:
        self._read = read
        self._names = {w for n in vocabulary.customer_names + vocabulary.nicknames for w in n.lower().split()}
        self._products = {p.lower() for p in vocabulary.product_names + vocabulary.product_aliases}
        self._product_words = {w for p in self._products for w in p.split()}

    def _known_name(self, name: str) -> bool:
        words = [w for w in name.lower().split() if w not in _HONORIFICS]
        return bool(words) and all(w in self._names for w in words)

    def _known_product(self, name: str) -> bool:
        name = name.lower()
        return name in self._products or bool(name.split()) and all(w in self._product_words for w in name.split())

    def score(self, parsed: dict[str, Any]) -> float:
        """How plausible a reading is as something this shop's caller said."""
        intent = parsed.get("intent")
        if intent in (None, "unknown"):
            return -3.0
        total = -1.5 if parsed.get("unsure") else 0.0
        commands = parsed["entities"].get("commands", []) if intent == "multi" else [parsed]
        if intent == "multi":
            total -= 0.5  # fragments read as several commands are rarer than one
        for cmd in commands:
            ents = cmd.get("entities") or {}
            if isinstance(ents.get("customer"), str):
                total += 1.0 if self._known_name(ents["customer"]) else -1.0
            products = [it.get("product") for it in ents.get("items") or [] if isinstance(it, dict)]
            if isinstance(ents.get("product"), str):
                products.append(ents["product"])
            for product in products:
                total += 0.7 if isinstance(product, str) and self._known_product(product) else -1.0
            amount = ents.get("amount")
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                total += 0.3 if amount >= 10 and amount % 10 == 0 else -0.3
        return total

    @staticmethod
    def booking(parsed: dict[str, Any]) -> tuple[Any, ...]:
        """What a reading would do: the parts that must agree before it books without asking."""
        intent = parsed.get("intent")
        commands = parsed.get("entities", {}).get("commands", []) if intent == "multi" else [parsed]
        out = []
        for cmd in commands:
            e = cmd.get("entities") or {}
            items = tuple(sorted((str(i.get("product")), str(i.get("quantity"))) for i in e.get("items") or []
                                 if isinstance(i, dict)))
            out.append((cmd.get("intent"), str(e.get("customer", "")).lower(), e.get("amount"), items,
                        e.get("payment_mode"), e.get("product")))
        return tuple(out)

    def choose(self, readings: Sequence[str]) -> Choice:
        """The reading to act on, from the n-best in rank order (readings[0] is the best path)."""
        if not readings:
            return Choice("", 0.0, 0)
        parsed = [self._read(r) for r in readings]
        scores = [self.score(p) - RANK_WEIGHT * rank for rank, p in enumerate(parsed)]
        rank = max(range(len(readings)), key=lambda i: (scores[i], -i))
        chosen = self.booking(parsed[rank])
        top = parsed[:AGREE_TOP]
        agreement = sum(1 for p in top if self.booking(p) == chosen) / len(top)
        return Choice(readings[rank], round(agreement, 3), rank)
