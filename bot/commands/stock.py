"""Stock and products: how much is left, stock in / out / counted, a new product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Self

from bot.commands import values as v
from bot.commands.base import Command
from bot.commands.refs import items_of

OPERATIONS = ("add", "remove", "set")
# Why stock went out, in the books' words (business.actions.products).
REASONS = ("damaged", "returned", "own_use", "other")


def _product(e: dict[str, Any]) -> str | None:
    name = v.text(e.get("product"))
    return name.lower() if name else None


@dataclass(frozen=True)
class CheckStock(Command):
    """"Milk ka stock kitna hai?", or with no product / `low_stock`: what is running low."""

    intent: ClassVar[str] = "check_stock"
    product: str | None = None
    low_stock: bool = False

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(product=_product(e), low_stock=e.get("low_stock") is True)


@dataclass(frozen=True)
class UpdateStock(Command):
    """"Bees kilo sooji aaya" (add), "2 packet maida kharab" (remove, damaged), "stock 40 kar do" (set)."""

    intent: ClassVar[str] = "update_stock"
    product: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    operation: str | None = None  # add | remove | set; None: received (the everyday case)
    reason: str | None = None
    note: str | None = None
    required: ClassVar[tuple[str, ...]] = ("product", "quantity")

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        product, quantity, unit = _product(e), v.quantity(e.get("quantity")), v.unit(e.get("unit"))
        items = items_of(e.get("items"))
        if product is None and items:  # "naya maal aaya: 30 Lux soap" may come as an item list
            product, quantity, unit = items[0].product, items[0].quantity, items[0].unit
        return cls(product=product, quantity=quantity, unit=unit, operation=v.choice(e.get("operation"), OPERATIONS),
                   reason=v.choice(e.get("reason"), REASONS), note=v.text(e.get("note")))


@dataclass(frozen=True)
class AddProduct(Command):
    """"Naya item Amul butter 100 gram, 60 rupaye"."""

    intent: ClassVar[str] = "add_product"
    name: str | None = None
    price_paise: int | None = None
    unit: str | None = None
    stock: Decimal | None = None
    required: ClassVar[tuple[str, ...]] = ("name", "price")

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        name = v.text(e.get("name")) or _product(e)
        return cls(name=name.lower() if name else None, price_paise=v.paise(e.get("price")) or v.paise(e.get("amount")),
                   unit=v.unit(e.get("unit")), stock=v.quantity(e.get("stock")))
