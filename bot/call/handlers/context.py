"""What every handler may use: the books, the call's state and clock, and name resolution.

Resolution follows the call's rule: a customer or product that only resembles
what was heard is used only after a read-back (`strong` is False), several
close customers raise AmbiguousCustomer (the conversation asks which one), and
nothing at all is a question back to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.call.clock import CallClock
from bot.call.matching import is_strong_match
from bot.call.speech import Speaker
from bot.call.state import CallState
from bot.commands.refs import CustomerRef
from business.books import Books
from business.errors import CustomerNotFound, ProductNotFound
from business.models import Customer, Product

# Read-backs (readbacks.json) that say the direction of money plainly, for a doubted direction.
_PLAIN_DIRECTION = {"payment": "payment_direction", "udhaar": "udhaar_direction"}


class MissingCustomer(Exception):
    """The command names nobody and no customer is active: ask who."""


@dataclass
class HandlerContext:
    """One command's view of the call. `weak` is set when the transcript itself was unsure;
    `chosen` is the customer the caller picked after an ambiguity question."""

    books: Books
    state: CallState
    speaker: Speaker
    clock: CallClock
    call_sid: str
    greeting_name: str
    weak: bool = False
    chosen: Customer | None = None
    key: str = ""

    @property
    def shop_id(self) -> int:
        return self.state.shop_id

    def now(self) -> datetime:
        """The call's wall clock (aware, Asia/Kolkata)."""
        return self.clock.now()

    def summary(self, kind: str, **params: Any) -> str:
        """A read-back sentence in the call's language; when the recogniser doubted which way the
        money went, the one that says it plainly ("Payment, udhaar nahi: ...")."""
        if "direction" in self.state.heard_doubts and kind in _PLAIN_DIRECTION:
            kind = _PLAIN_DIRECTION[kind]
        return self.speaker.summary(kind, **params)

    def over_limit(self, paise: int) -> bool:
        return paise > self.state.confirm_limit_paise

    async def customer(self, ref: CustomerRef | None) -> tuple[Customer, bool]:
        """The customer `ref` (a CustomerRef) means, and whether the match is strong.

        Raises MissingCustomer (nobody named or active), CustomerNotFound (no
        resemblance at all) or AmbiguousCustomer (several close ones).
        """
        if self.chosen is not None:
            return self.chosen, True
        name = ref.name if ref is not None else None
        if ref is None or ref.active or not name:
            if self.state.active_customer is not None:
                return self.state.active_customer, True
            raise MissingCustomer()
        hint = ref.hint
        active = self.state.active_customer
        if active is not None and hint is None and _names(active, name):
            # "Rahul ka balance" -> "station road wale" -> "Rahul ko do doodh": the Rahul just chosen
            return active, True
        try:
            found = await self.books.resolve_customer(self.shop_id, name, hint)
        except CustomerNotFound as exc:
            if exc.candidates:  # something only resembles the name: use it, after a read-back
                return exc.candidates[0].customer, False
            raise
        return found, is_strong_match(name, found)

    async def product(self, name: str) -> tuple[Product, bool]:
        """The product `name` means and whether the match is strong (ProductNotFound otherwise)."""
        try:
            found = await self.books.resolve_product(self.shop_id, name)
        except ProductNotFound as exc:
            if exc.candidates:
                return exc.candidates[0].product, False
            raise
        return found, is_strong_match(name, found)

    def remember(self, customer: Customer | None, strong: bool = True) -> None:
        """Make `customer` the one "uska" means, when the match was strong."""
        if customer is not None and strong:
            self.state.active_customer = customer


def _names(customer: Customer, name: str) -> bool:
    """Whether `name` is this customer's name or one of their nicknames (any case)."""
    wanted = name.casefold().strip()
    full = customer.name.casefold()
    return wanted in (full, full.split()[0]) or any(wanted == n.casefold() for n in customer.nicknames)
