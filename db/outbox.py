"""SQL for the local WhatsApp outbox: where reminders go when no WhatsApp account is set up.

Functions take a connection and never commit; the reminder job writes the
message in the transaction that claims the reminder, the API lists it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


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


async def insert_owner_notice_outbox(
    conn: asyncpg.Connection, *, shop_id: int, owner_notice_id: int, wamid: str, to_phone: str,
    template_name: str, language: str, parameters: list[str], payload: dict[str, Any],
) -> str:
    """Store an owner notice in the local outbox (one per notice); return its wamid."""
    existing = await conn.fetchval(
        """INSERT INTO whatsapp_outbox
               (shop_id, owner_notice_id, wamid, to_phone, template_name, language, parameters, payload)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (owner_notice_id) DO NOTHING
           RETURNING wamid""",
        shop_id, owner_notice_id, wamid, to_phone, template_name, language, parameters, payload,
    )
    if existing is None:
        existing = await conn.fetchval(
            "SELECT wamid FROM whatsapp_outbox WHERE owner_notice_id = $1", owner_notice_id
        )
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
