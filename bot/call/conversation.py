"""The conversation of one call: what the caller said -> a business action -> a reply.

Pure of pipecat: the IntentRouter feeds it text, digits and silence notices and
speaks what it returns. Rules it keeps:
- never book on a weak match: low recogniser confidence, a customer or product
  that only resembles what was heard, or an amount above the shop's limit is
  read back and confirmed (1/"haan" = yes, 2/"nahi" = no) before posting;
  cancelling an invoice is always confirmed; several matching customers become
  a question ("Kaunse Rahul: ...?");
- one idempotency key per action, `<CallSid>:<turn>` of the turn the command
  was heard on, so a doubled confirmation or a replay posts once;
- the active customer is remembered for "uska", "usne" and follow-ups.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.call.clock import CallClock
from bot.call.commands import Ask, Commands, error_params
from bot.call.confirm_words import classify, classify_digit
from bot.call.matching import customer_choice
from bot.call.outcome import Outcome
from bot.call.speech import Speaker
from bot.call.state import CallState, PendingChoice
from bot.voice.expect import YES_NO
from business.books import Books
from business.errors import AmbiguousCustomer, ExecoraError
from business.models import Customer

log = logging.getLogger(__name__)

# `bot.understanding.parse` (templates) or `Understanding.understand` (templates, then the LLM fallback).
ParseFn = Callable[[str, dict[str, Any] | None], dict[str, Any] | Awaitable[dict[str, Any]]]
# Whole utterances that end a call even if the parser did not get them ("bas" alone is
# short and often misparsed); "bas, Suresh ka balance" is a command, not a goodbye.
_END_RE = re.compile(
    r"\s*(ok |okay |theek hai |thik hai |accha )?(bas+|bye|bas itna hi|bas rakhta hoon|rakhta hoon|bas bye|"
    r"band karo|phone rakho|बस|बाय)[\s.!]*",
    re.IGNORECASE,
)


class Conversation:
    """Handles one call's turns; holds its `CallState`."""

    def __init__(
        self,
        *,
        books: Books,
        parse: ParseFn,
        speaker: Speaker,
        state: CallState,
        call_sid: str,
        clock: CallClock,
        greeting_name: str,
        book_confidence: float = 0.9,
        confirm_confidence: float = 0.5,
    ) -> None:
        self._books = books
        self._parse = parse
        self._speaker = speaker
        self.state = state
        self._call_sid = call_sid
        self._clock = clock
        self._greeting_name = greeting_name
        # Below this recogniser confidence (or with none reported) a booking is read back first.
        self._book_confidence = book_confidence
        # A spoken "haan" heard below this confidence is asked again (noise must not confirm a booking).
        self._confirm_confidence = confirm_confidence
        self._commands = Commands(books=books, state=state, speaker=speaker, clock=clock, call_sid=call_sid,
                                  greeting_name=greeting_name)

    # --- entry points (called by the IntentRouter) ---------------------------------

    async def greet(self) -> Outcome:
        o = self._outcome("", "system")
        if self.state.needs_pin:
            return self._reply(o, "pin_prompt", name=self._greeting_name)
        return self._reply(o, "greeting", name=self._greeting_name)

    async def on_text(self, text: str, confidence: float | None, source: str = "speech") -> Outcome:
        o = self._outcome(text, source)
        out = await self._on_text(o, text, confidence)
        # Short paths (yes/no, goodbye, a choice) are understood without the parser.
        out.timings.setdefault("understood", self._clock.now_ms())
        return out

    async def _on_text(self, o: Outcome, text: str, confidence: float | None) -> Outcome:
        if self.state.needs_pin:
            return self._reply(o, "pin_prompt")
        if _END_RE.fullmatch(text):
            return self._goodbye(o)
        answer = classify(text) if self.state.pending is not None else None
        if answer == "yes" and confidence is not None and confidence < self._confirm_confidence:
            return self._reply(o, "confirm_again")
        if answer is not None:
            return await self._answer_pending(o, answer)
        if self.state.choice is not None:
            picked = customer_choice(text, self.state.choice.candidates)
            if picked is not None:
                return await self._resume_choice(o, picked)
        parsed = self._parse(text, self.state.parse_context())
        if inspect.isawaitable(parsed):
            parsed = await parsed
        o.timings["understood"] = self._clock.now_ms()
        intent = str(parsed.get("intent") or "unknown")
        entities = parsed.get("entities") or {}
        if not isinstance(entities, dict):
            entities = {}
        o.intent, o.entities = intent, entities
        if intent == "confirm_invoice" and self.state.pending is not None:
            return await self._answer_pending(o, "yes")
        # A recogniser is "sure" only above a high bar: the embedded one hears wrong amounts at
        # 0.7-0.8, so anything less, or a transcript with no confidence, books only after a read-back.
        weak = confidence is None or confidence < self._book_confidence
        parse_conf = parsed.get("confidence")
        if isinstance(parse_conf, int | float) and parse_conf < 0.5:
            weak = True
        # A new command replaces any question left unanswered.
        self.state.pending = None
        self.state.choice = None
        if intent == "multi":
            return await self._multi(o, entities, weak)
        return await self._dispatch(o, intent, entities, weak, None)

    async def on_digit(self, digit: str) -> Outcome | None:
        if self.state.needs_pin:
            return await self._pin_digit(digit)
        if self.state.pending is not None:
            answer = classify_digit(digit)
            if answer is None:
                return None
            return await self._answer_pending(self._outcome(digit, "dtmf"), answer)
        if self.state.choice is not None and digit.isdigit():
            idx = int(digit) - 1
            if 0 <= idx < len(self.state.choice.candidates):
                return await self._resume_choice(self._outcome(digit, "dtmf"), self.state.choice.candidates[idx])
        return None

    async def on_idle(self, stage: str) -> Outcome:
        o = self._outcome("", "system")
        o.intent = f"silence_{stage}"
        if stage == "hangup":
            o.end_call = True
            return self._reply(o, "goodbye")
        return self._reply(o, "silence_prompt")

    def expecting(self) -> str | None:
        """What the caller's next words are likely to be: a yes/no while a read-back waits."""
        return YES_NO if self.state.pending is not None else None

    def on_error(self) -> Outcome:
        return self._reply(self._outcome("", "system"), "internal_error")

    # --- helpers -----------------------------------------------------------------

    def _outcome(self, heard: str, source: str) -> Outcome:
        return Outcome(reply="", code="", heard=heard, source=source, turn_no=self.state.next_turn())

    def _reply(self, o: Outcome, code: str, **params: Any) -> Outcome:
        o.code = code
        o.reply = self._speaker.say(code, **params)
        return o

    def _goodbye(self, o: Outcome) -> Outcome:
        o.intent = o.intent or "goodbye"
        o.end_call = True
        return self._reply(o, "goodbye", name=self._greeting_name)

    async def _pin_digit(self, digit: str) -> Outcome | None:
        st = self.state
        if digit not in ("#", "*"):
            st.pin_digits += digit
            if len(st.pin_digits) < 8:
                return None
        pin, st.pin_digits = st.pin_digits, ""
        o = self._outcome("PIN", "dtmf")
        o.intent = "pin"
        if pin and await self._books.verify_pin(st.caller_phone, pin):
            st.needs_pin = False
            o.result = {"pin": "ok"}
            return self._reply(o, "pin_ok", name=self._greeting_name)
        st.pin_failures += 1
        o.result = {"pin": "wrong", "failures": st.pin_failures}
        if st.pin_failures >= 3:
            o.end_call = True
            return self._reply(o, "pin_locked")
        return self._reply(o, "invalid_pin")

    async def _answer_pending(self, o: Outcome, answer: str) -> Outcome:
        pending, self.state.pending = self.state.pending, None
        assert pending is not None
        o.intent = o.intent or pending.intent
        o.entities = o.entities or pending.entities
        o.action = pending.action
        if answer == "no":
            o.result = {"confirmed": False}
            return self._reply(o, "not_done")
        code, params, result = await pending.execute()
        o.timings["action_done"] = self._clock.now_ms()
        o.result = {"confirmed": True, **result}
        return self._reply(o, code, **params)

    async def _resume_choice(self, o: Outcome, customer: Customer) -> Outcome:
        choice, self.state.choice = self.state.choice, None
        assert choice is not None
        o.intent, o.entities = choice.intent, choice.entities
        weak = choice.confidence is None or choice.confidence < self._book_confidence
        return await self._dispatch(o, choice.intent, choice.entities, weak, customer)

    async def _multi(self, o: Outcome, entities: dict[str, Any], weak: bool) -> Outcome:
        commands = [c for c in entities.get("commands") or [] if isinstance(c, dict)]
        replies: list[str] = []
        results: list[dict[str, Any]] = []
        for command in commands:
            sub = Outcome(reply="", code="", heard=o.heard, turn_no=o.turn_no)
            ent = command.get("entities") or {}
            sub = await self._dispatch(sub, str(command.get("intent") or "unknown"), ent, weak, None)
            replies.append(sub.reply)
            results.append({"intent": command.get("intent"), "action": sub.action, **sub.result})
            if sub.end_call:
                o.end_call = True
            if self.state.pending is not None or self.state.choice is not None or sub.end_call:
                break  # a question stops the list: the caller answers it first
        o.action = "multi"
        o.result = {"commands": results}
        o.code = "multi"
        o.reply = " ".join(r for r in replies if r)
        if "action_done" not in o.timings:
            o.timings["action_done"] = self._clock.now_ms()
        return o

    async def _dispatch(
        self, o: Outcome, intent: str, entities: dict[str, Any], weak: bool, chosen: Customer | None
    ) -> Outcome:
        o.intent = o.intent or intent
        handler = self._commands.handler(intent)
        try:
            if handler is None:
                raise Ask("not_understood" if intent == "unknown" else "not_supported", intent=intent)
            await handler(o, entities, weak, chosen)
            if o.code != "not_understood":
                self.state.failed_understanding = 0
        except Ask as ask:
            if ask.code == "not_understood":
                self.state.failed_understanding += 1
            o.result = o.result or {"asked": ask.code}
            self._reply(o, ask.code, **ask.params)
        except AmbiguousCustomer as exc:
            # "Kaunse Rahul: Gandhi chowk wale ya station road wale?" and remember the command.
            self.state.choice = PendingChoice(intent, entities, [c.customer for c in exc.candidates[:3]],
                                              0.0 if weak else 1.0)
            o.result = {"error": exc.code, "candidates": [c.customer.id for c in exc.candidates[:3]]}
            self._reply(o, exc.code, query=exc.query, candidates=[_choice(c.customer) for c in exc.candidates[:3]])
        except ExecoraError as exc:
            o.result = {"error": exc.code, **_jsonable(exc.details())}
            self._reply(o, exc.code, **{**exc.details(), **error_params(exc)})
        if "action_done" not in o.timings and o.action:
            o.timings["action_done"] = self._clock.now_ms()
        return o


def _choice(customer: Customer) -> dict[str, Any]:
    """How the replies tell candidates apart ("Gandhi chowk wale")."""
    choice: dict[str, Any] = {"name": customer.name}
    if customer.landmark:
        choice["landmark"] = customer.landmark
    elif customer.nicknames:
        choice["hint"] = customer.nicknames[0]
    return choice


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in details.items():
        out[k] = v if isinstance(v, str | int | float | bool | list | dict) or v is None else str(v)
    return out
