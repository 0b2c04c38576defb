"""SQL for sending reminders and recording WhatsApp status callbacks.

Functions take a connection and never commit: the reminder job and the
webhook own their transactions. The reminder row is the truth about whether
a message went out; Redis only says when to look.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

# Status ranks for WhatsApp delivery: a reminder's status only moves forward.
DELIVERY_RANK = {"sending": 0, "unknown": 0, "sent": 1, "delivered": 2, "read": 3}


def advance_delivery(current: str, incoming: str) -> str | None:
    """The reminder status after a WhatsApp status callback, or None to leave it.

    sent < delivered < read; `failed` beats anything below `read`; `read` and
    `failed` are final. Statuses we do not track (e.g. "deleted") change nothing.
    """
    if current in ("read", "failed") or current not in DELIVERY_RANK:
        return None
    if incoming == "failed":
        return "failed"
    if incoming not in DELIVERY_RANK or DELIVERY_RANK[incoming] <= DELIVERY_RANK[current]:
        return None
    return incoming


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value:
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return {}


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
    shop_settings: dict[str, Any]


async def lock_for_send(conn: asyncpg.Connection, reminder_id: int) -> ReminderForSend | None:
    """Lock the reminder row (FOR UPDATE) and read its customer and shop."""
    row = await conn.fetchrow(
        """SELECT r.id, r.shop_id, r.customer_id, r.status, r.due_at, r.amount_paise, r.attempts,
                  c.name AS customer_name, c.phone, c.whatsapp_opt_in, c.balance_paise,
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
        shop_settings=_as_dict(row["shop_settings"]),
    )


async def mark_sending(conn: asyncpg.Connection, reminder_id: int, amount_paise: int, now: datetime) -> None:
    await conn.execute(
        """UPDATE reminders
              SET status = 'sending', sending_at = $2, message_amount_paise = $3,
                  attempts = attempts + 1, updated_at = $2
            WHERE id = $1 AND status = 'scheduled'""",
        reminder_id,
        now,
        amount_paise,
    )


async def postpone(conn: asyncpg.Connection, reminder_id: int, due_at: datetime, reason: str) -> None:
    """Quiet hours: keep it scheduled, due at `due_at`."""
    await conn.execute(
        """UPDATE reminders SET due_at = $2, last_error = $3, updated_at = now()
            WHERE id = $1 AND status = 'scheduled'""",
        reminder_id,
        due_at,
        reason,
    )


async def finish_unsent(
    conn: asyncpg.Connection, reminder_id: int, status: str, code: str | None, title: str | None
) -> None:
    """scheduled/sending -> skipped_paid or failed, with the reason."""
    await conn.execute(
        """UPDATE reminders
              SET status = $2, error_code = $3, error_title = $4,
                  last_error = concat_ws(': ', $3::text, $4::text), updated_at = now()
            WHERE id = $1 AND status IN ('scheduled', 'sending')""",
        reminder_id,
        status,
        code,
        title,
    )


async def back_to_scheduled(conn: asyncpg.Connection, reminder_id: int, error: str) -> None:
    """Nothing was sent (connection refused, 429, 5xx): let the retry try again."""
    await conn.execute(
        """UPDATE reminders SET status = 'scheduled', sending_at = NULL, last_error = $2, updated_at = now()
            WHERE id = $1 AND status = 'sending'""",
        reminder_id,
        error,
    )


async def mark_unknown(conn: asyncpg.Connection, reminder_id: int, error: str) -> bool:
    """The API may have sent it: never resend; the status webhook reconciles."""
    result = await conn.execute(
        """UPDATE reminders SET status = 'unknown', last_error = $2, updated_at = now()
            WHERE id = $1 AND status = 'sending'""",
        reminder_id,
        error,
    )
    return bool(result.endswith(" 1"))


