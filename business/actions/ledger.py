"""Ledger and payments: money received, udhaar outside invoices, balances and statements."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from business import fields, modes
from business.actions.customers import load_customer
from business.actions.deliveries import note_entry
from business.actions.runner import ActionRunner, AfterCommit
from business.errors import InvalidAmount, ValidationError
from business.models import (
    Balance,
    LedgerPosting,
    Outstanding,
    PaymentResult,
    PaymentSplit,
    Statement,
    StatementLine,
)
from business.money import validate_amount
from business.ports import UnitOfWork

log = logging.getLogger(__name__)


class LedgerActions(ActionRunner):
    async def record_payment(
        self, shop_id: int, customer_id: int, amount_paise: int | None = None, mode: str = "cash", *,
        splits: Sequence[PaymentSplit] | None = None, settle_full: bool = False, note: str = "",
        idempotency_key: str | None = None,
    ) -> PaymentResult:
        """Money received against dues: one mode, or `splits` across modes, or `settle_full`
        (the whole current balance, in `mode`). A payment that clears the balance marks the
        customer's scheduled reminders skipped_paid in the same transaction.
        Raises InvalidAmount, CustomerNotFound, ValidationError (unknown mode)."""
        parts = payment_parts(amount_paise, mode, splits, settle_full)
        note = fields.text(note, "note")

        async def body(uow: UnitOfWork, after: AfterCommit) -> PaymentResult:
            c = await load_customer(uow, shop_id, customer_id, lock=settle_full)
            todo = parts
            if settle_full:
                if c.balance_paise <= 0:
                    raise InvalidAmount(0, "nothing is owed", "amount_paise")
                todo = [(c.balance_paise, modes.payment_mode(mode))]
            now = self._clock.now()
            payments = []
            balance = c.balance_paise
            for amount, m in todo:
                pay = await uow.payments.add(
                    shop_id=shop_id, customer_id=customer_id, amount_paise=amount, mode=m, note=note,
                    received_at=now,
                )
                entry, balance = await uow.ledger.post(
                    shop_id=shop_id, customer_id=customer_id, kind="payment", amount_paise=-amount,
                    created_at=now, payment_id=pay.id, note=note,
                )
                await note_entry(uow, after, self._jobs, shop_id, entry, balance)  # the customer hears of it
                payments.append(pay)
            total = sum(a for a, _ in todo)
            skipped: list[int] = []
            if balance <= 0:
                skipped = await uow.reminders.skip_scheduled_for_customer(shop_id, customer_id, now)
                for rid in skipped:
                    after.append(lambda rid=rid: self._jobs.cancel_reminder(rid))  # type: ignore[misc]
            return PaymentResult(customer_id, tuple(payments), total, balance, tuple(skipped))

        res = await self._action(shop_id, idempotency_key, "record_payment", PaymentResult, body)
        log.info("payment shop_id=%s customer_id=%s total_paise=%s", shop_id, customer_id, res.total_paise)
        return res

    async def add_udhaar(
        self, shop_id: int, customer_id: int, amount_paise: int, *, note: str = "",
        idempotency_key: str | None = None,
    ) -> LedgerPosting:
        """Credit given outside an invoice ("Rahul ko 500 udhaar"). Raises InvalidAmount, CustomerNotFound."""
        validate_amount(amount_paise)
        note = fields.text(note, "note")

        async def body(uow: UnitOfWork, after: AfterCommit) -> LedgerPosting:
            entry, balance = await uow.ledger.post(
                shop_id=shop_id, customer_id=customer_id, kind="udhaar", amount_paise=amount_paise,
                created_at=self._clock.now(), note=note,
            )
            await note_entry(uow, after, self._jobs, shop_id, entry, balance)  # the customer hears of it
            return LedgerPosting(entry, balance)

        return await self._action(shop_id, idempotency_key, "add_udhaar", LedgerPosting, body)

    async def balance(self, shop_id: int, customer_id: int) -> Balance:
        c = await self._read(lambda uow: load_customer(uow, shop_id, customer_id))
        return Balance(c, c.balance_paise)

    async def statement(self, shop_id: int, customer_id: int) -> Statement:
        """Every ledger entry, oldest first, with the running balance."""

        async def run(uow: UnitOfWork) -> Statement:
            c = await load_customer(uow, shop_id, customer_id)
            running, lines = 0, []
            for e in await uow.ledger.for_customer(shop_id, customer_id):
                running += e.amount_paise
                lines.append(StatementLine(e, running))
            return Statement(c, tuple(lines), running)

        return await self._read(run)

    async def list_outstanding(self, shop_id: int) -> list[Outstanding]:
        """Customers who owe money, largest balance first."""
        customers = await self._read(lambda uow: uow.customers.outstanding(shop_id))
        return [Outstanding(c, c.balance_paise) for c in customers]

    async def total_outstanding(self, shop_id: int) -> int:
        """Sum of positive balances, in paise."""
        return sum(o.balance_paise for o in await self.list_outstanding(shop_id))


# --- input checks (pure) -----------------------------------------------------------


def payment_parts(
    amount_paise: int | None, mode: str, splits: Sequence[PaymentSplit] | None, settle_full: bool
) -> list[tuple[int, str]]:
    """(amount, mode) pairs to post; empty for `settle_full` (the amount is read under lock)."""
    check_mode = modes.payment_mode

    if settle_full:
        if splits:
            raise ValidationError("settle_full takes one mode, not splits", "splits")
        check_mode(mode)
        return []
    if splits:
        if amount_paise is not None:
            total = sum(validate_amount(s.amount_paise) for s in splits)
            if total != amount_paise:
                raise InvalidAmount(amount_paise, "splits do not add up to amount_paise")
        parts = [(validate_amount(s.amount_paise), check_mode(s.mode)) for s in splits]
        if len(parts) > 10:
            raise ValidationError("too many splits", "splits")
        return parts
    if amount_paise is None:
        raise InvalidAmount(None, "amount_paise is required")
    return [(validate_amount(amount_paise), check_mode(mode))]
