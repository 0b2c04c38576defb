"""The conversation's CallStore port, implemented on `db.calls` (Postgres)."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from bot.call.ports import TurnRecord
from db import calls as call_rows


class PostgresCallStore:
    """Turns, the call's end and its recording, written through the shared pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record_turn(self, call_sid: str, turn: TurnRecord) -> None:
        await call_rows.record_turn(
            self._pool,
            call_sid=call_sid,
            turn_no=turn.turn_no,
            source=turn.source,
            heard=turn.heard,
            intent=turn.intent,
            entities=turn.entities,
            action=turn.action,
            result=turn.result,
            reply=turn.reply,
            confidence=turn.confidence,
            timings=turn.timings,
        )

    async def finish_call(self, call_sid: str, status: str, ended_reason: str) -> None:
        await call_rows.finish_call(self._pool, call_sid=call_sid, status=status, ended_reason=ended_reason)

    async def register_recording(self, call_sid: str, path: Path, duration_s: float, size_bytes: int) -> int | None:
        return await call_rows.register_recording(
            self._pool, call_sid=call_sid, path=str(path), duration_s=duration_s, size_bytes=size_bytes
        )
