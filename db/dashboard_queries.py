"""Read-only queries the operators' dashboard needs beyond `db.calls` and `Books`.

Turn counts for a page of calls (one query, not one per call), and the shop's
current API-key hash, so a dashboard session dies when the key is re-issued.
Nothing here writes; rows leave as plain values. Each function takes a
connection, like the rest of `db/`: the caller owns it (and any transaction).
"""

from __future__ import annotations

from collections.abc import Sequence

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