async def mark_sent(conn: asyncpg.Connection, reminder_id: int, wamid: str, now: datetime) -> str:
    """Store the wamid and move to sent, then replay status callbacks that came first.

    Returns the reminder's status afterwards.
    """
    status = await conn.fetchval(
        """UPDATE reminders
              SET whatsapp_message_id = COALESCE(whatsapp_message_id, $2),
                  sent_at = COALESCE(sent_at, $3),
                  status = CASE WHEN status IN ('sending', 'unknown') THEN 'sent' ELSE status END,
                  last_error = NULL, updated_at = $3
            WHERE id = $1
        RETURNING status""",
        reminder_id,
        wamid,
        now,
    )
    events = await conn.fetch(
        "SELECT status, error_code, error_title, occurred_at FROM whatsapp_status_events WHERE wamid = $1 ORDER BY id",
        wamid,
    )
    await conn.execute(
        "UPDATE whatsapp_status_events SET reminder_id = $2 WHERE wamid = $1 AND reminder_id IS NULL",
        wamid,
        reminder_id,
    )
    for ev in events:
        status = await _apply_status(
            conn, reminder_id, str(status), ev["status"], ev["error_code"], ev["error_title"], ev["occurred_at"]
        )
    return str(status)


async def _apply_status(
    conn: asyncpg.Connection,
    reminder_id: int,
    current: str,
    incoming: str,
    error_code: str | None,
    error_title: str | None,
    occurred_at: datetime | None,
) -> str:
    new = advance_delivery(current, incoming)
    if new is None:
        return current
    await conn.execute(
        """UPDATE reminders
              SET status = $2,
                  delivered_at = CASE WHEN $2 IN ('delivered', 'read') THEN COALESCE(delivered_at, $5, now())
                                      ELSE delivered_at END,
                  read_at = CASE WHEN $2 = 'read' THEN COALESCE($5, now()) ELSE read_at END,
                  error_code = CASE WHEN $2 = 'failed' THEN $3 ELSE error_code END,
                  error_title = CASE WHEN $2 = 'failed' THEN $4 ELSE error_title END,
                  last_error = CASE WHEN $2 = 'failed' THEN concat_ws(': ', $3::text, $4::text)
                                    ELSE last_error END,
                  sent_at = COALESCE(sent_at, $5, now()),
                  updated_at = now()
            WHERE id = $1""",
        reminder_id,
        new,
        error_code,
        error_title,
        occurred_at,
    )
    return new


@dataclass(frozen=True)
class StatusEvent:
    """One entry of a webhook's `statuses[]`, already validated at the edge."""

    wamid: str
    status: str
    occurred_at: datetime | None = None
    callback_data: str | None = None
    error_code: str | None = None
    error_title: str | None = None
    error_message: str | None = None

    @property
    def reminder_id_hint(self) -> int | None:
        """`reminder:<id>` from biz_opaque_callback_data, when present."""
        data = self.callback_data or ""
        prefix, _, tail = data.partition(":")
        if prefix == "reminder" and tail.isdigit():
            return int(tail)
        return None


async def record_status_event(conn: asyncpg.Connection, event: StatusEvent) -> bool:
    """Store the event once and move its reminder forward. False when a duplicate.

    Call inside a transaction. The reminder is found by wamid, or by the
    `reminder:<id>` callback data when the send's answer was lost (unknown /
    killed worker): then the wamid is attached to it.
    """
    inserted = await conn.fetchval(
        """INSERT INTO whatsapp_status_events
               (wamid, status, callback_data, occurred_at, error_code, error_title, error_message)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (wamid, status) DO NOTHING
           RETURNING id""",
        event.wamid,
        event.status,
        event.callback_data,
        event.occurred_at,
        event.error_code,
        event.error_title,
        event.error_message,
    )
    if inserted is None:
        return False
    row = await conn.fetchrow(
        "SELECT id, status FROM reminders WHERE whatsapp_message_id = $1 FOR UPDATE", event.wamid
    )
    hint = event.reminder_id_hint
    if row is None and hint is not None:
        row = await conn.fetchrow(
            """SELECT id, status FROM reminders
                WHERE id = $1 AND whatsapp_message_id IS NULL
                  AND status IN ('sending', 'unknown', 'sent', 'delivered', 'read', 'failed')
                  FOR UPDATE""",
            hint,
        )
        if row is not None:
            await conn.execute(
                """UPDATE reminders SET whatsapp_message_id = $2,
                          status = CASE WHEN status IN ('sending', 'unknown') THEN 'sent' ELSE status END,
                          sent_at = COALESCE(sent_at, now()), updated_at = now()
                    WHERE id = $1""",
                row["id"],
                event.wamid,
            )
            row = await conn.fetchrow("SELECT id, status FROM reminders WHERE id = $1", row["id"])
    if row is None:
        return True  # unknown wamid: stored, linked later by mark_sent
    await conn.execute("UPDATE whatsapp_status_events SET reminder_id = $2 WHERE id = $1", inserted, row["id"])
    await _apply_status(
        conn, row["id"], row["status"], event.status, event.error_code, event.error_title, event.occurred_at
    )
    return True


