"""Calls, their turns and their stream tokens in PostgreSQL.

Rows leave this module as frozen dataclasses (never asyncpg Records). Call rows
are idempotent on CallSid (Twilio retries webhooks); stream tokens are stored
by hash, single-use and short-lived, so any app process can take the stream.
Every function takes a connection: the caller owns the transaction. Turns go
in and come out as `business.turns.CallTurn`, the one shape of a turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from business.turns import CallTurn

_CALL_COLUMNS = """id, shop_id, call_sid, from_phone, to_phone, status, started_at, ended_at, language,
    recording_path, recording_status, stream_sid, caller_role, ended_reason,
    recording_duration_s, recording_size_bytes, recording_bucket, recording_object_key, channel"""


@dataclass(frozen=True)
class CallRow:
    id: int
    shop_id: int | None
    call_sid: str
    from_phone: str
    to_phone: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    language: str | None
    recording_path: str | None
    recording_status: str | None
    stream_sid: str | None
    caller_role: str | None
    ended_reason: str | None
    recording_duration_s: float | None
    recording_size_bytes: int | None
    recording_bucket: str | None = None  # set by the upload job (migration 0021)
    recording_object_key: str | None = None
    channel: str = "twilio"  # how the call came in: twilio, chat, ... (migration 0030)


def _call(row: asyncpg.Record) -> CallRow:
    return CallRow(**dict(row))


def _turn(row: asyncpg.Record) -> CallTurn:
    fields = dict(row)
    fields["result"] = fields["result"] or {}
    return CallTurn(**fields)


async def create_call(
    conn: asyncpg.Connection,
    *,
    call_sid: str,
    shop_id: int | None,
    from_phone: str,
    to_phone: str,
    caller_role: str | None,
    status: str,
    language: str | None = None,
    channel: str = "twilio",
) -> tuple[CallRow, bool]:
    """Insert the call once; a retried webhook gets the existing row. Returns (row, created)."""
    row = await conn.fetchrow(
        f"""INSERT INTO calls (call_sid, shop_id, from_phone, to_phone, caller_role, status, language, channel)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (call_sid) DO NOTHING
            RETURNING {_CALL_COLUMNS}""",
        call_sid, shop_id, from_phone, to_phone, caller_role, status, language, channel,
    )
    if row is not None:
        return _call(row), True
    existing = await get_call(conn, call_sid)
    assert existing is not None
    return existing, False


async def get_call(conn: asyncpg.Connection, call_sid: str, shop_id: int | None = None) -> CallRow | None:
    """One call by CallSid (restricted to `shop_id` when given)."""
    if shop_id is None:
        row = await conn.fetchrow(f"SELECT {_CALL_COLUMNS} FROM calls WHERE call_sid = $1", call_sid)
    else:
        row = await conn.fetchrow(
            f"SELECT {_CALL_COLUMNS} FROM calls WHERE call_sid = $1 AND shop_id = $2", call_sid, shop_id
        )
    return _call(row) if row else None


async def list_calls(conn: asyncpg.Connection, shop_id: int, *, limit: int = 50, offset: int = 0) -> list[CallRow]:
    """The shop's calls, newest first."""
    rows = await conn.fetch(
        f"""SELECT {_CALL_COLUMNS} FROM calls WHERE shop_id = $1
            ORDER BY started_at DESC, id DESC LIMIT $2 OFFSET $3""",
        shop_id, limit, offset,
    )
    return [_call(r) for r in rows]


async def store_stream_token(conn: asyncpg.Connection, *, call_sid: str, token_hash: str, ttl_s: int) -> bool:
    """Remember a freshly minted token's hash for `ttl_s` seconds; False when this CallSid already
    had one (one token per call, ever: a replayed webhook gets nothing)."""
    row = await conn.fetchrow(
        """INSERT INTO call_stream_tokens (token_hash, call_sid, expires_at)
           VALUES ($1, $2, now() + make_interval(secs => $3))
           ON CONFLICT (call_sid) DO NOTHING RETURNING 1""",
        token_hash, call_sid, float(ttl_s),
    )
    return row is not None


async def consume_stream_token(conn: asyncpg.Connection, *, token_hash: str, call_sid: str) -> bool:
    """Use the token once: true only if it exists, is bound to `call_sid`, unused and unexpired.

    A single UPDATE ... RETURNING, so two sockets racing for one token cannot both win.
    """
    row = await conn.fetchrow(
        """UPDATE call_stream_tokens SET used_at = now()
           WHERE token_hash = $1 AND call_sid = $2 AND used_at IS NULL AND expires_at > now()
           RETURNING 1""",
        token_hash, call_sid,
    )
    return row is not None


