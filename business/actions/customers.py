"""Customers: add, change (with history), list, and find by what the shopkeeper says ("station road wale Gupta")."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from business import customer_history, fields, pricing, search
from business.actions.runner import ActionRunner, AfterCommit, off_loop
from business.actions.shops import load_shop
from business.customer_history import CustomerChange
from business.errors import CustomerNotFound, InvalidAmount, ValidationError
from business.matching import devanagari_to_roman
from business.models import Customer, CustomerMatch
from business.phones import normalize_phone
from business.ports import UnitOfWork

log = logging.getLogger(__name__)


async def load_customer(uow: UnitOfWork, shop_id: int, customer_id: int, *, lock: bool = False) -> Customer:
    """The shop's customer (locked FOR UPDATE when `lock`), or CustomerNotFound."""
    c = await uow.customers.get(shop_id, customer_id, for_update=lock)
    if c is None:
        raise CustomerNotFound(customer_id)
    return c


class CustomerActions(ActionRunner):
    async def add_customer(
        self, shop_id: int, name: str, *, phone: str | None = None, nicknames: Sequence[str] = (),
        landmark: str = "", name_devanagari: str = "", whatsapp_opt_in: bool = False,
        opening_balance_paise: int = 0, idempotency_key: str | None = None, phone_confirmed: bool = False,
    ) -> Customer:
        """Add a customer (phone normalised to E.164, Indian numbers by default).

        `phone_confirmed`: the owner vouches for the number (else the customer is asked on
        WhatsApp before the first reminder; business.phone_confirmation).

        A non-zero opening balance posts an `opening_balance` ledger entry.
        Raises ValidationError, DuplicateCustomer (same phone in this shop).
        """
        new_fields = customer_fields(name, phone, nicknames, landmark, name_devanagari)
        if isinstance(opening_balance_paise, bool) or not isinstance(opening_balance_paise, int):
            raise InvalidAmount(opening_balance_paise, field="opening_balance_paise")
        if abs(opening_balance_paise) > 10**13:
            raise InvalidAmount(opening_balance_paise, field="opening_balance_paise")

        async def body(uow: UnitOfWork, after: AfterCommit) -> Customer:
            await load_shop(uow, shop_id)
            now = self._clock.now()
            c = await uow.customers.add(
                shop_id=shop_id, whatsapp_opt_in=bool(whatsapp_opt_in), created_at=now,
                phone_confirmed=bool(phone_confirmed), **new_fields
            )
            if opening_balance_paise:
                _, bal = await uow.ledger.post(
                    shop_id=shop_id, customer_id=c.id, kind="opening_balance",
                    amount_paise=opening_balance_paise, created_at=now, note="opening balance",
                )
                c = replace(c, balance_paise=bal)
            return c

        c = await self._action(shop_id, idempotency_key, "add_customer", Customer, body)
        log.info("added customer shop_id=%s customer_id=%s", shop_id, c.id)
        return c

    async def get_customer(self, shop_id: int, customer_id: int) -> Customer:
        """Raises CustomerNotFound (also for another shop's customer)."""
        return await self._read(lambda uow: load_customer(uow, shop_id, customer_id))

    async def list_customers(self, shop_id: int) -> list[Customer]:
        return await self._read(lambda uow: uow.customers.list_all(shop_id))

    async def find_customer_by_phone(self, shop_id: int, phone: str) -> Customer | None:
        e164 = normalize_phone(phone)
        customers = await self.list_customers(shop_id)
        return next((c for c in customers if c.phone == e164), None)

    async def update_customer(
        self, shop_id: int, customer_id: int, *, name: str | None = None, phone: str | None = None,
        nicknames: Sequence[str] | None = None, landmark: str | None = None,
        name_devanagari: str | None = None, whatsapp_opt_in: bool | None = None, email: str | None = None,
        via: str = "api", idempotency_key: str | None = None, phone_confirmed: bool | None = None,
    ) -> Customer:
        """Change the given fields (None = unchanged; phone or email "" clears it); each field that really
        changes appends a history row (old -> new, `via` "phone"/"api"/"chat"/...).
        A phone that really changes is unconfirmed again; `phone_confirmed=True` is the owner
        confirming the (new) number.
        Raises CustomerNotFound, DuplicateCustomer (phone taken), ValidationError."""
        changes = customer_changes(
            name=name, phone=phone, nicknames=nicknames, landmark=landmark, name_devanagari=name_devanagari,
            whatsapp_opt_in=whatsapp_opt_in, email=email,
        )
        at = self._clock.now()
        return await self._change_customer(
            shop_id, customer_id, lambda c: confirmation_changes(c, changes, phone_confirmed, at),
            customer_history.channel(via), idempotency_key, "update_customer",
        )

    async def confirm_customer_phone(
        self, shop_id: int, customer_id: int, *, via: str = "api", idempotency_key: str | None = None
    ) -> Customer:
        """The owner confirms the customer's number ("Rahul ka number confirm hai"): reminders may
        go to it. Raises CustomerNotFound, ValidationError (no phone)."""
        return await self.update_customer(
            shop_id, customer_id, phone_confirmed=True, via=via, idempotency_key=idempotency_key
        )

    async def add_customer_nickname(
        self, shop_id: int, customer_id: int, nickname: str, *, via: str = "api",
        idempotency_key: str | None = None,
    ) -> Customer:
        """Add one nickname beside the others ("Rahul ko Pappu bhi bolte hain"); one already there
        (any case) changes nothing. Raises CustomerNotFound, ValidationError."""
        name = fields.text(nickname, "nickname", required=True, max_len=200)

        def changes(c: Customer) -> dict[str, Any]:
            if any(n.casefold() == name.casefold() for n in c.nicknames):
                return {}
            return {"nicknames": fields.names([*c.nicknames, name])}

        return await self._change_customer(
            shop_id, customer_id, changes, customer_history.channel(via), idempotency_key, "add_customer_nickname"
        )

    async def set_customer_tier(
        self, shop_id: int, customer_id: int, tier: str, *, via: str = "api", idempotency_key: str | None = None
    ) -> Customer:
        """The price tier (retail / wholesale / dealer) this customer's bills use by default.
        Raises CustomerNotFound, ValidationError."""
        checked = pricing.price_tier(tier)
        return await self._change_customer(
            shop_id, customer_id, lambda _: {"price_tier": checked}, customer_history.channel(via),
            idempotency_key, "set_customer_tier",
        )

    async def customer_history(self, shop_id: int, customer_id: int) -> list[CustomerChange]:
        """Every recorded change to the customer, oldest first. Raises CustomerNotFound."""

        async def run(uow: UnitOfWork) -> list[CustomerChange]:
            await load_customer(uow, shop_id, customer_id)
            return await uow.customer_changes.for_customer(shop_id, customer_id)

        return await self._read(run)

    async def _change_customer(
        self, shop_id: int, customer_id: int, changes_for: Callable[[Customer], dict[str, Any]], via: str,
        key: str | None, action: str,
    ) -> Customer:
        """Lock the customer, apply `changes_for(customer)`, and record what really changed."""

        async def body(uow: UnitOfWork, after: AfterCommit) -> Customer:
            before = await load_customer(uow, shop_id, customer_id, lock=True)
            changes = changes_for(before)
            if not changes:
                return before
            c = await uow.customers.update(shop_id, customer_id, changes)
            if c is None:
                raise CustomerNotFound(customer_id)
            await uow.customer_changes.add(
                shop_id=shop_id, customer_id=customer_id, changes=customer_history.diff(before, c), via=via,
                at=self._clock.now(),
            )
            return c

        c = await self._action(shop_id, key, action, Customer, body)
        log.info("%s shop_id=%s customer_id=%s via=%s", action, shop_id, customer_id, via)
        return c

    async def search_customers(self, shop_id: int, query: str, *, limit: int = 5) -> list[CustomerMatch]:
        """Ranked candidates (score 0..100) by name, nickname, landmark, phone digits,
        sound-alike spelling and Devanagari; "station road wale Gupta" uses the landmark."""
        if not query or not query.strip():
            return []
        customers = await self.list_customers(shop_id)
        return await off_loop(len(customers), search.rank_customers, query, customers, max(1, min(limit, 50)))

    async def resolve_customer(self, shop_id: int, name: str, hint: str | None = None) -> Customer:
        """The one customer `name` (plus an optional landmark/nickname `hint`) clearly means.

        Raises CustomerNotFound (nothing strong) or AmbiguousCustomer(candidates);
        never guesses between close candidates.
        """
        query = " ".join(x for x in (name, hint) if x and x.strip())
        if not query:
            raise CustomerNotFound(name)
        customers = await self.list_customers(shop_id)
        return await off_loop(len(customers), search.resolve_customer, query, customers)


