"""Money in and out of a khata: payments, udhaar, balances, who owes what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from bot.commands import values as v
from bot.commands.base import Command, CustomerCommand
from bot.commands.refs import CustomerRef, Split, splits_of


@dataclass(frozen=True)
class RecordPayment(CustomerCommand):
    """"Rahul ne 200 cash me diye"; "500 cash aur 300 UPI"; "poora hisaab chuka diya"."""

    intent: ClassVar[str] = "record_payment"
    amount_paise: int | None = None
    payment_mode: str | None = None  # only when said; the handler defaults to cash
    splits: tuple[Split, ...] = ()
    settle_full: bool = False
    note: str | None = None

    def missing(self) -> tuple[str, ...]:
        out = list(super().missing())
        if self.amount_paise is None and not self.splits and not self.settle_full:
            out.append("amount")
        return tuple(out)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e), amount_paise=v.paise(e.get("amount")),
                   payment_mode=v.mode(e.get("payment_mode")), splits=splits_of(e.get("splits")),
                   settle_full=e.get("settle_full") is True, note=v.text(e.get("note")))


@dataclass(frozen=True)
class AddUdhaar(CustomerCommand):
    """"Rahul ke khate mein 300 likh do": credit with no item list."""

    intent: ClassVar[str] = "add_udhaar"
    amount_paise: int | None = None
    note: str | None = None
    required: ClassVar[tuple[str, ...]] = ("customer", "amount")

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e), amount_paise=v.paise(e.get("amount")),
                   note=v.text(e.get("note")))


@dataclass(frozen=True)
class CheckBalance(CustomerCommand):
    intent: ClassVar[str] = "check_balance"


@dataclass(frozen=True)
class ListOutstanding(Command):
    intent: ClassVar[str] = "list_outstanding"


@dataclass(frozen=True)
class TotalOutstanding(Command):
    intent: ClassVar[str] = "total_outstanding"
