"""The calls in progress right now, with their turns so far: where the live page starts
before the Redis feed (`telephony.live_calls`) brings what happens next.

A call whose process died without closing its row would stay 'in-progress' until the
sweep closes it; only calls begun within `MAX_CALL_AGE_S` count as live.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from business.turns import CallTurn
from db.calls import _CALL_COLUMNS, CallRow, _turn

MAX_CALL_AGE_S = 2 * 3600
_COLS = ", ".join(f"c.{name.strip()}" for name in _CALL_COLUMNS.split(","))


@dataclass(frozen=True)
class LiveCall:
    call: CallRow
    turns: tuple[CallTurn, ...]


async def calls_in_progress(
    conn: asyncpg.Connection, shop_ids: tuple[int, ...] | None, *, limit: int = 100
) -> list[LiveCall]:
    """Open calls of these shops (None: every shop), newest first, each with its stored turns."""
    rows = await conn.fetch(
        f"""SELECT {_COLS} FROM calls c
            WHERE c.status = 'in-progress' AND c.ended_at IS NULL AND c.shop_id IS NOT NULL
              AND c.started_at > now() - make_interval(secs => $2)
              AND ($1::bigint[] IS NULL OR c.shop_id = ANY($1::bigint[]))
            ORDER BY c.started_at DESC, c.id DESC LIMIT {int(limit)}""",
        list(shop_ids) if shop_ids is not None else None, float(MAX_CALL_AGE_S),
    )
    calls = [CallRow(**dict(r)) for r in rows]
    if not calls:
        return []
    turn_rows = await conn.fetch(
        """SELECT call_id, turn_no, source, heard, intent, entities, action, result, reply, confidence,
                  timings, created_at
           FROM call_turns WHERE call_id = ANY($1::bigint[]) ORDER BY call_id, turn_no""",
        [c.id for c in calls],
    )
    by_call: dict[int, list[CallTurn]] = {}
    for r in turn_rows:
        fields = dict(r)
        by_call.setdefault(int(fields.pop("call_id")), []).append(_turn_of(fields))
    return [LiveCall(call=c, turns=tuple(by_call.get(c.id, []))) for c in calls]


def _turn_of(fields: dict[str, object]) -> CallTurn:
    return _turn(fields)  # type: ignore[arg-type]  # a dict stands in for the Record: same keys
