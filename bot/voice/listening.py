"""What the caller is expected to say next, sent upstream from the conversation to the recogniser.

The IntentRouter pushes a `ListenForFrame` upstream whenever what it waits for
changes (a read-back's yes/no, nothing in particular); a recogniser that can
narrow its search (the embedded one) listens for those words first and falls
back to its full model when the answer is something else. Other engines pass
the frame along untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipecat.frames.frames import SystemFrame

from bot.voice.expect import EXPECTATIONS, YES_NO

__all__ = ["EXPECTATIONS", "YES_NO", "ListenForFrame"]


@dataclass
class ListenForFrame(SystemFrame):
    """`expect` is one of EXPECTATIONS, or None for open speech."""

    expect: str | None = None
