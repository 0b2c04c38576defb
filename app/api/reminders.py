"""/api/reminders: schedule, list and cancel payment reminders (rows; a worker sends them)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.schemas import MAX_ID, ReminderIn, ReminderOut, reminder_view
from business.models import REMINDER_STATUSES

router = APIRouter(prefix="/reminders", tags=["reminders"])

_STATUS_PATTERN = "^(" + "|".join(REMINDER_STATUSES) + ")$"


@router.get("", response_model=list[ReminderOut], summary="Reminders, newest due first")
async def list_reminders(
    request: Request, shop: ShopDep,
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[str | None, Query(pattern=_STATUS_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    reminders = await request.app.state.books.list_reminders(
        shop.id, customer_id=customer_id, status=status, limit=limit
    )
    return [reminder_view(r) for r in reminders]


@router.post("", response_model=ReminderOut, status_code=201, summary="Schedule a WhatsApp payment reminder")
async def schedule_reminder(
    request: Request, shop: ShopDep, body: ReminderIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    reminder = await request.app.state.books.schedule_reminder(
        shop.id, body.customer_id, body.due_at, body.amount_paise, idempotency_key=idempotency_key
    )
    return reminder_view(reminder)


@router.post("/{reminder_id}/cancel", response_model=ReminderOut, summary="Cancel a scheduled reminder")
async def cancel_reminder(
    request: Request, shop: ShopDep, reminder_id: Annotated[int, Path(ge=1, le=MAX_ID)], idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    reminder = await request.app.state.books.cancel_reminder(shop.id, reminder_id, idempotency_key=idempotency_key)
    return reminder_view(reminder)
