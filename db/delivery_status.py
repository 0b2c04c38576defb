"""Status callbacks for documents and entry notes (tagged `document:<id>` / `entry_note:<id>`).

Found by wamid, or by the callback data when the send's answer was lost (the
row is `unknown` without a wamid: the callback attaches it). Rows move only
forward (`business.reminders.advance_delivery`: sent < delivered < read,
failed beats anything below read). Takes the webhook's connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg

from business import reminders as rules

if TYPE_CHECKING:
    from db.whatsapp_status import StatusEvent

_TABLES = {"document": "documents", "entry_note": "entry_notes"}


def _hint(callback_data: str | None) -> tuple[str, int] | None:
    prefix, _, tail = (callback_data or "").partition(":")
    if prefix in _TABLES and tail.isdigit():
        return _TABLES[prefix], int(tail)
    return None


async def advance_delivery_row(conn: asyncpg.Connection, event: StatusEvent) -> str | None:
    """Move the document or entry note this event is about; the table it touched, or None."""
    hint = _hint(event.callback_data)
    tables = [hint[0]] if hint else list(_TABLES.values())
    for table in tables:
        row = await conn.fetchrow(f"SELECT id, status FROM {table} WHERE wamid = $1 FOR UPDATE", event.wamid)
        if row is None and hint is not None:
            row = await conn.fetchrow(
                f"""UPDATE {table} SET wamid = $2 WHERE id = $1 AND wamid IS NULL AND status IN ('unknown', 'sending')
                    RETURNING id, status""",
                hint[1], event.wamid,
            )
        if row is None:
            continue
        new = rules.advance_delivery(row["status"], event.status)
        if new is not None:
            await conn.execute(
                f"""UPDATE {table} SET status = $2,
                          delivered_at = CASE WHEN $2 IN ('delivered', 'read')
                                              THEN COALESCE(delivered_at, $3, now()) ELSE delivered_at END,
                          read_at = CASE WHEN $2 = 'read' THEN COALESCE($3, now()) ELSE read_at END,
                          error = CASE WHEN $2 = 'failed' THEN concat_ws(': ', $4::text, $5::text) ELSE error END
                    WHERE id = $1""",
                row["id"], new, event.occurred_at, event.error_code, event.error_title,
            )
        return table
    return None
