"""Reminders: move a scheduled one (timer moves after commit), find one by customer and time."""

from datetime import UTC, datetime, timedelta

import pytest

from business.books import Books
from business.errors import ReminderNotFound, ReminderNotReschedulable, ValidationError
from business.ports import NullJobQueue
from business.shoptime import IST


async def test_reschedule_moves_row_and_timer(books: Books, shop, jobs: NullJobQueue) -> None:
    c = await books.add_customer(shop.id, "Rahul", opening_balance_paise=5000)
    r = await books.schedule_reminder(shop.id, c.id, datetime.now(UTC) + timedelta(days=1))
    new_due = datetime.now(UTC) + timedelta(days=2)
    moved = await books.reschedule_reminder(shop.id, r.id, new_due, idempotency_key="m1")
    again = await books.reschedule_reminder(shop.id, r.id, new_due, idempotency_key="m1")
    assert moved == again and moved.due_at == new_due and moved.status == "scheduled"
    assert jobs.calls[-2:] == [("cancel_reminder", (r.id,)), ("schedule_reminder", (r.id, new_due))]
    await books.cancel_reminder(shop.id, r.id)
    with pytest.raises(ReminderNotReschedulable) as err:
        await books.reschedule_reminder(shop.id, r.id, new_due)
    assert err.value.status == "cancelled"
    with pytest.raises(ReminderNotFound):
        await books.reschedule_reminder(shop.id, 10**12, new_due)
    with pytest.raises(ValidationError):
        await books.reschedule_reminder(shop.id, r.id, datetime(2030, 1, 1))


async def test_find_by_customer_and_time(books: Books, shop) -> None:
    a = await books.add_customer(shop.id, "Vikas", opening_balance_paise=5000)
    b = await books.add_customer(shop.id, "Meena", opening_balance_paise=5000)
    day = datetime.now(IST).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    five = await books.schedule_reminder(shop.id, a.id, day + timedelta(hours=17))
    ten = await books.schedule_reminder(shop.id, a.id, day + timedelta(hours=10))
    meena = await books.schedule_reminder(shop.id, b.id, day + timedelta(days=1, hours=17, minutes=15))
    assert [r.id for r in await books.find_reminders(shop.id, customer_id=a.id)] == [ten.id, five.id]
    near = await books.find_reminders(shop.id, around=day + timedelta(hours=17))
    assert [r.id for r in near] == [five.id]
    other_day = await books.find_reminders(shop.id, customer_id=b.id, around=day + timedelta(hours=17))
    assert [r.id for r in other_day] == [meena.id]  # same time of day, the next date
    await books.cancel_reminder(shop.id, five.id)
    assert [r.id for r in await books.find_reminders(shop.id, a.id)] == [ten.id]
    assert {r.id for r in await books.find_reminders(shop.id, a.id, status=None)} == {five.id, ten.id}
