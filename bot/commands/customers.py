"""Customer records: open a khata, change details, what we know of someone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from bot.commands import values as v
from bot.commands.base import CustomerCommand
from bot.commands.invoices import tier_of
from bot.commands.refs import CustomerRef

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def email_of(value: Any) -> str | None:
    word = v.text(value)
    return word.lower() if word and _EMAIL.match(word) else None


def phone_of(value: Any) -> str | None:
    """Digits (and a leading +) only; the books normalise and check it."""
    word = v.text(value)
    if word is None:
        return None
    digits = re.sub(r"[^\d+]", "", word)
    return digits if sum(ch.isdigit() for ch in digits) >= 6 else None


@dataclass(frozen=True)
class AddCustomer(CustomerCommand):
    """"Naya customer Pinky, number 98..., opening balance 500"."""

    intent: ClassVar[str] = "add_customer"
    phone: str | None = None
    landmark: str | None = None
    nickname: str | None = None
    email: str | None = None
    opening_balance_paise: int | None = None

    @property
    def name(self) -> str | None:
        return self.customer.name if self.customer else None

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        name = v.text(e.get("name")) or v.text(e.get("customer"))
        return cls(customer=CustomerRef(name=name) if name else None, phone=phone_of(e.get("phone")),
                   landmark=v.text(e.get("address")) or v.text(e.get("landmark")), nickname=v.text(e.get("nickname")),
                   email=email_of(e.get("email")), opening_balance_paise=v.paise(e.get("opening_balance")))


@dataclass(frozen=True)
class UpdateCustomer(CustomerCommand):
    """A changed phone, address, nickname, name, email, rate tier or WhatsApp consent."""

    intent: ClassVar[str] = "update_customer"
    phone: str | None = None
    landmark: str | None = None
    nickname: str | None = None
    new_name: str | None = None
    name_devanagari: str | None = None
    email: str | None = None
    price_tier: str | None = None
    whatsapp_opt_in: bool | None = None
    phone_confirmed: bool | None = None  # "Rahul ka number confirm hai"

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        ref = CustomerRef.from_entities(e)
        name = v.text(e.get("name"))
        new_name = devanagari = None
        if name and (ref is None or name != ref.name):
            if _DEVANAGARI.search(name):
                devanagari = name
            else:
                new_name = name
        return cls(customer=ref, phone=phone_of(e.get("phone")),
                   landmark=v.text(e.get("address")) or v.text(e.get("landmark")), nickname=v.text(e.get("nickname")),
                   new_name=new_name, name_devanagari=devanagari, email=email_of(e.get("email")),
                   price_tier=tier_of(e), whatsapp_opt_in=v.flag(e.get("whatsapp_opt_in")),
                   phone_confirmed=v.flag(e.get("phone_confirmed")))


@dataclass(frozen=True)
class GetCustomerInfo(CustomerCommand):
    intent: ClassVar[str] = "get_customer_info"


@dataclass(frozen=True)
class DeleteCustomer(CustomerCommand):
    intent: ClassVar[str] = "delete_customer"
