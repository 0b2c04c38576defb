"""Read-only queries the operators' dashboard needs beyond `db.calls` and `Books`.

Turn counts for a page of calls (one query, not one per call), the shop's current
API-key hash, and the turns that booked a customer's entries (for the khata's links).
Nothing here writes; rows leave as plain values. Each function takes a
connection, like the rest of `db/`: the caller owns it (and any transaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg


async def turn_counts(conn: asyncpg.Connection, call_ids: Sequence[int]) -> dict[int, int]:
    """Turns recorded per call id (calls without turns are absent)."""
    if not call_ids:
        return {}
    rows = await conn.fetch(
        "SELECT call_id, count(*) AS n FROM call_turns WHERE call_id = ANY($1::bigint[]) GROUP BY call_id",
        list(call_ids),
    )
    return {int(r["call_id"]): int(r["n"]) for r in rows}


async def shop_api_key_hash(conn: asyncpg.Connection, shop_id: int) -> str | None:
    """The stored hash of the shop's current API key (None: no such shop)."""
    value = await conn.fetchval("SELECT api_key_hash FROM shops WHERE id = $1", shop_id)
    return str(value) if value is not None else None


async def turns_for_customer(
    conn: asyncpg.Connection, shop_id: int, customer_id: int, limit: int = 2000
) -> list[tuple[str, int, dict[str, Any]]]:
    """(call_sid, turn_no, result) of the shop's turns whose result names this customer
    (alone or among several commands), oldest first: the khata links entries to them."""
    rows = await conn.fetch(
        """SELECT c.call_sid, t.turn_no, t.result FROM call_turns t JOIN calls c ON c.id = t.call_id
           WHERE c.shop_id = $1 AND t.result IS NOT NULL
             AND (t.result ->> 'customer_id' = $2::bigint::text
                  OR jsonb_path_exists(t.result, '$.commands[*] ? (@.customer_id == $cid)',
                                       jsonb_build_object('cid', $2::bigint)))
           ORDER BY t.id LIMIT $3""",
        shop_id, customer_id, limit,
    )
    return [(str(r["call_sid"]), int(r["turn_no"]), dict(r["result"])) for r in rows]