# --- input checks (pure) -----------------------------------------------------------


def has_devanagari(value: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in value)


def customer_fields(
    name: str, phone: str | None, nicknames: Sequence[str], landmark: str, name_devanagari: str
) -> dict[str, Any]:
    """A new customer's checked fields, with the roman/Devanagari forms derived from the name."""
    name = fields.text(name, "name", required=True, max_len=200)
    dev = fields.text(name_devanagari, "name_devanagari", max_len=200)
    roman = ""
    if has_devanagari(name):
        dev = dev or name
        roman = devanagari_to_roman(name)
    return {
        "name": name,
        "phone": normalize_phone(phone) if phone and phone.strip() else None,
        "nicknames": fields.names(nicknames),
        "landmark": fields.text(landmark, "landmark", max_len=200),
        "name_roman": roman,
        "name_devanagari": dev,
    }


def customer_changes(
    *, name: str | None, phone: str | None, nicknames: Sequence[str] | None, landmark: str | None,
    name_devanagari: str | None, whatsapp_opt_in: bool | None, email: str | None = None,
) -> dict[str, Any]:
    """The checked column changes of an update (None = unchanged; phone "" clears it)."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = fields.text(name, "name", required=True)
        if name_devanagari is None:  # keep the derived forms in step with the new name
            dev = has_devanagari(changes["name"])
            changes["name_roman"] = devanagari_to_roman(changes["name"]) if dev else ""
            changes["name_devanagari"] = changes["name"] if dev else ""
    if phone is not None:
        changes["phone"] = normalize_phone(phone) if phone.strip() else None
    if nicknames is not None:
        changes["nicknames"] = fields.names(nicknames)
    if landmark is not None:
        changes["landmark"] = fields.text(landmark, "landmark")
    if name_devanagari is not None:
        changes["name_devanagari"] = fields.text(name_devanagari, "name_devanagari")
    if whatsapp_opt_in is not None:
        changes["whatsapp_opt_in"] = bool(whatsapp_opt_in)
    if email is not None:
        changes["email"] = email_address(email)
    return changes


def confirmation_changes(
    before: Customer, changes: dict[str, Any], confirmed: bool | None, at: datetime
) -> dict[str, Any]:
    """`changes` plus what they do to the number's confirmation: a new phone resets it (the
    customer is asked again), an explicit `confirmed` from the owner sets or clears it."""
    out = dict(changes)
    new_phone = out.get("phone", before.phone)
    if "phone" in out and new_phone != before.phone:
        out.update(phone_confirmed=False, phone_confirmed_via=None, phone_confirmed_at=None)
    if confirmed is not None:
        if confirmed and not new_phone:
            raise ValidationError("a customer without a phone number has nothing to confirm", "phone_confirmed")
        if bool(confirmed) != (out.get("phone_confirmed", before.phone_confirmed)):
            out.update(
                phone_confirmed=bool(confirmed), phone_confirmed_via="owner" if confirmed else None,
                phone_confirmed_at=at if confirmed else None,
            )
    return out


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(value: str) -> str | None:
    """A customer's email, trimmed and lower-cased ("" clears it). Raises ValidationError."""
    text = fields.text(value, "email", max_len=254).replace(" ", "").lower()
    if not text:
        return None
    if not _EMAIL.match(text):
        raise ValidationError("email does not look like name@example.com", "email")
    return text