async def purge_stream_tokens(conn: asyncpg.Connection, older_than_s: int = 3600) -> int:
    """Drop tokens that expired more than `older_than_s` ago; returns how many."""
    result = await conn.execute(
        "DELETE FROM call_stream_tokens WHERE expires_at < now() - make_interval(secs => $1)",
        float(older_than_s),
    )
    return int(result.split()[-1])


async def mark_streaming(conn: asyncpg.Connection, *, call_sid: str, stream_sid: str) -> None:
    await conn.execute(
        "UPDATE calls SET status = 'in-progress', stream_sid = $2 WHERE call_sid = $1", call_sid, stream_sid
    )


async def finish_call(conn: asyncpg.Connection, *, call_sid: str, status: str, ended_reason: str) -> None:
    """Close the call row once (a second finish keeps the first end time and reason)."""
    await conn.execute(
        """UPDATE calls SET status = $2, ended_reason = COALESCE(ended_reason, $3),
                  ended_at = COALESCE(ended_at, now())
           WHERE call_sid = $1""",
        call_sid, status, ended_reason,
    )


async def close_unstreamed(conn: asyncpg.Connection, *, started_before: datetime) -> list[str]:
    """Calls still 'ringing' that started before `started_before`: their stream never came.
    Closed as failed ("no_stream"); returns their CallSids."""
    rows = await conn.fetch(
        """UPDATE calls SET status = 'failed', ended_reason = COALESCE(ended_reason, 'no_stream'),
                  ended_at = COALESCE(ended_at, now())
           WHERE status = 'ringing' AND started_at < $1
           RETURNING call_sid""",
        started_before,
    )
    return [r["call_sid"] for r in rows]


async def close_lost(conn: asyncpg.Connection, *, started_before: datetime) -> list[tuple[str, int | None]]:
    """Calls still 'in-progress' that began before `started_before` (longer than any call may
    last): the process holding them died. Closed as failed / 'lost'; returns (CallSid, shop)."""
    rows = await conn.fetch(
        """UPDATE calls SET status = 'failed', ended_reason = COALESCE(ended_reason, 'lost'),
                  ended_at = COALESCE(ended_at, now())
           WHERE status = 'in-progress' AND started_at < $1
           RETURNING call_sid, shop_id""",
        started_before,
    )
    return [(str(r["call_sid"]), r["shop_id"]) for r in rows]


async def mark_recording_lost(conn: asyncpg.Connection, call_sid: str) -> None:
    """Nothing of the call's audio survived its process."""
    await conn.execute(
        "UPDATE calls SET recording_status = 'lost' WHERE call_sid = $1 AND recording_path IS NULL", call_sid
    )


async def next_turn_no(conn: asyncpg.Connection, call_sid: str) -> int:
    """The number the call's next turn gets (turns continue across a reconnect)."""
    value = await conn.fetchval(
        """SELECT COALESCE(MAX(t.turn_no) + 1, 0) FROM call_turns t
           JOIN calls c ON c.id = t.call_id WHERE c.call_sid = $1""",
        call_sid,
    )
    return int(value or 0)


async def record_turn(conn: asyncpg.Connection, call_sid: str, turn: CallTurn) -> None:
    """Store one turn; re-recording the same turn number replaces it (idempotent)."""
    await conn.execute(
        """INSERT INTO call_turns (call_id, turn_no, source, heard, intent, entities, action, result,
                                   reply, confidence, timings)
           SELECT c.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM calls c WHERE c.call_sid = $1
           ON CONFLICT (call_id, turn_no) DO UPDATE SET
               source = EXCLUDED.source, heard = EXCLUDED.heard, intent = EXCLUDED.intent,
               entities = EXCLUDED.entities, action = EXCLUDED.action, result = EXCLUDED.result,
               reply = EXCLUDED.reply, confidence = EXCLUDED.confidence, timings = EXCLUDED.timings""",
        call_sid, turn.turn_no, turn.source, turn.heard, turn.intent, turn.entities, turn.action, turn.result,
        turn.reply, turn.confidence, turn.timings,
    )


async def list_turns(conn: asyncpg.Connection, call_id: int) -> list[CallTurn]:
    rows = await conn.fetch(
        """SELECT turn_no, source, heard, intent, entities, action, result, reply, confidence, timings,
                  created_at
           FROM call_turns WHERE call_id = $1 ORDER BY turn_no""",
        call_id,
    )
    return [_turn(r) for r in rows]


async def register_recording(
    conn: asyncpg.Connection, *, call_sid: str, path: str, duration_s: float, size_bytes: int
) -> int | None:
    """Put the local WAV's location on the call row; returns the call id (None if unknown)."""
    value = await conn.fetchval(
        """UPDATE calls SET recording_path = $2, recording_status = 'local',
                  recording_duration_s = $3, recording_size_bytes = $4
           WHERE call_sid = $1 RETURNING id""",
        call_sid, path, duration_s, size_bytes,
    )
    return int(value) if value is not None else None
