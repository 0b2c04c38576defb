"""Reminder use cases: schedule (row first, timer after commit), cancel, list, look up.

The rules (statuses, what may send, transitions) are in `business.reminders`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from business.actions.customers import load_customer
from business.actions.runner import ActionRunner, AfterCommit
from business.errors import (
    ReminderNotCancellable,
    ReminderNotFound,
    ReminderNotReschedulable,
    ValidationError,
)
from business.models import Reminder
from business.money import validate_amount
from business.ports import UnitOfWork
from business.reminder_lookup import DEFAULT_WINDOW, aware, nearest
from business.reminders import CANCEL, REMINDER_STATUSES, RESCHEDULE


class ReminderActions(ActionRunner):
    async def schedule_reminder(
        self, shop_id: int, customer_id: int, due_at: datetime, amount_paise: int | None = None, *,
        idempotency_key: str | None = None,
    ) -> Reminder:
        """Store a scheduled reminder row, then (after commit) ask the JobQueue for a timer.
        `due_at` must be timezone-aware. Raises CustomerNotFound, ValidationError, InvalidAmount."""
        aware(due_at, "due_at")
        if amount_paise is not None:
            validate_amount(amount_paise)

        async def body(uow: UnitOfWork, after: AfterCommit) -> Reminder:
            await load_customer(uow, shop_id, customer_id)
            r = await uow.reminders.add(
                shop_id=shop_id, customer_id=customer_id, amount_paise=amount_paise, due_at=due_at,
                created_at=self._clock.now(),
            )
            after.append(lambda: self._jobs.schedule_reminder(r.id, r.due_at))
            return r

        return await self._action(shop_id, idempotency_key, "schedule_reminder", Reminder, body)

    async def cancel_reminder(
        self, shop_id: int, reminder_id: int, *, idempotency_key: str | None = None
    ) -> Reminder:
        """Cancel a scheduled reminder (then the JobQueue timer). Raises ReminderNotFound,
        ReminderNotCancellable."""

        async def body(uow: UnitOfWork, after: AfterCommit) -> Reminder:
            r = await uow.reminders.get(shop_id, reminder_id, for_update=True)
            if r is None:
                raise ReminderNotFound(reminder_id)
            if not CANCEL.allowed(r.status):
                raise ReminderNotCancellable(r.id, r.status)
            r = await uow.reminders.set_status(r.id, CANCEL.to, self._clock.now())
            after.append(lambda: self._jobs.cancel_reminder(reminder_id))
            return r

        return await self._action(shop_id, idempotency_key, "cancel_reminder", Reminder, body)

    async def reschedule_reminder(
        self, shop_id: int, reminder_id: int, due_at: datetime, *, idempotency_key: str | None = None
    ) -> Reminder:
        """Move a scheduled reminder to `due_at` (aware); after commit its timer moves too (the
        old job is cancelled, a new one set). Raises ReminderNotFound, ReminderNotReschedulable
        (not scheduled any more), ValidationError."""
        aware(due_at, "due_at")

        async def body(uow: UnitOfWork, after: AfterCommit) -> Reminder:
            r = await uow.reminders.get(shop_id, reminder_id, for_update=True)
            if r is None:
                raise ReminderNotFound(reminder_id)
            if not RESCHEDULE.allowed(r.status):
                raise ReminderNotReschedulable(r.id, r.status)
            r = await uow.reminders.set_due_at(r.id, due_at, self._clock.now())
            after.append(lambda: self._jobs.cancel_reminder(reminder_id))
            after.append(lambda: self._jobs.schedule_reminder(reminder_id, r.due_at))
            return r

        return await self._action(shop_id, idempotency_key, "reschedule_reminder", Reminder, body)

    async def find_reminders(
        self, shop_id: int, customer_id: int | None = None, status: str | None = "scheduled",
        around: datetime | None = None, *, window: timedelta = DEFAULT_WINDOW,
    ) -> list[Reminder]:
        """The reminders a spoken reference means: the customer's (if given) in `status`
        (None: any), and with `around` those due within `window` of it (else at that time of
        day on another date), nearest first; without `around`, soonest due first."""
        if around is not None:
            aware(around, "around")
        found = await self.list_reminders(shop_id, customer_id=customer_id, status=status, limit=1000)
        if around is None:
            return sorted(found, key=lambda r: (r.due_at, r.id))
        return nearest(found, around, window)

    async def list_reminders(
        self, shop_id: int, *, customer_id: int | None = None, status: str | None = None, limit: int = 100
    ) -> list[Reminder]:
        """Newest due first."""
        if status is not None and status not in REMINDER_STATUSES:
            raise ValidationError(f"status must be one of {REMINDER_STATUSES}", "status")
        limit = max(1, min(int(limit), 1000))
        return await self._read(
            lambda uow: uow.reminders.list_all(shop_id, customer_id=customer_id, status=status, limit=limit)
        )

    async def get_reminder(self, shop_id: int, reminder_id: int) -> Reminder:
        """Raises ReminderNotFound."""
        return await self._read_one(
            lambda uow: uow.reminders.get(shop_id, reminder_id), lambda: ReminderNotFound(reminder_id)
        )
