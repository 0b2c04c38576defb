"""The conversation's CallStore port on `db.calls` (Postgres), shared by every channel.

Each write takes a pooled connection for its own short transaction, so a call
never holds a connection between turns.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

from business.turns import CallTurn
from db import calls as call_rows
from telephony.live_calls import LiveCallFeed


class PostgresCallStore:
    """Turns, the call's end and its recording, written through the shared pool; with a `live`
    feed each stored turn and the end are also published for the dashboard's live page."""

    def __init__(self, pool: asyncpg.Pool, live: LiveCallFeed | None = None) -> None:
        self._pool = pool
        self._live = live

    async def record_turn(self, call_sid: str, turn: CallTurn) -> None:
        async with self._pool.acquire() as conn:
            await call_rows.record_turn(conn, call_sid, turn)
        if self._live is not None:
            await self._live.turn(turn)

    async def finish_call(self, call_sid: str, status: str, ended_reason: str) -> None:
        async with self._pool.acquire() as conn:
            await call_rows.finish_call(conn, call_sid=call_sid, status=status, ended_reason=ended_reason)
        if self._live is not None:
            await self._live.ended(status=status, ended_reason=ended_reason)

    async def register_recording(self, call_sid: str, path: Path, duration_s: float, size_bytes: int) -> int | None:
        async with self._pool.acquire() as conn:
            return await call_rows.register_recording(
                conn, call_sid=call_sid, path=str(path), duration_s=duration_s, size_bytes=size_bytes
            )
