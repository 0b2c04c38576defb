"""Per-call conversation state. It lives inside one call's pipeline only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from business.models import Customer


@dataclass
class PendingAction:
    """An action read back to the caller, waiting for "haan"/1 or "nahi"/2.

    `key_turn` is the turn the command was heard on: the idempotency key is
    built from it, so confirming twice (a DTMF 1 and a spoken "haan") posts once.
    """

    action: str
    intent: str
    entities: dict[str, Any]
    question: str
    execute: Callable[[], Awaitable[tuple[str, dict[str, Any], dict[str, Any]]]]
    key_turn: int


@dataclass
class PendingChoice:
    """Several customers matched: the caller picks one, then the command resumes."""

    intent: str
    entities: dict[str, Any]
    candidates: list[Customer]
    confidence: float | None


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
    pending: PendingAction | None = None
    choice: PendingChoice | None = None
    turn_no: int = 0
    failed_understanding: int = 0

    def next_turn(self) -> int:
        """Allocate the next turn number."""
        n = self.turn_no
        self.turn_no += 1
        return n

    def parse_context(self) -> dict[str, Any]:
        """Context for `bot.understanding.parse`: the active customer and any pending draft."""
        ctx: dict[str, Any] = {}
        if self.active_customer is not None:
            ctx["active_customer"] = self.active_customer.name
        if self.pending is not None:
            ctx["pending"] = self.pending.intent
        return ctx
