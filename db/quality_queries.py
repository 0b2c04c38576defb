"""How the bot is doing, from the stored turns: reply latency per day and per stage, calls
per hour, how often a turn was understood first time, asked again or failed, and the
day's worst calls. Read-only; shop days are Asia/Kolkata days.

A turn's outcome reuses the dashboard search's definitions (`db.call_search.OUTCOMES`):
`failed` wins over `asked`; every other caller turn (booked, read, refused) counts as
understood first time. The bot's own greeting (source 'system') is no caller turn.
Latency is end of the caller's speech to the first reply audio (both stamped on the
call clock in `timings`), as the search's minimum-latency filter reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import asyncpg

from business.shoptime import day_bounds
from db.call_search import OUTCOMES

SHOP_TZ = "Asia/Kolkata"
LATENCY_SQL = "(t.timings ->> 'first_reply_audio')::float8 - (t.timings ->> 'speech_end')::float8"
OUTCOME_SQL = (f"CASE WHEN ({OUTCOMES['failed']}) THEN 'failed' WHEN ({OUTCOMES['asked']}) THEN 'asked'"
               " ELSE 'first_time' END")
SHARE_KINDS = ("first_time", "asked", "failed")
# (label, from stage, to stage) on the call clock; their sum is the reply latency.
STAGES = (
    ("recognise", "speech_end", "transcript_final"),
    ("understand", "transcript_final", "understood"),
    ("act", "understood", "action_done"),
    ("speak", "action_done", "first_reply_audio"),
)


@dataclass(frozen=True)
class Percentiles:
    label: str  # a day (ISO) or a stage name
    turns: int
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class OutcomeShares:
    first_time: int
    asked: int
    failed: int

    @property
    def total(self) -> int:
        return self.first_time + self.asked + self.failed

    def share(self, kind: str) -> float:
        return getattr(self, kind) / self.total if self.total else 0.0


@dataclass(frozen=True)
class WorstCall:
    call_sid: str
    shop_id: int
    started_at: datetime
    turns: int
    slowest_ms: float | None
    asked: int
    failed: int


def _shops(shop_ids: tuple[int, ...] | None) -> list[int] | None:
    return list(shop_ids) if shop_ids is not None else None


async def latency_by_day(
    conn: asyncpg.Connection, shop_ids: tuple[int, ...] | None, day_from: date, day_to: date
) -> list[Percentiles]:
    """p50/p95 reply latency of each shop day from `day_from` to `day_to` (both included) that had timed turns."""
    rows = await conn.fetch(
        f"""SELECT (t.created_at AT TIME ZONE '{SHOP_TZ}')::date AS day, count(*) AS n,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY {LATENCY_SQL}) AS p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY {LATENCY_SQL}) AS p95
            FROM call_turns t JOIN calls c ON c.id = t.call_id
            WHERE t.created_at >= $2 AND t.created_at < $3
              AND t.timings ? 'speech_end' AND t.timings ? 'first_reply_audio'
              AND ($1::bigint[] IS NULL OR c.shop_id = ANY($1::bigint[]))
            GROUP BY 1 ORDER BY 1""",
        _shops(shop_ids), day_bounds(day_from)[0], day_bounds(day_to)[1],
    )
    return [Percentiles(r["day"].isoformat(), int(r["n"]), float(r["p50"]), float(r["p95"])) for r in rows]


async def latency_by_stage(
    conn: asyncpg.Connection, shop_ids: tuple[int, ...] | None, day_from: date, day_to: date
) -> list[Percentiles]:
    """p50/p95 of each stage of the reply (turns that stamped both ends of it)."""
    out: list[Percentiles] = []
    for label, start, end in STAGES:
        span = f"(t.timings ->> '{end}')::float8 - (t.timings ->> '{start}')::float8"
        row = await conn.fetchrow(
            f"""SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY {span}) AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY {span}) AS p95
                FROM call_turns t JOIN calls c ON c.id = t.call_id
                WHERE t.created_at >= $2 AND t.created_at < $3 AND t.timings ? '{start}' AND t.timings ? '{end}'
                  AND ($1::bigint[] IS NULL OR c.shop_id = ANY($1::bigint[]))""",
            _shops(shop_ids), day_bounds(day_from)[0], day_bounds(day_to)[1],
        )
        if row is not None and int(row["n"]):
            out.append(Percentiles(label, int(row["n"]), float(row["p50"]), float(row["p95"])))
    return out


async def calls_per_hour(conn: asyncpg.Connection, shop_ids: tuple[int, ...] | None, day: date) -> list[int]:
    """24 counts: the calls begun in each hour of the shop day."""
    rows = await conn.fetch(
        f"""SELECT extract(hour FROM c.started_at AT TIME ZONE '{SHOP_TZ}')::int AS h, count(*) AS n
            FROM calls c WHERE c.started_at >= $2 AND c.started_at < $3
              AND ($1::bigint[] IS NULL OR c.shop_id = ANY($1::bigint[]))
            GROUP BY 1""",
        _shops(shop_ids), *day_bounds(day),
    )
    counts = [0] * 24
    for r in rows:
        counts[int(r["h"])] = int(r["n"])
    return counts


async def outcome_shares(
    conn: asyncpg.Connection, shop_ids: tuple[int, ...] | None, day_from: date, day_to: date
) -> OutcomeShares:
    """Caller turns understood first time, asked again, failed, between two shop days (included)."""
    rows = await conn.fetch(
        f"""SELECT {OUTCOME_SQL} AS kind, count(*) AS n
            FROM call_turns t JOIN calls c ON c.id = t.call_id
            WHERE t.created_at >= $2 AND t.created_at < $3 AND t.source <> 'system'
              AND ($1::bigint[] IS NULL OR c.shop_id = ANY($1::bigint[]))
            GROUP BY 1""",
        _shops(shop_ids), day_bounds(day_from)[0], day_bounds(day_to)[1],
    )
    got = {str(r["kind"]): int(r["n"]) for r in rows}
    return OutcomeShares(**{k: got.get(k, 0) for k in SHARE_KINDS})


async def worst_calls(
    conn: asyncpg.Connection, shop_ids: tuple[int, ...] | None, day: date, *, by: str, limit: int = 10
) -> list[WorstCall]:
    """The day's calls with the slowest reply (`by='slowest'`) or the most turns asked again (`by='asked'`)."""
    order = {"slowest": "slowest DESC NULLS LAST, asked DESC", "asked": "asked DESC, slowest DESC NULLS LAST"}[by]
    having = (f"max({LATENCY_SQL}) IS NOT NULL" if by == "slowest"
              else f"count(*) FILTER (WHERE t.source <> 'system' AND {OUTCOME_SQL} = 'asked') > 0")
    rows = await conn.fetch(
        f"""SELECT c.call_sid, c.shop_id, c.started_at, count(t.id) AS turns,
                   max({LATENCY_SQL}) AS slowest,
                   count(*) FILTER (WHERE t.source <> 'system' AND {OUTCOME_SQL} = 'asked') AS asked,
                   count(*) FILTER (WHERE t.source <> 'system' AND {OUTCOME_SQL} = 'failed') AS failed
            FROM calls c JOIN call_turns t ON t.call_id = c.id
            WHERE c.started_at >= $2 AND c.started_at < $3
              AND ($1::bigint[] IS NULL OR c.shop_id = ANY($1::bigint[]))
            GROUP BY c.id HAVING {having}
            ORDER BY {order}, c.id DESC LIMIT {int(limit)}""",
        _shops(shop_ids), *day_bounds(day),
    )
    return [
        WorstCall(str(r["call_sid"]), int(r["shop_id"]), r["started_at"], int(r["turns"]),
                  float(r["slowest"]) if r["slowest"] is not None else None, int(r["asked"]), int(r["failed"]))
        for r in rows
    ]


def days_back(last: date, n: int) -> date:
    """The first of `n` shop days ending on `last`."""
    return last - timedelta(days=max(n, 1) - 1)
