"""SQL for the reminder job's fire-time steps and the sweep.

Functions take a connection and never commit: the reminder job owns the
transaction. Each UPDATE applies one `business.reminders` transition and is
guarded by its "from" statuses, so a row only moves the way the rules allow.
The reminder row is the truth about whether a message went out; Redis only
says when to look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from business import reminders as rules
from business import shop_settings
from business.shop_settings import ShopSettings
from db.whatsapp_status import replay_status_events


@dataclass(frozen=True)
class ReminderForSend:
    """A locked reminder with what the fire-time checks and the message need."""

    id: int
    shop_id: int
    customer_id: int
    status: str
    due_at: datetime
    amount_paise: int | None
    attempts: int
    customer_name: str
    phone: str | None
    opted_in: bool
    balance_paise: int
    shop_name: str
    shop_settings: ShopSettings
    phone_confirmed: bool = True


async def lock_for_send(conn: asyncpg.Connection, reminder_id: int) -> ReminderForSend | None:
    """Lock the reminder row (FOR UPDATE) and read its customer and shop."""
    row = await conn.fetchrow(
        """SELECT r.id, r.shop_id, r.customer_id, r.status, r.due_at, r.amount_paise, r.attempts,
                  c.name AS customer_name, c.phone, c.whatsapp_opt_in, c.balance_paise, c.phone_confirmed,
                  s.name AS shop_name, s.settings AS shop_settings
             FROM reminders r
             JOIN customers c ON c.id = r.customer_id
             JOIN shops s ON s.id = r.shop_id
            WHERE r.id = $1
              FOR UPDATE OF r""",
        reminder_id,
    )
    if row is None:
        return None
    return ReminderForSend(
        id=row["id"],
        shop_id=row["shop_id"],
        customer_id=row["customer_id"],
        status=row["status"],
        due_at=row["due_at"],
        amount_paise=row["amount_paise"],
        attempts=row["attempts"],
        customer_name=row["customer_name"],
        phone=row["phone"],
        opted_in=row["whatsapp_opt_in"],
        balance_paise=row["balance_paise"],
        shop_name=row["shop_name"],
        shop_settings=shop_settings.load(row["shop_settings"]),
        phone_confirmed=row["phone_confirmed"],
    )


async def mark_sending(conn: asyncpg.Connection, reminder_id: int, amount_paise: int, now: datetime) -> None:
    """scheduled -> sending (CLAIM), with the amount the message asks for."""
    await conn.execute(
        """UPDATE reminders
              SET status = $4, sending_at = $2, message_amount_paise = $3,
                  attempts = attempts + 1, updated_at = $2
            WHERE id = $1 AND status = ANY($5::text[])""",
        reminder_id,
        now,
        amount_paise,
        rules.CLAIM.to,
        list(rules.CLAIM.from_statuses),
    )


async def postpone(conn: asyncpg.Connection, reminder_id: int, due_at: datetime, reason: str) -> None:
    """Quiet hours: keep it scheduled, due at `due_at` (POSTPONE)."""
    await conn.execute(
        """UPDATE reminders SET status = $4, due_at = $2, last_error = $3, updated_at = now()
            WHERE id = $1 AND status = ANY($5::text[])""",
        reminder_id,
        due_at,
        reason,
        rules.POSTPONE.to,
        list(rules.POSTPONE.from_statuses),
    )


async def finish_unsent(
    conn: asyncpg.Connection, reminder_id: int, transition: rules.Transition, code: str | None, title: str | None
) -> None:
    """Not sent and not to be: SKIP_PAID or FAIL, with the reason."""
    await conn.execute(
        """UPDATE reminders
              SET status = $2, error_code = $3, error_title = $4,
                  last_error = concat_ws(': ', $3::text, $4::text), updated_at = now()
            WHERE id = $1 AND status = ANY($5::text[])""",
        reminder_id,
        transition.to,
        code,
        title,
        list(transition.from_statuses),
    )


async def back_to_scheduled(conn: asyncpg.Connection, reminder_id: int, error: str) -> None:
    """Nothing was sent (connection refused, 429, 5xx): let the retry try again (RETRY)."""
    await conn.execute(
        """UPDATE reminders SET status = $3, sending_at = NULL, last_error = $2, updated_at = now()
            WHERE id = $1 AND status = ANY($4::text[])""",
        reminder_id,
        error,
        rules.RETRY.to,
        list(rules.RETRY.from_statuses),
    )


async def mark_unknown(conn: asyncpg.Connection, reminder_id: int, error: str) -> bool:
    """The API may have sent it: never resend; the status webhook reconciles (LOSE)."""
    result = await conn.execute(
        """UPDATE reminders SET status = $3, last_error = $2, updated_at = now()
            WHERE id = $1 AND status = ANY($4::text[])""",
        reminder_id,
        error,
        rules.LOSE.to,
        list(rules.LOSE.from_statuses),
    )
    return bool(result.endswith(" 1"))


async def mark_sent(conn: asyncpg.Connection, reminder_id: int, wamid: str, now: datetime) -> str:
    """Store the wamid and move to sent (ACCEPT), then replay status callbacks that came first.

    Returns the reminder's status afterwards.
    """
    status = await conn.fetchval(
        """UPDATE reminders
              SET whatsapp_message_id = COALESCE(whatsapp_message_id, $2),
                  sent_at = COALESCE(sent_at, $3),
                  status = CASE WHEN status = ANY($5::text[]) THEN $4 ELSE status END,
                  last_error = NULL, updated_at = $3
            WHERE id = $1
        RETURNING status""",
        reminder_id,
        wamid,
        now,
        rules.ACCEPT.to,
        list(rules.ACCEPT.from_statuses),
    )
    return await replay_status_events(conn, reminder_id, wamid, str(status))


async def due_scheduled(conn: asyncpg.Connection, before: datetime, limit: int = 500) -> list[tuple[int, datetime]]:
    """Reminders a job may still claim, already due before `before` (sweep candidates)."""
    rows = await conn.fetch(
        """SELECT id, due_at FROM reminders
            WHERE status = ANY($3::text[]) AND due_at <= $1
            ORDER BY due_at LIMIT $2""",
        before,
        limit,
        list(rules.CLAIM.from_statuses),
    )
    return [(r["id"], r["due_at"]) for r in rows]


async def expire_stale_sending(conn: asyncpg.Connection, started_before: datetime) -> list[int]:
    """Reminders stuck in `sending` since before `started_before` (their worker died
    mid-send): LOSE them (unknown), never resend. Returns their ids."""
    rows = await conn.fetch(
        """UPDATE reminders
              SET status = $2, last_error = 'worker stopped while sending', updated_at = now()
            WHERE status = ANY($3::text[]) AND sending_at < $1
        RETURNING id""",
        started_before,
        rules.LOSE.to,
        list(rules.LOSE.from_statuses),
    )
    return [r["id"] for r in rows]


async def sends_since(conn: asyncpg.Connection, shop_id: int, since: datetime) -> int:
    """Reminders of this shop handed to WhatsApp (or the outbox) since `since`: the daily cap's count."""
    return int(await conn.fetchval(
        "SELECT count(*) FROM reminders WHERE shop_id = $1 AND sending_at >= $2", shop_id, since
    ))
