"""What a call needs from the layers above it, as Protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class TurnRecord:
    """One exchange: what was heard, understood, done and said, with stage times.

    `timings` holds milliseconds since the call's stream started for the stages
    speech_end, transcript_final, understood, action_done, first_reply_audio
    (absent when a stage did not happen, e.g. a DTMF turn has no speech end).
    """

    turn_no: int
    heard: str
    source: str  # "speech", "dtmf", "system"
    intent: str | None
    entities: dict[str, Any]
    action: str | None
    result: dict[str, Any]
    reply: str
    confidence: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    started_at: datetime | None = None


class CallStore(Protocol):
    """Persistence of a call's turns, its end and its recording (implemented in telephony/db)."""

    async def record_turn(self, call_sid: str, turn: TurnRecord) -> None: ...

    async def finish_call(self, call_sid: str, status: str, ended_reason: str) -> None: ...

    async def register_recording(
        self, call_sid: str, path: Path, duration_s: float, size_bytes: int
    ) -> int | None:
        """Store the WAV's location on the call row; return the call id for the upload job."""
        ...
