"""Payments (single, split, settle in full), udhaar, statements, outstanding, reminders."""

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from business.books import Books
from business.errors import (
    CustomerNotFound,
    InvalidAmount,
    ReminderNotCancellable,
    ReminderNotFound,
    ValidationError,
)
from business.models import PaymentSplit
from business.ports import NullJobQueue

from .conftest import count_rows


async def test_udhaar_payment_statement_outstanding(books: Books, shop) -> None:
    a = await books.add_customer(shop.id, "Rahul")
    b = await books.add_customer(shop.id, "Meena", opening_balance_paise=30000)
    posted = await books.add_udhaar(shop.id, a.id, 50000, note="ration")
    assert posted.balance_paise == 50000 and posted.entry.kind == "udhaar" and posted.entry.note == "ration"
    paid = await books.record_payment(shop.id, a.id, 20000, "upi")
    assert paid.balance_paise == 30000 and paid.payments[0].mode == "upi" and paid.total_paise == 20000
    split = await books.record_payment(
        shop.id, a.id, splits=[PaymentSplit(5000, "cash"), PaymentSplit(5000, "card")]
    )
    assert split.balance_paise == 20000 and [p.mode for p in split.payments] == ["cash", "card"]
    st = await books.statement(shop.id, a.id)
    assert [(ln.entry.kind, ln.entry.amount_paise, ln.running_balance_paise) for ln in st.lines] == [
        ("udhaar", 50000, 50000), ("payment", -20000, 30000), ("payment", -5000, 25000), ("payment", -5000, 20000),
    ]
    assert st.balance_paise == 20000
    out = await books.list_outstanding(shop.id)
    assert [(o.customer.id, o.balance_paise) for o in out] == [(b.id, 30000), (a.id, 20000)]
    assert await books.total_outstanding(shop.id) == 50000
    settled = await books.record_payment(shop.id, a.id, settle_full=True, mode="cash")
    assert settled.total_paise == 20000 and settled.balance_paise == 0
    with pytest.raises(InvalidAmount):
        await books.record_payment(shop.id, a.id, settle_full=True)  # nothing owed


@pytest.mark.parametrize(
    "kwargs",
    [{"amount_paise": 0}, {"amount_paise": -500}, {"amount_paise": 10.5}, {"amount_paise": None},
     {"amount_paise": 100, "mode": "bitcoin"}, {"splits": [PaymentSplit(-1, "cash")]},
     {"amount_paise": 900, "splits": [PaymentSplit(500, "cash"), PaymentSplit(500, "upi")]}],
)
async def test_bad_payment_writes_nothing(books: Books, shop, pool: asyncpg.Pool, kwargs) -> None:
    c = await books.add_customer(shop.id, "Rahul", opening_balance_paise=1000)
    before = await count_rows(pool, shop.id)
    with pytest.raises((InvalidAmount, ValidationError)):
        await books.record_payment(shop.id, c.id, **kwargs)
    assert await count_rows(pool, shop.id) == before


async def test_bad_udhaar(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Rahul")
    before = await count_rows(pool, shop.id)
    for amount in (0, -100, 99.5):
        with pytest.raises(InvalidAmount):
            await books.add_udhaar(shop.id, c.id, amount)  # type: ignore[arg-type]
    with pytest.raises(CustomerNotFound):
        await books.add_udhaar(shop.id, 10**9, 100)
    assert await count_rows(pool, shop.id) == before


async def test_reminders_lifecycle_and_job_queue_after_commit(books: Books, shop, jobs: NullJobQueue) -> None:
    c = await books.add_customer(shop.id, "Suresh", opening_balance_paise=120000, whatsapp_opt_in=True)
    due = datetime.now(UTC) + timedelta(days=1)
    r = await books.schedule_reminder(shop.id, c.id, due, amount_paise=120000)
    assert r.status == "scheduled" and r.due_at == due and r.attempts == 0
    assert jobs.calls[-1] == ("schedule_reminder", (r.id, due))
    assert (await books.get_reminder(shop.id, r.id)) == r
    r2 = await books.schedule_reminder(shop.id, c.id, due + timedelta(days=7))
    cancelled = await books.cancel_reminder(shop.id, r2.id)
    assert cancelled.status == "cancelled" and jobs.calls[-1] == ("cancel_reminder", (r2.id,))
    with pytest.raises(ReminderNotCancellable):
        await books.cancel_reminder(shop.id, r2.id)
    with pytest.raises(ReminderNotFound):
        await books.get_reminder(shop.id, 10**9)
    assert [x.id for x in await books.list_reminders(shop.id, status="scheduled")] == [r.id]
    assert len(await books.list_reminders(shop.id, customer_id=c.id)) == 2
    with pytest.raises(ValidationError):
        await books.schedule_reminder(shop.id, c.id, datetime(2030, 1, 1))  # naive
    with pytest.raises(ValidationError):
        await books.list_reminders(shop.id, status="bogus")

    # A part payment leaves the reminder; clearing the balance skips it in the same transaction.
    part = await books.record_payment(shop.id, c.id, 20000)
    assert part.reminders_skipped == () and (await books.get_reminder(shop.id, r.id)).status == "scheduled"
    full = await books.record_payment(shop.id, c.id, settle_full=True, mode="upi")
    assert full.reminders_skipped == (r.id,) and full.balance_paise == 0
    assert (await books.get_reminder(shop.id, r.id)).status == "skipped_paid"
    assert jobs.calls[-1] == ("cancel_reminder", (r.id,))
