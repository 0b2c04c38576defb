"""Entry disputes: stored by the WhatsApp webhook, read by the dashboard, told by the greeting.

`record_dispute` takes the webhook's connection (the caller owns the
transaction); `PgDisputeRepository` runs inside a unit of work.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from business.disputes import Dispute, NewDispute

_SELECT = """SELECT d.id, d.shop_id, d.customer_id, c.name AS customer_name, d.ledger_entry_id,
                    e.kind AS entry_kind, e.amount_paise, e.created_at AS entry_at, d.created_at, d.told_at
               FROM entry_disputes d
               JOIN customers c ON c.id = d.customer_id
               JOIN ledger_entries e ON e.id = d.ledger_entry_id"""


def _dispute(r: asyncpg.Record) -> Dispute:
    return Dispute(
        id=r["id"], shop_id=r["shop_id"], customer_id=r["customer_id"], customer_name=r["customer_name"],
        ledger_entry_id=r["ledger_entry_id"], entry_kind=r["entry_kind"], amount_paise=r["amount_paise"],
        entry_at=r["entry_at"], created_at=r["created_at"], told_at=r["told_at"],
    )


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


async def record_dispute(conn: asyncpg.Connection, new: NewDispute) -> tuple[bool, int | None]:
    """Store the dispute against the entry whose note has wamid `note_wamid`: (the reply answers
    one of this sender's notes, the new dispute's id or None when the entry was disputed already)."""
    note = await conn.fetchrow(
        "SELECT id, shop_id, customer_id, ledger_entry_id, to_phone FROM entry_notes WHERE wamid = $1",
        new.note_wamid,
    )
    if note is None or _digits(note["to_phone"]) != _digits(new.from_phone):
        return False, None
    dispute_id = await conn.fetchval(
        """INSERT INTO entry_disputes (shop_id, customer_id, ledger_entry_id, entry_note_id, message_id, body)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING RETURNING id""",
        note["shop_id"], note["customer_id"], note["ledger_entry_id"], note["id"], new.message_id, new.body[:500],
    )
    return True, (int(dispute_id) if dispute_id is not None else None)


async def disputes_for_customer(conn: asyncpg.Connection, shop_id: int, customer_id: int) -> list[Dispute]:
    """A customer's disputes, newest first (the dashboard's khata page)."""
    rows = await conn.fetch(
        f"{_SELECT} WHERE d.shop_id = $1 AND d.customer_id = $2 ORDER BY d.created_at DESC LIMIT 50",
        shop_id, customer_id,
    )
    return [_dispute(r) for r in rows]


class PgDisputeRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def take_untold(self, shop_id: int, at: datetime, limit: int) -> list[Dispute]:
        """The oldest disputes the owner has not heard of, marked told at `at` (row-locked, so two
        calls starting at once do not both tell the same one)."""
        rows = await self._c.fetch(
            f"""{_SELECT} WHERE d.shop_id = $1 AND d.told_at IS NULL
                 ORDER BY d.created_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED""",
            shop_id, limit,
        )
        if rows:
            await self._c.execute(
                "UPDATE entry_disputes SET told_at = $2 WHERE id = ANY($1::bigint[])", [r["id"] for r in rows], at
            )
        return [_dispute(r) for r in rows]
