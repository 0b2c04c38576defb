"""Frames of our own that travel between the call's processors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipecat.frames.frames import SystemFrame


@dataclass
class TurnResultFrame(SystemFrame):
    """Pushed by the IntentRouter just before a turn's reply: the TurnRecorder
    stamps the reply's first audio and stores the turn. A system frame, so an
    interruption (barge-in) can never drop it from a queue."""

    turn_no: int = 0
    heard: str = ""
    source: str = "speech"
    intent: str | None = None
    entities: dict[str, Any] = field(default_factory=dict)
    action: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    reply: str = ""
    confidence: float | None = None
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class CallIdleFrame(SystemFrame):
    """Pushed by the SilenceWatchdog: `stage` is "prompt" (ask if they are there)
    or "hangup" (say goodbye and end)."""

    stage: str = "prompt"
    idle_s: float = 0.0
