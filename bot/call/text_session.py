"""A conversation on typed text: the same turns, books and records as a call.

Typed text is a sure transcript (confidence 1.0); every other rule of the
conversation applies (read-backs above the limit, weak name matches, PIN-free
because the operator already holds the shop's data). Free of pipecat.
"""

from __future__ import annotations

from bot.call.conversation import Conversation
from bot.call.outcome import Outcome
from bot.call.ports import CallStore
from bot.metrics import observe_turn
from business.turns import CallTurn

TYPED_CONFIDENCE = 1.0


class TextSession:
    """Feeds typed lines and keyed digits to one conversation and stores each turn."""

    def __init__(self, conversation: Conversation, store: CallStore, call_sid: str) -> None:
        self._conversation = conversation
        self._store = store
        self.call_sid = call_sid
        self.ended = False

    async def greet(self) -> CallTurn:
        return await self._record(await self._conversation.greet(), None)

    async def say(
        self, text: str, *, confidence: float = TYPED_CONFIDENCE, source: str = "text", doubts: tuple[str, ...] = ()
    ) -> CallTurn:
        """Typed text is sure; a recognised voice note (WhatsApp) passes its own confidence."""
        outcome = await self._conversation.on_text(text, confidence, source=source, doubts=doubts)
        return await self._record(outcome, confidence)

    async def press(self, digit: str) -> CallTurn | None:
        """A keyed digit (1 = yes, 2 = no, a choice); None when it means nothing now."""
        outcome = await self._conversation.on_digit(digit)
        return None if outcome is None else await self._record(outcome, None)

    async def close(self, status: str = "completed", reason: str = "caller_hung_up") -> None:
        await self._store.finish_call(self.call_sid, status, reason)

    async def _record(self, outcome: Outcome, confidence: float | None) -> CallTurn:
        turn = outcome.to_turn(confidence, {})
        if outcome.end_call:
            self.ended = True
        await self._store.record_turn(self.call_sid, turn)
        observe_turn(turn, "chat")
        return turn
