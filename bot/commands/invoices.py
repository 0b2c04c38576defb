"""Bills: draft, read back, confirm, cancel, and the draft's modifiers (discount, GST, supply, tier, sending)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Self

from bot.commands import values as v
from bot.commands.base import Command, CustomerCommand
from bot.commands.refs import CustomerRef, Item, discount_of, items_of
from bot.commands.when import resolve_day
from business.discounts import Discount

TIERS = ("retail", "wholesale", "dealer")
TARGETS = ("draft", "all_drafts", "last_invoice", "invoice")
DRAFT_REFS = ("first", "second", "third")
CHANNELS = ("whatsapp", "sms", "email")


def tier_of(e: dict[str, Any]) -> str | None:
    """The spec allows both `tier` and `price_tier`."""
    return v.choice(e.get("price_tier"), TIERS) or v.choice(e.get("tier"), TIERS)


@dataclass(frozen=True)
class CreateInvoice(Command):
    intent: ClassVar[str] = "create_invoice"
    customer: CustomerRef | None = None  # CustomerRef(walk_in=True) for a counter sale
    items: tuple[Item, ...] = ()
    payment_mode: str | None = None  # 'credit' or a payment mode, only when said
    with_gst: bool | None = None
    supply_type: str | None = None
    price_tier: str | None = None
    discount: Discount | None = None

    @property
    def walk_in(self) -> bool:
        return self.customer is not None and self.customer.walk_in

    def missing(self) -> tuple[str, ...]:
        out: list[str] = []
        if self.customer is None:
            out.append("customer")
        if not self.items:
            out.append("items")
        elif not all(i.complete for i in self.items):
            out.append("quantity")
        return tuple(out)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e), items=items_of(e.get("items")),
                   payment_mode=v.invoice_mode(e.get("payment_mode")), with_gst=v.flag(e.get("with_gst")),
                   supply_type=v.supply(e.get("supply_type")), price_tier=tier_of(e),
                   discount=_discount(e))


def _discount(e: dict[str, Any]) -> Discount | None:
    """A discount said with the bill ("10 percent kam"), or one a read-back put on the draft (`discount`)."""
    nested = e.get("discount")
    if isinstance(nested, dict):
        return discount_of(nested)
    return discount_of(e) if "percent" in e or "target_total" in e else None


@dataclass(frozen=True)
class ConfirmInvoice(Command):
    """"Haan, pakka kar do": finalise the bill being drafted."""

    intent: ClassVar[str] = "confirm_invoice"
    draft_ref: str | None = None
    customer: CustomerRef | None = None  # "Rahul wala bill bana do"

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(draft_ref=v.choice(e.get("draft_ref"), DRAFT_REFS), customer=CustomerRef.from_entities(e))


@dataclass(frozen=True)
class ShowDraft(Command):
    intent: ClassVar[str] = "show_draft"
    draft_ref: str | None = None

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(draft_ref=v.choice(e.get("draft_ref"), DRAFT_REFS))


@dataclass(frozen=True)
class CancelInvoice(Command):
    """Drop a draft or cancel an issued invoice (by number, by customer's last, or by day)."""

    intent: ClassVar[str] = "cancel_invoice"
    customer: CustomerRef | None = None
    target: str | None = None  # draft | all_drafts | last_invoice | invoice
    invoice_no: int | None = None  # the spoken running number ("bill number 105")
    draft_ref: str | None = None
    on: date | None = None  # "kal wala bill": the shop date it was made

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e), target=v.choice(e.get("target"), TARGETS),
                   invoice_no=v.integer(e.get("invoice_no"), 1), draft_ref=v.choice(e.get("draft_ref"), DRAFT_REFS),
                   on=resolve_day(e.get("when"), now))


@dataclass(frozen=True)
class ApplyDiscount(Command):
    intent: ClassVar[str] = "apply_discount"
    percent: Decimal | None = None
    amount_paise: int | None = None  # rupees off
    target_total_paise: int | None = None  # "total 500 kar do"
    product: str | None = None  # on one item only

    @property
    def discount(self) -> Discount | None:
        given = self.percent is not None or self.amount_paise is not None or self.target_total_paise is not None
        return Discount(self.percent, self.amount_paise, self.product, self.target_total_paise) if given else None

    def missing(self) -> tuple[str, ...]:
        return () if self.discount is not None else ("amount",)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        d = discount_of(e) or Discount()
        return cls(percent=d.percent, amount_paise=d.amount_paise, target_total_paise=d.target_total_paise,
                   product=str(d.product) if d.product is not None else None)


@dataclass(frozen=True)
class ToggleGst(Command):
    intent: ClassVar[str] = "toggle_gst"
    with_gst: bool | None = None
    required: ClassVar[tuple[str, ...]] = ("with_gst",)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(with_gst=v.flag(e.get("with_gst")))


@dataclass(frozen=True)
class SetSupplyType(Command):
    intent: ClassVar[str] = "set_supply_type"
    supply_type: str | None = None  # intrastate | interstate
    required: ClassVar[tuple[str, ...]] = ("supply_type",)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(supply_type=v.supply(e.get("supply_type")))


@dataclass(frozen=True)
class SetPriceTier(Command):
    intent: ClassVar[str] = "set_price_tier"
    price_tier: str | None = None  # retail | wholesale | dealer
    customer: CustomerRef | None = None  # "Rahul ke liye wholesale rate": the customer's own tier
    required: ClassVar[tuple[str, ...]] = ("price_tier",)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(price_tier=tier_of(e), customer=CustomerRef.from_entities(e))


@dataclass(frozen=True)
class SendInvoice(CustomerCommand):
    intent: ClassVar[str] = "send_invoice"
    channel: str | None = None  # whatsapp | sms | email
    target: str | None = None
    invoice_no: int | None = None

    def missing(self) -> tuple[str, ...]:
        return () if self.invoice_no is not None else super().missing()

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e), channel=v.choice(e.get("channel"), CHANNELS),
                   target=v.choice(e.get("target"), TARGETS), invoice_no=v.integer(e.get("invoice_no"), 1))


@dataclass(frozen=True)
class ProvideEmail(Command):
    intent: ClassVar[str] = "provide_email"
    email: str | None = None
    customer: CustomerRef | None = None
    required: ClassVar[tuple[str, ...]] = ("email",)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        email = v.text(e.get("email"))
        return cls(email=email.lower() if email and "@" in email else None, customer=CustomerRef.from_entities(e))
