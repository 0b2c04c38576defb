"""The conversation of one call: what the caller said -> business actions -> one reply.

Pure of pipecat: the IntentRouter (or the typed channel) feeds it text, digits
and silence notices and speaks what it returns. Rules it keeps:
- never book on a weak match: low recogniser confidence, a customer or product
  that only resembles what was heard, or an amount above the shop's limit is
  read back and confirmed (1/"haan" = yes, 2/"nahi" = no) before posting;
  a read-back can be corrected instead ("nahi, paanch sau" is read back again);
  a bill being read back is the draft that discounts, GST and rates change;
- a missing piece is asked for and the answer completes the command
  ("Kitne rupaye?" -> "teen sau"); a new command instead drops the question;
- several commands in one sentence all run, in order, one reply, one read-back;
- one idempotency key per action, `<CallSid>:<turn>[.<n>]` of the turn the
  command was heard on, so a doubled confirmation or a replay posts once;
- the active customer is remembered for "uska", "usne" and follow-ups.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.call.clock import CallClock
from bot.call.dispatch import Dispatcher, Queued
from bot.call.disputes import dispute_notice
from bot.call.drafts import modifies_draft, modify_draft
from bot.call.matching import customer_choice
from bot.call.outcome import Outcome
from bot.call.results import Confirm
from bot.call.speech import Speaker
from bot.call.state import CallState, Parsed, PendingConfirmation, Waiting
from bot.voice.expect import AMOUNT, CUSTOMER, YES_NO, classify, classify_digit
from business.books import Books

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
# What a correction of a read-back may change, in the order the understanding tries them.
_CORRECTABLE = ["amount", "when", "items", "customer"]
_NOT_A_COMMAND = {"unknown", "confirm_invoice"}


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
        tell_disputes: bool = True,
    ) -> None:
        self._books = books
        self._parse = parse
        self._speaker = speaker
        self.state = state
        self._clock = clock
        self._greeting_name = greeting_name
        # Below this recogniser confidence (or with none reported) a booking is read back first.
        self._book_confidence = book_confidence
        # A spoken "haan" heard below this confidence is asked again (noise must not confirm a booking).
        self._confirm_confidence = confirm_confidence
        # The owner hears of disputed entries after the greeting (staff do not: told once, to the owner).
        self._tell_disputes = tell_disputes
        self._run = Dispatcher(books=books, state=state, speaker=speaker, clock=clock, call_sid=call_sid,
                               greeting_name=greeting_name)

    # --- entry points (called by the IntentRouter or the typed channel) ------------

    async def greet(self) -> Outcome:
        o = self._outcome("", "system")
        if self.state.needs_pin:
            return self._reply(o, "pin_prompt", name=self._greeting_name)
        return await self._with_disputes(self._reply(o, "greeting", name=self._greeting_name))

    async def _with_disputes(self, o: Outcome) -> Outcome:
        """Disputed entries the owner has not heard of follow the greeting (told once each)."""
        if not self._tell_disputes:
            return o
        notice = await dispute_notice(self._books, self.state.shop_id, self._speaker, self._clock.now())
        if notice:
            o.reply = f"{o.reply} {notice}"
            o.result = {**(o.result or {}), "disputes_told": True}
        return o

    async def on_text(
        self, text: str, confidence: float | None, source: str = "speech", doubts: tuple[str, ...] = ()
    ) -> Outcome:
        """`doubts`: what the recogniser's top readings disagreed on (bot.voice.recognizer.Transcript)."""
        o = self._outcome(text, source)
        self.state.heard_doubts = tuple(doubts)
        out = await self._on_text(o, text, confidence)
        # Short paths (yes/no, goodbye, a choice) are understood without the parser.
        out.timings.setdefault("understood", self._clock.now_ms())
        return out

    async def on_digit(self, digit: str) -> Outcome | None:
        self.state.heard_doubts = ()
        if self.state.needs_pin:
            return await self._pin_digit(digit)
        st = self.state
        if st.pending is not None:
            answer = classify_digit(digit)
            if answer is None:
                return None
            return await self._answer(self._outcome(digit, "dtmf"), answer)
        if st.choice is not None and digit.isdigit():
            idx = int(digit) - 1
            if 0 <= idx < len(st.choice.candidates):
                return await self._resume_choice(self._outcome(digit, "dtmf"), st.choice.candidates[idx])
        return None

    async def on_idle(self, stage: str) -> Outcome:
        o = self._outcome("", "system")
        o.intent = f"silence_{stage}"
        if stage == "hangup":
            o.end_call = True
            return self._reply(o, "goodbye")
        if stage == "limit":  # the call's maximum length: nothing pending is booked
            o.end_call = True
            self.state.clear_pending()
            return self._reply(o, "call_too_long")
        return self._reply(o, "silence_prompt")

    def expecting(self) -> str | None:
        """What the caller's next words are likely to be: a yes/no while a read-back waits,
        an amount after "Kitne rupaye?", a customer's name after "Kiske liye?"."""
        if self.state.pending is not None:
            return YES_NO
        if self.state.question is not None and self.state.question.missing == "amount":
            return AMOUNT
        if self.state.question is not None and self.state.question.missing == "customer":
            return CUSTOMER
        return None

    async def restore_pending(self, waiting: list[tuple[Parsed, str]]) -> None:
        """Rebuild a read-back saved between messages (bot.call.snapshot): each command is run
        again as a weak one, which reads back and books nothing; its key stays the first turn's."""
        rebuilt: list[Waiting] = []
        for parsed, key in waiting:
            result = await self._run.handle(parsed, key, weak=True)
            if isinstance(result, Confirm):
                rebuilt.append(Waiting(result, parsed, key))
        if rebuilt:
            self.state.pending = PendingConfirmation(rebuilt, self._run.readback(rebuilt))

    def on_error(self) -> Outcome:
        return self._reply(self._outcome("", "system"), "internal_error")

    # --- turns ---------------------------------------------------------------------

    async def _on_text(self, o: Outcome, text: str, confidence: float | None) -> Outcome:
        st = self.state
        if st.needs_pin:
            return self._reply(o, "pin_prompt")
        if _END_RE.fullmatch(text):
            return self._goodbye(o)
        weak = confidence is None or confidence < self._book_confidence
        if st.pending is not None:
            return await self._on_readback_answer(o, text, confidence, weak)
        if st.choice is not None:
            picked = customer_choice(text, st.choice.candidates)
            if picked is not None:
                return await self._resume_choice(o, picked)
        if st.question is not None:
            return await self._on_question_answer(o, text, weak)
        parsed = await self._understand(o, text, self.state.parse_context())
        st.clear_pending()
        if parsed.get("intent") in _NOT_A_COMMAND and classify(text) is not None:
            o.intent = str(parsed.get("intent"))
            return self._reply(o, "nothing_pending")  # a "haan" with nothing read back: nothing to do
        return await self._command(o, parsed, weak)

    async def _command(self, o: Outcome, parsed: Parsed, weak: bool, *, confirm: bool = False) -> Outcome:
        """Run what the understanding made of the sentence (one command or several)."""
        intent = str(parsed.get("intent") or "unknown")
        o.intent = o.intent or intent
        o.entities = o.entities or dict(parsed.get("entities") or {})
        if parsed.get("unsure"):
            weak = True  # the understanding was not sure of its reading: read back before booking
        commands = _commands_of(parsed)
        if intent == "unknown":
            self.state.failed_understanding += 1
        else:
            self.state.failed_understanding = 0
        queued: Queued = [(c, self._run.key(o.turn_no, i)) for i, c in enumerate(commands)]
        return await self._run.run(o, queued, weak=weak or confirm)

    async def _on_readback_answer(self, o: Outcome, text: str, confidence: float | None, weak: bool) -> Outcome:
        """A read-back waits: yes, no, a correction, a change to the draft, or a new command."""
        pending = self.state.pending
        assert pending is not None
        first = pending.waiting[0].parsed
        answer = classify(text)
        parsed = await self._understand(o, text, self.state.parse_context(first, _CORRECTABLE))
        intent = str(parsed.get("intent") or "unknown")
        draft = pending.draft
        if draft is not None and modifies_draft(draft.parsed, parsed):
            return await self._change_draft(o, draft, parsed)
        corrected = (len(pending.waiting) == 1 and intent == first.get("intent")
                     and parsed.get("entities") != first.get("entities") and answer != "yes")
        if corrected:
            self.state.clear_pending()
            o.intent = intent
            return await self._command(o, parsed, weak, confirm=True)
        if answer == "yes" or (intent == "confirm_invoice" and answer != "no"):
            if confidence is not None and confidence < self._confirm_confidence:
                return self._ask_again(o)
            return await self._answer(o, "yes")
        if answer == "no" and intent in _NOT_A_COMMAND | {"cancel_invoice"}:
            return await self._answer(o, "no")
        if intent not in _NOT_A_COMMAND:
            self.state.clear_pending()  # a new command instead of an answer drops the read-back
            return await self._command(o, parsed, weak)
        return self._ask_again(o)

    async def _change_draft(self, o: Outcome, draft: Waiting, parsed: Parsed) -> Outcome:
        """A discount, GST, rate, more items, a re-read or dropping the bill, while it is read back."""
        pending = self.state.pending
        assert pending is not None
        o.intent = str(parsed.get("intent"))
        o.entities = dict(parsed.get("entities") or {})
        changed = modify_draft(draft.parsed, parsed)
        if changed is None:  # the draft is dropped ("ye bill hata do")
            self.state.clear_pending()
            o.result = {"draft": "cancelled"}
            return self._reply(o, "draft_cancelled")
        if o.intent == "show_draft":
            o.result = {"draft": "read"}
            o.code, o.reply = "draft_read", pending.question
            return o
        others = [(w.parsed, w.key) for w in pending.waiting if w is not draft]  # read back again with it
        self.state.clear_pending()
        return await self._run.run(o, [(changed, draft.key), *others], weak=True)

    async def _on_question_answer(self, o: Outcome, text: str, weak: bool) -> Outcome:
        """A question waits ("Kitne rupaye?"): the answer completes the command, or a new command replaces it."""
        question = self.state.question
        assert question is not None
        parsed = await self._understand(o, text, self.state.parse_context(question.parsed, [question.missing]))
        intent = str(parsed.get("intent") or "unknown")
        self.state.question = None
        if intent == question.parsed.get("intent"):
            entities = {**(question.parsed.get("entities") or {}), **(parsed.get("entities") or {})}
            merged: Parsed = {"intent": intent, "entities": entities}
            o.intent, o.entities = intent, entities
            return await self._run.run(o, [(merged, question.key), *question.rest], weak=weak)
        if intent in _NOT_A_COMMAND:
            self.state.question = question  # not an answer: ask again
            o.result = {"asked": question.code}
            return self._reply(o, question.code)
        return await self._command(o, parsed, weak)

    async def _answer(self, o: Outcome, answer: str) -> Outcome:
        pending = self.state.pending
        assert pending is not None
        o.intent = o.intent or pending.intent
        o.entities = o.entities or dict(pending.waiting[0].parsed.get("entities") or {})
        o.action = pending.waiting[0].confirm.action
        if answer == "no":
            self.state.pending = None
            o.result = {"confirmed": False}
            return self._reply(o, "not_done")
        out = await self._run.confirm(o)
        out.timings["action_done"] = self._clock.now_ms()
        return out

    async def _resume_choice(self, o: Outcome, customer: Any) -> Outcome:
        choice, self.state.choice = self.state.choice, None
        assert choice is not None
        o.intent = str(choice.parsed.get("intent"))
        o.entities = dict(choice.parsed.get("entities") or {})
        return await self._run.run(o, [(choice.parsed, choice.key), *choice.rest], weak=choice.weak, chosen=customer)

    # --- helpers -----------------------------------------------------------------

    async def _understand(self, o: Outcome, text: str, context: dict[str, Any]) -> Parsed:
        context = {**context, "now": self._clock.now()}
        parsed = self._parse(text, context)
        if inspect.isawaitable(parsed):
            parsed = await parsed
        o.timings["understood"] = self._clock.now_ms()
        if not isinstance(parsed, dict):
            return {"intent": "unknown", "entities": {}}
        if not isinstance(parsed.get("entities"), dict):
            parsed = {**parsed, "entities": {}}
        return parsed

    def _outcome(self, heard: str, source: str) -> Outcome:
        return Outcome(reply="", code="", heard=heard, source=source, turn_no=self.state.next_turn())

    def _reply(self, o: Outcome, code: str, **params: Any) -> Outcome:
        o.code = code
        o.reply = self._speaker.say(code, **params)
        return o

    def _ask_again(self, o: Outcome) -> Outcome:
        """The answer to a read-back was unclear: it still waits ("1 ya haan boliye")."""
        pending = self.state.pending
        o.intent = o.intent or (pending.intent if pending else None)
        o.result = {"awaiting_confirmation": True}
        return self._reply(o, "confirm_again")

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
        check = await self._books.check_pin(st.caller_phone, pin) if pin else None
        if check is not None and check.ok:
            st.needs_pin = False
            o.result = {"pin": "ok"}
            return await self._with_disputes(self._reply(o, "pin_ok", name=self._greeting_name))
        st.pin_failures += 1
        o.result = {"pin": "wrong", "failures": st.pin_failures}
        if check is not None and check.locked_at(self._clock.now()):
            # Locked across calls for this number (business.pin_lockout): no more tries on this call.
            o.result = {"pin": "locked"}
            o.end_call = True
            return self._reply(o, "pin_locked")
        if st.pin_failures >= 3:
            o.end_call = True
            return self._reply(o, "pin_locked")
        return self._reply(o, "invalid_pin")


def _commands_of(parsed: Parsed) -> list[Parsed]:
    """The commands of a parse in spoken order (a "multi" holds several)."""
    if parsed.get("intent") != "multi":
        return _with_send(parsed)
    entities = parsed.get("entities") or {}
    commands = entities.get("commands") if isinstance(entities, dict) else None
    found = [c for c in commands or [] if isinstance(c, dict)] or [{"intent": "unknown", "entities": {}}]
    return [step for c in found for step in _with_send(c)]


def _with_send(cmd: Parsed) -> list[Parsed]:
    """A bill with `auto_send` ("... bill bana ke WhatsApp kar dena") is the bill, then sending it."""
    ents = cmd.get("entities") or {}
    if cmd.get("intent") != "create_invoice" or not isinstance(ents, dict) or not ents.get("auto_send"):
        return [cmd]
    send_ents = {k: ents[k] for k in ("customer", "customer_ref", "channel") if k in ents}
    return [cmd, {"intent": "send_invoice", "entities": send_ents}]
