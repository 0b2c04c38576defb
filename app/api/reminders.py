"""/api/reminders: schedule, list and cancel payment reminders (rows; a worker sends them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, Field, model_validator

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.deps import BooksDep
from app.api.schemas import MAX_DATE, MAX_ID, MIN_DATE, Body, Id, Out, Paise, Timestamp
from business.models import REMINDER_STATUSES

router = APIRouter(prefix="/reminders", tags=["reminders"])

_STATUS_PATTERN = "^(" + "|".join(REMINDER_STATUSES) + ")$"


class ReminderIn(Body):
    customer_id: Id
    due_at: AwareDatetime = Field(examples=["2026-12-01T10:00:00+05:30"])
    amount_paise: Paise | None = None

    @model_validator(mode="after")
    def _plausible_date(self) -> ReminderIn:
        if not MIN_DATE <= self.due_at.date() <= MAX_DATE:
            raise ValueError(f"due_at must fall between {MIN_DATE} and {MAX_DATE}")
        return self


class ReminderOut(Out):
    """A `business.models.Reminder`."""

    id: int
    customer_id: int
    amount_paise: int | None
    due_at: Timestamp = Field(description="ISO 8601 with offset")
    status: str
    whatsapp_message_id: str | None
    attempts: int
    last_error: str | None
    sent_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


@router.get("", summary="Reminders, newest due first")
async def list_reminders(
    books: BooksDep, shop: ShopDep,
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[str | None, Query(pattern=_STATUS_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ReminderOut]:
    reminders = await books.list_reminders(shop.id, customer_id=customer_id, status=status, limit=limit)
    return [ReminderOut.model_validate(r) for r in reminders]


@router.post("", status_code=201, summary="Schedule a WhatsApp payment reminder")
async def schedule_reminder(
    books: BooksDep, shop: ShopDep, body: ReminderIn, idempotency_key: IdempotencyKeyDep
) -> ReminderOut:
    reminder = await books.schedule_reminder(
        shop.id, body.customer_id, body.due_at, body.amount_paise, idempotency_key=idempotency_key
    )
    return ReminderOut.model_validate(reminder)


@router.post("/{reminder_id}/cancel", summary="Cancel a scheduled reminder")
async def cancel_reminder(
    books: BooksDep, shop: ShopDep, reminder_id: Annotated[int, Path(ge=1, le=MAX_ID)], idempotency_key: IdempotencyKeyDep
) -> ReminderOut:
    reminder = await books.cancel_reminder(shop.id, reminder_id, idempotency_key=idempotency_key)
    return ReminderOut.model_validate(reminder)
