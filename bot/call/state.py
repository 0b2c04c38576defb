"""Per-call conversation state. It lives inside one call's pipeline only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.call.results import Confirm
from business.models import Customer

# A command as the understanding gave it ({"intent", "entities"}): kept while it waits, because
# the understanding completes it from a fragment of the next answer ("teen sau", "Lakshmi").
Parsed = dict[str, Any]


@dataclass(frozen=True)
class Waiting:
    """One command read back and waiting for a yes; `key` is its idempotency key, built from
    the turn it was heard on, so a doubled confirmation (a DTMF 1 and a spoken "haan") posts once."""

    confirm: Confirm
    parsed: Parsed
    key: str


@dataclass
class PendingConfirmation:
    """Everything one read-back asks about (several commands of one sentence: one question)."""

    waiting: list[Waiting]
    question: str

    @property
    def intent(self) -> str:
        return str(self.waiting[0].parsed.get("intent")) if self.waiting else "unknown"

    @property
    def draft(self) -> Waiting | None:
        """The invoice being drafted, when one is read back (bill modifiers change it)."""
        return next((w for w in self.waiting if w.confirm.draft), None)


@dataclass
class PendingQuestion:
    """A command missing a piece (`missing`): the caller's next answer completes it.
    `rest` holds the commands of the same sentence still to run after it."""

    parsed: Parsed
    missing: str
    code: str
    key: str
    rest: list[tuple[Parsed, str]] = field(default_factory=list)


@dataclass
class PendingChoice:
    """Several customers matched: the caller picks one, then the command resumes."""

    parsed: Parsed
    candidates: list[Customer]
    weak: bool
    key: str
    rest: list[tuple[Parsed, str]] = field(default_factory=list)


@dataclass
class CallState:
    """What the conversation remembers between turns of one call."""

    shop_id: int
    caller_phone: str
    language: str
    confirm_limit_paise: int
    needs_pin: bool = False
    pin_digits: str = ""
    pin_failures: int = 0
    active_customer: Customer | None = None
    pending: PendingConfirmation | None = None
    question: PendingQuestion | None = None
    choice: PendingChoice | None = None
    recording: bool = True
    # Spans of the call (ms on the call clock) the caller asked not to record: silenced in the WAV.
    recording_paused: list[tuple[float, float | None]] = field(default_factory=list)
    turn_no: int = 0
    failed_understanding: int = 0
    # What the recogniser doubted in this turn's transcript ("direction": payment or udhaar):
    # the read-back then says it plainly (HandlerContext.summary).
    heard_doubts: tuple[str, ...] = ()

    def next_turn(self) -> int:
        """Allocate the next turn number."""
        n = self.turn_no
        self.turn_no += 1
        return n

    def clear_pending(self) -> None:
        """A new command replaces any question left unanswered."""
        self.pending = None
        self.question = None
        self.choice = None

    def parse_context(self, pending: Parsed | None = None, missing: list[str] | None = None) -> dict[str, Any]:
        """Context for the understanding: the active customer, and the command an answer may complete."""
        ctx: dict[str, Any] = {}
        if self.active_customer is not None:
            ctx["active_customer"] = self.active_customer.name
        if pending is not None:
            ctx["pending"] = {"intent": pending.get("intent"), "entities": dict(pending.get("entities") or {}),
                              "missing": list(missing or [])}
        return ctx
