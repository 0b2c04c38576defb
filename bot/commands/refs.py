"""The typed pieces commands are made of: who, what, how paid, how discounted.

A `CustomerRef` is what was said about a customer, not a customer: the
conversation resolves it against the books (and asks "which Rahul?").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.commands import values as v
from business.discounts import Discount


@dataclass(frozen=True)
class CustomerRef:
    """A spoken customer: a name (+ a "station road wala" hint), a pronoun for the active one, or a walk-in."""

    name: str | None = None
    hint: str | None = None
    active: bool = False  # "uska", "usne": the customer the call is about
    walk_in: bool = False  # a counter sale, nobody's account

    @property
    def named(self) -> bool:
        return self.name is not None

    @staticmethod
    def from_entities(e: dict[str, Any]) -> CustomerRef | None:
        """The customer the entities speak of; None when they name nobody."""
        name = v.text(e.get("customer"))
        hint = v.text(e.get("customer_hint"))
        active = e.get("customer_ref") == "active"
        walk_in = e.get("walk_in") is True
        if name is None and not active and not walk_in:
            return None
        return CustomerRef(name=name, hint=hint, active=active and name is None, walk_in=walk_in and name is None)


@dataclass(frozen=True)
class Item:
    """One spoken line: a product by name, and a quantity or (sold by value) an amount."""

    product: str
    quantity: Decimal | None = None  # None: not said, or sold by value
    unit: str | None = None  # the books' unit name; None: the product's own unit
    amount_paise: int | None = None  # "tees rupaye ki mirchi"

    @property
    def complete(self) -> bool:
        """The books can bill it once a quantity (or a value to buy) is known."""
        return self.quantity is not None or self.amount_paise is not None

    @staticmethod
    def from_entity(raw: Any) -> Item | None:
        if not isinstance(raw, dict):
            return None
        product = v.text(raw.get("product"))
        if product is None:
            return None
        return Item(product=product.lower(), quantity=v.quantity(raw.get("quantity")), unit=v.unit(raw.get("unit")),
                    amount_paise=v.paise(raw.get("amount")))


def items_of(raw: Any) -> tuple[Item, ...]:
    """The spoken items, in order; unreadable entries are dropped, never invented."""
    if not isinstance(raw, list):
        return ()
    found = (Item.from_entity(x) for x in raw)
    return tuple(x for x in found if x is not None)


@dataclass(frozen=True)
class Split:
    """One part of a split payment ("500 cash aur 300 UPI")."""

    amount_paise: int
    payment_mode: str | None  # None: not said; the handler picks the payment's mode


def splits_of(raw: Any) -> tuple[Split, ...]:
    """Readable parts only; a part without a readable amount is dropped."""
    if not isinstance(raw, list):
        return ()
    out: list[Split] = []
    for part in raw:
        if not isinstance(part, dict):
            continue
        amount = v.paise(part.get("amount"))
        if amount is not None:
            out.append(Split(amount_paise=amount, payment_mode=v.mode(part.get("payment_mode"))))
    return tuple(out)


def discount_of(e: dict[str, Any]) -> Discount | None:
    """The discount the entities say (a percent, rupees off, or a total to come down to), on one
    product when named; the books' own `Discount`, checked there. None when nothing was said."""
    d = Discount(percent=v.percent(e.get("percent")), amount_paise=v.paise(e.get("amount")),
                 target_total_paise=v.paise(e.get("target_total")), product=_lower(v.text(e.get("product"))))
    given = d.percent is not None or d.amount_paise is not None or d.target_total_paise is not None
    return d if given else None


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None
