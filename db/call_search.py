"""The dashboard's call search: calls filtered by shop(s), date, caller, intent, outcome,
latency and text heard, newest first, a page at a time.

A turn's outcome is read from what the conversation stored on it (`bot.call.dispatch`,
`bot.call.conversation`): `booked` an action done without an error; `asked` the bot asked
a question or which customer (a choice); `failed` an error other than a refusal, or not
understood; `refused` the caller said no to a read-back, or a wrong or locked PIN. A call
matches an outcome, intent, latency or text when one of its turns does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from business.shoptime import day_bounds
from db.calls import _CALL_COLUMNS, CallRow

# Actions that write to the books (reading a balance is not a booking).
BOOKING_ACTIONS = ("create_invoice", "cancel_invoice", "record_payment", "add_udhaar", "add_customer",
                   "update_customer", "add_product", "schedule_reminder", "modify_reminder", "cancel_reminder")
OUTCOMES: dict[str, str] = {
    "booked": (
        f"(t.action = ANY('{{{','.join(BOOKING_ACTIONS)}}}'::text[]) AND NOT (t.result ? 'error')"
        " AND NOT (t.result ? 'awaiting_confirmation'))"
        " OR (t.action = 'multi' AND jsonb_path_exists(t.result, '$.commands[*] ? (@.action like_regex "
        f"\"^({'|'.join(BOOKING_ACTIONS)})$\" && !exists(@.error) && !exists(@.awaiting_confirmation))'))"
    ),
    "asked": "t.result ? 'asked' OR t.result ? 'candidates'",
    "failed": "t.result ? 'error'",
    "refused": "t.result -> 'confirmed' = 'false'::jsonb OR t.result ->> 'pin' IN ('wrong', 'locked')",
}
_COLS = ", ".join(f"c.{name.strip()}" for name in _CALL_COLUMNS.split(","))
MAX_TEXT = 100


@dataclass(frozen=True)
class CallFilter:
    """Empty fields filter nothing. `shop_ids` None: every shop (admins only, checked by the caller)."""

    shop_ids: tuple[int, ...] | None
    day_from: date | None = None
    day_to: date | None = None
    caller: str = ""  # digits the caller's number ends with
    intent: str = ""
    outcome: str = ""  # one of OUTCOMES
    min_latency_ms: int | None = None  # speech end to first reply audio
    text: str = ""  # words heard (case-insensitive substring)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(f: CallFilter) -> tuple[str, list[object]]:
    args: list[object] = []

    def arg(value: object) -> str:
        args.append(value)
        return f"${len(args)}"

    where: list[str] = []
    turn: list[str] = []
    if f.shop_ids is not None:
        where.append(f"c.shop_id = ANY({arg(list(f.shop_ids))}::bigint[])")
    if f.day_from is not None:
        where.append(f"c.started_at >= {arg(day_bounds(f.day_from)[0])}")
    if f.day_to is not None:
        where.append(f"c.started_at < {arg(day_bounds(f.day_to)[1])}")
    digits = "".join(ch for ch in f.caller if ch.isdigit())
    if digits:
        where.append(f"c.from_phone LIKE {arg(_like(digits[-15:]).rstrip('%'))}")
    if f.intent:
        turn.append(f"t.intent = {arg(f.intent)}")
    if f.outcome in OUTCOMES:
        turn.append(f"({OUTCOMES[f.outcome]})")
    if f.min_latency_ms is not None:
        turn.append(
            "(t.timings ->> 'first_reply_audio')::float8 - (t.timings ->> 'speech_end')::float8"
            f" >= {arg(float(f.min_latency_ms))}"
        )
    if f.text:
        turn.append(f"t.heard ILIKE {arg(_like(f.text[:MAX_TEXT]))}")
    if turn:
        where.append("EXISTS (SELECT 1 FROM call_turns t WHERE t.call_id = c.id AND " + " AND ".join(turn) + ")")
    return (" WHERE " + " AND ".join(where)) if where else "", args


async def search_calls(conn: asyncpg.Connection, f: CallFilter, *, limit: int, offset: int) -> list[CallRow]:
    """One page of matching calls, newest first."""
    where, args = _where(f)
    rows = await conn.fetch(
        f"SELECT {_COLS} FROM calls c{where} ORDER BY c.started_at DESC, c.id DESC"
        f" LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    return [CallRow(**dict(r)) for r in rows]


async def intents_seen(conn: asyncpg.Connection, shop_ids: tuple[int, ...] | None) -> list[str]:
    """The intents the shop's turns have had (for the filter's choices)."""
    rows = await conn.fetch(
        """SELECT DISTINCT t.intent FROM call_turns t JOIN calls c ON c.id = t.call_id
           WHERE t.intent IS NOT NULL AND ($1::bigint[] IS NULL OR c.shop_id = ANY($1::bigint[]))
           ORDER BY 1 LIMIT 100""",
        list(shop_ids) if shop_ids is not None else None,
    )
    return [str(r["intent"]) for r in rows]
