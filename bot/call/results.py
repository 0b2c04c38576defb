"""What a command handler returns: done, a read-back to confirm, or a question.

Handlers never write replies or touch the conversation's state; they return
one of these values and the conversation turns it into what the caller hears
(several results of one sentence into one reply, several read-backs into one
question).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Done:
    """The command ran (or was answered): the reply code and its parameters, and a JSON-able result."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    action: str | None = None
    end_call: bool = False


# Runs the booking; the argument is the idempotency key of the turn the command was heard on.
# It may lead on: a customer added after "naya banaun?" then reads its bill back (a Confirm).
Execute = Callable[[str], Awaitable["Result"]]


@dataclass(frozen=True)
class Confirm:
    """Book only after a yes: `summary` is the read-back ("Suresh se paanch sau rupaye cash mein mile").

    `command` is the typed command read back, so a correction ("nahi, chhe sau")
    can be applied to it and read back again; `draft` marks an invoice read-back
    that bill modifiers (discount, GST, tier) change.
    """

    action: str
    summary: str
    execute: Execute
    command: Any
    draft: bool = False
    reply_code: str = "confirm_prompt"
    reply_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """A piece is missing: ask for it (`code`, e.g. ask_amount) and keep `command` waiting for the answer.

    `missing` names the piece for the understanding ("amount", "customer", "items", "when", "product").
    """

    code: str
    missing: str
    command: Any
    params: dict[str, Any] = field(default_factory=dict)
    as_intent: str | None = None  # the command the answer completes, when not the one heard


Result = Done | Confirm | Question
