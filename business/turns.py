"""`CallTurn`: one exchange of a call, the one shape every layer passes whole.

The conversation builds it, the pipeline frame carries it, the recorder stamps
the first reply audio on it, the database stores and returns it, and the API
and dashboard read it. Nothing else defines a turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

TURN_SOURCES = ("speech", "dtmf", "system", "text")


@dataclass(frozen=True)
class CallTurn:
    """What was heard, understood, done and said in one turn, with stage times.

    `timings` holds milliseconds since the call began for the stages
    speech_end, transcript_final, understood, action_done, first_reply_audio
    (absent when a stage did not happen: a DTMF turn has no speech end).
    `result` is a JSON-able summary of the business action (ids, paise, error code).
    `created_at` is set by the database when the turn is stored.
    """

    turn_no: int
    heard: str
    source: str  # one of TURN_SOURCES
    intent: str | None
    entities: dict[str, Any]
    action: str | None
    result: dict[str, Any]
    reply: str
    confidence: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    created_at: datetime | None = None

    def with_timing(self, stage: str, ms: float) -> CallTurn:
        """A copy with one more stage time (the turn itself never changes)."""
        return replace(self, timings={**self.timings, stage: ms})
