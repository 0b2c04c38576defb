"""Reminder rows (the truth; RQ is only the timer)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from business.models import Reminder
from business.reminders import SKIP_PAID
from db import rows


class PgReminderRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, shop_id: int, customer_id: int, amount_paise: int | None, due_at: datetime, created_at: datetime
    ) -> Reminder:
        r = await self._c.fetchrow(
            """INSERT INTO reminders (shop_id, customer_id, amount_paise, due_at, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $5) RETURNING *""",
            shop_id, customer_id, amount_paise, due_at, created_at,
        )
        return rows.reminder(r)

    async def get(self, shop_id: int, reminder_id: int, *, for_update: bool = False) -> Reminder | None:
        sql = "SELECT * FROM reminders WHERE shop_id = $1 AND id = $2"
        if for_update:
            sql += " FOR UPDATE"
        r = await self._c.fetchrow(sql, shop_id, reminder_id)
        return rows.reminder(r) if r else None

    async def list_all(
        self, shop_id: int, *, customer_id: int | None = None, status: str | None = None, limit: int = 100
    ) -> list[Reminder]:
        return [rows.reminder(r) for r in await self._c.fetch(
            """SELECT * FROM reminders
               WHERE shop_id = $1 AND ($2::bigint IS NULL OR customer_id = $2)
                 AND ($3::text IS NULL OR status = $3)
               ORDER BY due_at DESC, id DESC LIMIT $4""",
            shop_id, customer_id, status, limit)]

    async def set_status(self, reminder_id: int, status: str, at: datetime) -> Reminder:
        r = await self._c.fetchrow(
            "UPDATE reminders SET status = $2, updated_at = $3 WHERE id = $1 RETURNING *", reminder_id, status, at
        )
        return rows.reminder(r)

    async def set_due_at(self, reminder_id: int, due_at: datetime, at: datetime) -> Reminder:
        r = await self._c.fetchrow(
            "UPDATE reminders SET due_at = $2, updated_at = $3 WHERE id = $1 RETURNING *", reminder_id, due_at, at
        )
        return rows.reminder(r)

    async def skip_scheduled_for_customer(self, shop_id: int, customer_id: int, at: datetime) -> list[int]:
        found = await self._c.fetch(
            """UPDATE reminders SET status = $4, updated_at = $3
               WHERE shop_id = $1 AND customer_id = $2 AND status = ANY($5::text[]) RETURNING id""",
            shop_id, customer_id, at, SKIP_PAID.to, list(SKIP_PAID.from_statuses),
        )
        return sorted(r["id"] for r in found)
