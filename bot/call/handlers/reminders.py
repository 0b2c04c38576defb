"""Payment reminders by phone: schedule, move, cancel, list.

A reminder to move or cancel is found by its customer and/or the time it was
set for ("5 baje wala reminder hata do"); several matches are a question.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.call.handlers.context import HandlerContext
from bot.call.results import Confirm, Done, Question, Result
from bot.commands import CancelReminder, ListReminders, ModifyReminder, ScheduleReminder
from business.models import Reminder
from business.shoptime import IST

LIST_LIMIT = 5
# "5 baje wala": a reminder within this distance of the spoken time is the one meant.
AROUND = timedelta(minutes=90)


async def schedule_reminder(cmd: ScheduleReminder, ctx: HandlerContext) -> Result:
    customer, strong = await ctx.customer(cmd.customer)
    ctx.remember(customer, strong)
    if cmd.at is None:
        return Question("ask_when", "when", cmd, {"customer": customer.name})
    at = cmd.at
    params = {"customer": customer.name, "due_at": at, "now": ctx.now()}

    async def execute(key: str) -> Done:
        reminder = await ctx.books.schedule_reminder(ctx.shop_id, customer.id, at, cmd.amount_paise,
                                                     idempotency_key=key)
        # The books keep one moment per reminder: a repeat ("har somvar") is said to be once only.
        repeats = cmd.when is not None and cmd.when.recurrence is not None
        return Done("reminder_scheduled_once" if repeats else "reminder_scheduled", params,
                    {"reminder_id": reminder.id, "due_at": _iso(at), **({"repeat": "not_kept"} if repeats else {})},
                    action="schedule_reminder")

    if ctx.weak or not strong:
        return Confirm("schedule_reminder", ctx.summary("reminder", customer=customer.name, due_at=at), execute, cmd)
    return await execute(ctx.key)


async def _find(cmd: CancelReminder | ModifyReminder, ctx: HandlerContext) -> tuple[Reminder | None, str]:
    """The one scheduled reminder meant (by customer, else by the old time), and the customer's name."""
    customer_id: int | None = None
    name = ""
    if cmd.customer is not None or ctx.chosen is not None:
        customer, _ = await ctx.customer(cmd.customer)
        customer_id, name = customer.id, customer.name
    reminders = await ctx.books.list_reminders(ctx.shop_id, customer_id=customer_id, status="scheduled")
    old = getattr(cmd, "old_at", None)
    if old is not None:
        reminders = [r for r in reminders if _same_time(r.due_at, old)]
    if customer_id is None and old is None and len(reminders) != 1:
        return None, name
    if not reminders:
        return None, name
    reminders.sort(key=lambda r: r.due_at)
    if not name:
        name = (await ctx.books.get_customer(ctx.shop_id, reminders[0].customer_id)).name
    return reminders[0], name


async def cancel_reminder(cmd: CancelReminder, ctx: HandlerContext) -> Result:
    reminder, name = await _find(cmd, ctx)
    if reminder is None:
        return Done("reminder_not_found", {"customer": name} if name else {}, {"error": "reminder_not_found"})
    found = reminder

    async def execute(key: str) -> Done:
        cancelled = await ctx.books.cancel_reminder(ctx.shop_id, found.id, idempotency_key=key)
        return Done("reminder_cancelled", {"customer": name}, {"reminder_id": cancelled.id,
                                                               "status": cancelled.status}, action="cancel_reminder")

    return Confirm("cancel_reminder", ctx.summary("reminder_cancel", customer=name), execute, cmd)


async def modify_reminder(cmd: ModifyReminder, ctx: HandlerContext) -> Result:
    reminder, name = await _find(cmd, ctx)
    if reminder is None:
        return Done("reminder_not_found", {"customer": name} if name else {}, {"error": "reminder_not_found"})
    if cmd.at is None:
        return Question("ask_when", "when", cmd, {"customer": name})
    found, at = reminder, cmd.at

    async def execute(key: str) -> Done:
        moved = await ctx.books.reschedule_reminder(ctx.shop_id, found.id, at, idempotency_key=key)
        return Done("reminder_modified", {"customer": name, "due_at": moved.due_at, "now": ctx.now()},
                    {"reminder_id": moved.id, "due_at": _iso(moved.due_at)}, action="modify_reminder")

    return Confirm("modify_reminder", ctx.summary("reminder_move", customer=name, due_at=at), execute, cmd)


async def list_reminders(cmd: ListReminders, ctx: HandlerContext) -> Result:
    customer_id = None
    if cmd.customer is not None:
        customer, _ = await ctx.customer(cmd.customer)
        customer_id = customer.id
    reminders = await ctx.books.list_reminders(ctx.shop_id, customer_id=customer_id, status="scheduled")
    reminders.sort(key=lambda r: r.due_at)
    result = {"reminders": [{"id": r.id, "due_at": _iso(r.due_at)} for r in reminders[:LIST_LIMIT]]}
    if not reminders:
        return Done("reminders_none", {}, result, action="list_reminders")
    names = {c.id: c.name for c in await ctx.books.list_customers(ctx.shop_id)}
    entries = [_entry(r, names) for r in reminders[:LIST_LIMIT]]
    return Done("reminders_list", {"entries": entries, "count": len(reminders), "now": ctx.now()}, result,
                action="list_reminders")


def _entry(r: Reminder, names: dict[int, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"customer": names.get(r.customer_id, ""), "due_at": r.due_at}
    if r.amount_paise is not None:
        entry["amount_paise"] = r.amount_paise
    return entry




def _same_time(due: datetime, said: datetime) -> bool:
    """"5 baje wala": within AROUND of the spoken moment, or at that clock time on a 12-hour dial
    (a reminder at 17:00 is the "5 baje" one whatever day it falls on)."""
    if abs(due - said) <= AROUND:
        return True
    a, b = due.astimezone(IST), said.astimezone(IST)
    return a.hour % 12 == b.hour % 12 and a.minute == b.minute


def _iso(at: datetime) -> str:
    """Times in results read in shop time (+05:30), as the shopkeeper heard them."""
    return at.astimezone(IST).isoformat()
