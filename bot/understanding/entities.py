"""Entity extractors: one small function per entity family, chosen per intent in intents.json.

The families live in `bot.understanding.extract` (customers, items, money,
slots); `Extractors` puts them together and names each one for the data file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.understanding.data import Data
from bot.understanding.extract.base import Sentence
from bot.understanding.extract.customers import CustomerExtractors
from bot.understanding.extract.money import MoneyExtractors
from bot.understanding.timeexpr import TimeParser

__all__ = ["Extractors", "Sentence"]


class Extractors(CustomerExtractors, MoneyExtractors):
    """All extractors, sharing the vocabularies built once from the data files."""

    def __init__(self, data: Data, times: TimeParser) -> None:
        super().__init__(data, times)
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
