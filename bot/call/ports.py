"""What a call needs from the layers above it, as Protocols."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from business.turns import CallTurn


class CallStore(Protocol):
    """Persistence of a call's turns, its end and its recording (implemented in telephony/db)."""

    async def record_turn(self, call_sid: str, turn: CallTurn) -> None: ...

    async def finish_call(self, call_sid: str, status: str, ended_reason: str) -> None: ...

    async def register_recording(
        self, call_sid: str, path: Path, duration_s: float, size_bytes: int
    ) -> int | None:
        """Store the WAV's location on the call row; return the call id for the upload job."""
        ...
