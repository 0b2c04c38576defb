"""What operators corrected from calls' turns (`turn_corrections`, migration 0090).

The reversal itself is the books' own (`Books.cancel_invoice`: reversal ledger and stock
entries); this table says which turn it came from, who did it and why. Every function
takes a connection: the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True)
class Correction:
    id: int
    call_id: int
    turn_no: int
    target: str  # 'invoice:123'
    kind: str  # 'reverse_invoice'
    operator_email: str
    reason: str
    details: dict[str, Any]
    created_at: datetime


_COLUMNS = "id, call_id, turn_no, target, kind, operator_email, reason, details, created_at"


async def record_correction(
    conn: asyncpg.Connection, *, shop_id: int, call_id: int, turn_no: int, target: str, kind: str,
    operator_id: int, operator_email: str, reason: str, details: dict[str, Any],
) -> bool:
    """Write it once per target; False when that target was already corrected."""
    row = await conn.fetchrow(
        """INSERT INTO turn_corrections
               (shop_id, call_id, turn_no, target, kind, operator_id, operator_email, reason, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (shop_id, target) DO NOTHING RETURNING 1""",
        shop_id, call_id, turn_no, target, kind, operator_id, operator_email, reason, details,
    )
    return row is not None


async def for_call(conn: asyncpg.Connection, call_id: int) -> list[Correction]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM turn_corrections WHERE call_id = $1 ORDER BY created_at, id", call_id
    )
    return [Correction(**{**dict(r), "details": dict(r["details"] or {})}) for r in rows]


async def for_targets(conn: asyncpg.Connection, shop_id: int, targets: list[str]) -> dict[str, Correction]:
    """The corrections of these targets ('invoice:N'), by target."""
    if not targets:
        return {}
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM turn_corrections WHERE shop_id = $1 AND target = ANY($2::text[])",
        shop_id, targets,
    )
    return {r["target"]: Correction(**{**dict(r), "details": dict(r["details"] or {})}) for r in rows}
