"""Owner notices: written with the event that caused them, delivered by a worker job."""

from __future__ import annotations

import json
from datetime import datetime

import asyncpg

from business import shop_settings
from business.owner_notices import NewOwnerNotice, OwnerNotice
from business.shop_settings import ShopSettings


class PgOwnerNoticeRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(self, notice: NewOwnerNotice, created_at: datetime) -> int | None:
        """Store the notice for the shop's owner phone; None when the shop has no owner
        phone or this (kind, bucket) was already noticed (the owner hears once an hour)."""
        notice_id = await self._c.fetchval(
            """INSERT INTO owner_notices (shop_id, kind, bucket, to_phone, parameters, created_at)
               SELECT $1, $2, $3, p.phone, $4::jsonb, $5
                 FROM shop_phones p WHERE p.shop_id = $1 AND p.role = 'owner'
                ORDER BY p.phone LIMIT 1
               ON CONFLICT (shop_id, kind, bucket) DO NOTHING
               RETURNING id""",
            notice.shop_id, notice.kind, notice.bucket, json.dumps(list(notice.parameters)), created_at,
        )
        return int(notice_id) if notice_id is not None else None


async def lock_pending(conn: asyncpg.Connection, notice_id: int) -> tuple[OwnerNotice, ShopSettings] | None:
    """The notice (row-locked) and its shop's settings while it is still pending (None otherwise)."""
    r = await conn.fetchrow(
        """SELECT n.id, n.shop_id, n.kind, n.to_phone, n.parameters, n.status, s.settings AS shop_settings
             FROM owner_notices n JOIN shops s ON s.id = n.shop_id
            WHERE n.id = $1 AND n.status = 'pending' FOR UPDATE OF n""",
        notice_id,
    )
    if r is None:
        return None
    params = r["parameters"]
    if isinstance(params, str):
        params = json.loads(params)
    notice = OwnerNotice(
        id=r["id"], shop_id=r["shop_id"], kind=r["kind"], to_phone=r["to_phone"],
        parameters=tuple(str(p) for p in params), status=r["status"],
    )
    return notice, shop_settings.load(r["shop_settings"])


async def finish(
    conn: asyncpg.Connection, notice_id: int, status: str, *, wamid: str | None = None,
    error: str | None = None, at: datetime,
) -> None:
    await conn.execute(
        "UPDATE owner_notices SET status = $2, wamid = $3, error = $4, sent_at = $5 WHERE id = $1",
        notice_id, status, wamid, error, at,
    )


async def pending_before(conn: asyncpg.Connection, before: datetime) -> list[int]:
    """Pending notices older than `before` (their job was lost): the sweep enqueues them again."""
    rows = await conn.fetch(
        "SELECT id FROM owner_notices WHERE status = 'pending' AND created_at < $1 ORDER BY id", before
    )
    return [int(r["id"]) for r in rows]
