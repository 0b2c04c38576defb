"""Frames of our own that travel between the call's processors."""

from __future__ import annotations

from dataclasses import dataclass

from pipecat.frames.frames import SystemFrame

from business.turns import CallTurn


@dataclass
class TurnResultFrame(SystemFrame):
    """Pushed by the IntentRouter just before a turn's reply: the TurnRecorder
    stamps the reply's first audio and stores the turn. A system frame, so an
    interruption (barge-in) can never drop it from a queue."""

    turn: CallTurn | None = None


@dataclass
class CallIdleFrame(SystemFrame):
    """Pushed by the SilenceWatchdog: `stage` is "prompt" (ask if they are there)
    or "hangup" (say goodbye and end)."""

    stage: str = "prompt"
    idle_s: float = 0.0
