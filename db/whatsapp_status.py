"""SQL for WhatsApp status callbacks: store each event once, move its reminder forward.

Functions take a connection and never commit: the webhook (and the reminder
job, replaying events that came before the send's answer) own the
transaction. Which way a status may move is `business.reminders.advance_delivery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from business import reminders as rules
from db.delivery_status import advance_delivery_row


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
        row = await _attach_wamid(conn, hint, event.wamid)
        if row is None:
            # Another callback for this wamid attached it while we waited for the row's lock: the
            # row now carries the wamid (READ COMMITTED: this statement sees that commit).
            row = await conn.fetchrow(
                "SELECT id, status FROM reminders WHERE whatsapp_message_id = $1 FOR UPDATE", event.wamid
            )
    if row is None and hint is None and await advance_delivery_row(conn, event) is not None:
        return True  # a document or an entry note (document:<id> / entry_note:<id>)
    if row is None:
        return True  # unknown wamid: stored, linked later by mark_sent
    await conn.execute("UPDATE whatsapp_status_events SET reminder_id = $2 WHERE id = $1", inserted, row["id"])
    await _apply_status(
        conn, row["id"], row["status"], event.status, event.error_code, event.error_title, event.occurred_at
    )
    return True


async def _attach_wamid(conn: asyncpg.Connection, reminder_id: int, wamid: str) -> asyncpg.Record | None:
    """A callback names a reminder whose send's answer was lost: give it the wamid (ACCEPT)."""
    row = await conn.fetchrow(
        """SELECT id, status FROM reminders
            WHERE id = $1 AND whatsapp_message_id IS NULL AND status = ANY($2::text[])
              FOR UPDATE""",
        reminder_id,
        list(rules.HANDED_OVER),
    )
    if row is None:
        return None
    await conn.execute(
        """UPDATE reminders SET whatsapp_message_id = $2,
                  status = CASE WHEN status = ANY($4::text[]) THEN $3 ELSE status END,
                  sent_at = COALESCE(sent_at, now()), updated_at = now()
            WHERE id = $1""",
        row["id"],
        wamid,
        rules.ACCEPT.to,
        list(rules.ACCEPT.from_statuses),
    )
    return await conn.fetchrow("SELECT id, status FROM reminders WHERE id = $1", row["id"])


async def replay_status_events(conn: asyncpg.Connection, reminder_id: int, wamid: str, status: str) -> str:
    """Apply the callbacks stored for `wamid` before the reminder knew it; returns its status after."""
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
            conn, reminder_id, status, ev["status"], ev["error_code"], ev["error_title"], ev["occurred_at"]
        )
    return status


async def _apply_status(
    conn: asyncpg.Connection,
    reminder_id: int,
    current: str,
    incoming: str,
    error_code: str | None,
    error_title: str | None,
    occurred_at: datetime | None,
) -> str:
    new = rules.advance_delivery(current, incoming)
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