async def insert_outbox(
    conn: asyncpg.Connection,
    *,
    shop_id: int,
    reminder_id: int,
    wamid: str,
    to_phone: str,
    template_name: str,
    language: str,
    parameters: list[str],
    payload: dict[str, Any],
) -> str:
    """Store a message in the local outbox (one per reminder); return its wamid.

    Needs a connection from `db.pool.create_pool` (jsonb codec installed)."""
    existing = await conn.fetchval(
        """INSERT INTO whatsapp_outbox
               (shop_id, reminder_id, wamid, to_phone, template_name, language, parameters, payload)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (reminder_id) DO NOTHING
           RETURNING wamid""",
        shop_id,
        reminder_id,
        wamid,
        to_phone,
        template_name,
        language,
        parameters,
        payload,
    )
    if existing is None:
        existing = await conn.fetchval("SELECT wamid FROM whatsapp_outbox WHERE reminder_id = $1", reminder_id)
    return str(existing)


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    reminder_id: int | None
    wamid: str
    to_phone: str
    template_name: str
    language: str
    parameters: list[str]
    created_at: datetime
    reminder_status: str | None


async def list_outbox(
    conn: asyncpg.Connection, shop_id: int, limit: int = 50, before_id: int | None = None
) -> list[OutboxMessage]:
    """The shop's outbox, newest first."""
    rows = await conn.fetch(
        """SELECT o.id, o.reminder_id, o.wamid, o.to_phone, o.template_name, o.language, o.parameters,
                  o.created_at, r.status AS reminder_status
             FROM whatsapp_outbox o
             LEFT JOIN reminders r ON r.id = o.reminder_id
            WHERE o.shop_id = $1 AND ($2::bigint IS NULL OR o.id < $2)
            ORDER BY o.id DESC
            LIMIT $3""",
        shop_id,
        before_id,
        limit,
    )
    out = []
    for r in rows:
        params = r["parameters"]
        if isinstance(params, str):
            params = json.loads(params)
        out.append(
            OutboxMessage(
                id=r["id"],
                reminder_id=r["reminder_id"],
                wamid=r["wamid"],
                to_phone=r["to_phone"],
                template_name=r["template_name"],
                language=r["language"],
                parameters=[str(p) for p in params],
                created_at=r["created_at"],
                reminder_status=r["reminder_status"],
            )
        )
    return out


async def due_scheduled(conn: asyncpg.Connection, before: datetime, limit: int = 500) -> list[tuple[int, datetime]]:
    """Scheduled reminders already due before `before` (sweep candidates)."""
    rows = await conn.fetch(
        """SELECT id, due_at FROM reminders
            WHERE status = 'scheduled' AND due_at <= $1
            ORDER BY due_at LIMIT $2""",
        before,
        limit,
    )
    return [(r["id"], r["due_at"]) for r in rows]


async def expire_stale_sending(conn: asyncpg.Connection, started_before: datetime) -> list[int]:
    """Reminders stuck in `sending` since before `started_before` (their worker died
    mid-send): mark them unknown, never resend. Returns their ids."""
    rows = await conn.fetch(
        """UPDATE reminders
              SET status = 'unknown', last_error = 'worker stopped while sending', updated_at = now()
            WHERE status = 'sending' AND sending_at < $1
        RETURNING id""",
        started_before,
    )
    return [r["id"] for r in rows]
