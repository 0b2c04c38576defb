"""What one turn of the conversation produced: the reply and what was done."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from business.turns import CallTurn


@dataclass
class Outcome:
    """The result of handling one thing the caller said or keyed.

    `code` is the reply code rendered into `reply`; `result` is a JSON-able
    summary of the business action (ids, amounts in paise, error code).
    """

    reply: str
    code: str
    turn_no: int = 0
    heard: str = ""
    source: str = "speech"
    intent: str | None = None
    entities: dict[str, Any] = field(default_factory=dict)
    action: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    end_call: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def to_turn(self, confidence: float | None, timings: dict[str, float]) -> CallTurn:
        """The turn record of this outcome, with the stage times heard before it."""
        return CallTurn(
            turn_no=self.turn_no, heard=self.heard, source=self.source, intent=self.intent,
            entities=self.entities, action=self.action, result=self.result, reply=self.reply,
            confidence=confidence, timings={**timings, **self.timings},
        )
