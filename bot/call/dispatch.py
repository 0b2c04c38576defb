"""Run the commands of one turn through their handlers and make one reply of the results.

Each command is its own transaction with its own idempotency key (the turn it
was heard on, plus its place in the sentence). Results that need a yes are
gathered into one read-back; a question (a missing piece, or "which Rahul?")
stops the sentence there and keeps the rest for after the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.call.clock import CallClock
from bot.call.handlers import HANDLERS
from bot.call.handlers.context import HandlerContext, MissingCustomer
from bot.call.handlers.errors import error_params, jsonable
from bot.call.outcome import Outcome
from bot.call.results import Confirm, Done, Question, Result
from bot.call.speech import Speaker
from bot.call.state import CallState, Parsed, PendingChoice, PendingConfirmation, PendingQuestion, Waiting
from bot.commands import command_from_parse
from business.books import Books
from business.errors import AmbiguousCustomer, CustomerNotFound, ExecoraError
from business.models import Customer

log = logging.getLogger(__name__)
Queued = list[tuple[Parsed, str]]  # commands still to run, each with its idempotency key


class Dispatcher:
    """One call's command runner (the conversation decides what to run; this runs it)."""

    def __init__(
        self, *, books: Books, state: CallState, speaker: Speaker, clock: CallClock, call_sid: str, greeting_name: str
    ) -> None:
        self._books = books
        self._state = state
        self._speaker = speaker
        self._clock = clock
        self._call_sid = call_sid
        self._greeting_name = greeting_name

    def key(self, turn: int, index: int = 0) -> str:
        """The idempotency key of the `index`-th command heard on `turn`."""
        return f"{self._call_sid}:{turn}" if index == 0 else f"{self._call_sid}:{turn}.{index}"

    async def run(
        self, o: Outcome, commands: Queued, *, weak: bool, chosen: Customer | None = None
    ) -> Outcome:
        """Run `commands` in order into `o`; `weak` forces a read-back of anything that books."""
        replies: list[str] = []
        results: list[dict[str, Any]] = []
        waiting: list[Waiting] = []
        for idx, (parsed, key) in enumerate(commands):
            intent = str(parsed.get("intent") or "unknown")
            try:
                result = await self.handle(parsed, key, weak=weak, chosen=chosen if idx == 0 else None)
            except AmbiguousCustomer as exc:
                top = [c.customer for c in exc.candidates[:3]]
                rest = [(w.parsed, w.key) for w in waiting] + list(commands[idx + 1:])
                self._state.choice = PendingChoice(parsed, top, weak, key, rest)
                waiting = []
                o.code = o.code or exc.code
                results.append({"intent": intent, "error": exc.code, "candidates": [c.id for c in top]})
                replies.append(self._speaker.say(exc.code, query=exc.query, candidates=[_choice(c) for c in top]))
                break
            if isinstance(result, Question):
                if result.as_intent:
                    parsed = {**parsed, "intent": result.as_intent}
                rest = [(w.parsed, w.key) for w in waiting] + list(commands[idx + 1:])
                self._state.question = PendingQuestion(parsed, result.missing, result.code, key, rest)
                waiting = []
                o.code = o.code or result.code
                results.append({"intent": intent, "asked": result.code})
                replies.append(self._speaker.say(result.code, **result.params))
                break
            if isinstance(result, Confirm):
                waiting.append(Waiting(result, parsed, key))
                results.append({"intent": intent, "action": result.action, "awaiting_confirmation": True})
                continue
            self._done(o, result, replies, results, intent)
            if result.end_call:
                break
        if waiting:
            question = self.readback(waiting)
            self._state.pending = PendingConfirmation(waiting, question)
            o.code = o.code or waiting[0].confirm.reply_code
            replies.append(question)
        return self._finish(o, replies, results)

    async def confirm(self, o: Outcome) -> Outcome:
        """The caller said yes: book everything the read-back asked about, in order."""
        pending, self._state.pending = self._state.pending, None
        assert pending is not None
        replies: list[str] = []
        results: list[dict[str, Any]] = []
        more: list[Waiting] = []
        for w in pending.waiting:
            try:
                result = await w.confirm.execute(w.key)
            except ExecoraError as exc:
                result = self.error(exc)
            intent = str(w.parsed.get("intent"))
            if isinstance(result, Confirm):  # e.g. a new customer added, then its bill read back
                more.append(Waiting(result, w.parsed, w.key))
                continue
            if isinstance(result, Question):
                self._state.question = PendingQuestion(w.parsed, result.missing, result.code, w.key)
                replies.append(self._speaker.say(result.code, **result.params))
                results.append({"intent": intent, "asked": result.code})
                continue
            self._done(o, result, replies, results, intent)
        if more:
            question = self.readback(more)
            self._state.pending = PendingConfirmation(more, question)
            replies.append(question)
        out = self._finish(o, replies, results)
        if len(results) == 1:
            out.result = {"confirmed": True, **results[0]}
            out.result.pop("intent", None)
        else:
            out.result = {"confirmed": True, "commands": results}
        return out

    def readback(self, waiting: list[Waiting]) -> str:
        """One question for everything waiting ("A; aur B. Pakka karoon?")."""
        if len(waiting) == 1:
            c = waiting[0].confirm
            return self._speaker.say(c.reply_code, **(c.reply_params or {"summary": c.summary}))
        joined = self._speaker.join([w.confirm.summary for w in waiting])
        return self._speaker.say("confirm_prompt", summary=joined)

    async def handle(self, parsed: Parsed, key: str, *, weak: bool, chosen: Customer | None = None) -> Result:
        """One command through its handler; business errors become replies, a missing customer a question."""
        intent = str(parsed.get("intent") or "unknown")
        handler = HANDLERS[intent] if intent in HANDLERS else HANDLERS["unknown"]
        command = command_from_parse(parsed, self._clock.now())
        ctx = HandlerContext(books=self._books, state=self._state, speaker=self._speaker, clock=self._clock,
                             call_sid=self._call_sid, greeting_name=self._greeting_name, weak=weak, chosen=chosen,
                             key=key)
        try:
            return await handler(command, ctx)
        except MissingCustomer:
            return Question("ask_customer", "customer", command)
        except CustomerNotFound as exc:
            if exc.candidates or not isinstance(exc.query, str) or not exc.query.strip():
                return self.error(exc)
            return self._offer_new_customer(parsed, key, exc.query.strip(), weak)
        except AmbiguousCustomer:
            raise
        except ExecoraError as exc:
            return self.error(exc)

    def error(self, exc: ExecoraError) -> Done:
        details = exc.details()
        return Done(exc.code, {**details, **error_params(exc)}, {"error": exc.code, **jsonable(details)})

    def _offer_new_customer(self, parsed: Parsed, key: str, name: str, weak: bool) -> Confirm:
        """"Pinky naam ka koi customer nahi mila. Naya banaun?" -> yes adds Pinky and runs the command."""

        async def execute(k: str) -> Result:
            customer = await self._books.add_customer(self._state.shop_id, name, idempotency_key=f"{k}:customer")
            self._state.active_customer = customer
            return await self.handle(parsed, k, weak=False, chosen=customer)

        return Confirm(action="add_customer", summary=self._speaker.say("customer_not_found", query=name),
                       execute=execute, command=None, reply_code="customer_not_found",
                       reply_params={"query": name})

    def _done(self, o: Outcome, result: Done, replies: list[str], results: list[dict[str, Any]], intent: str) -> None:
        replies.append(self._speaker.say(result.code, **result.params))
        o.code = o.code or result.code
        results.append({"intent": intent, "action": result.action, **result.result})
        if result.action and o.action is None:
            o.action = result.action
        if result.end_call:
            o.end_call = True
        if result.action:
            o.timings.setdefault("action_done", self._clock.now_ms())

    def _finish(self, o: Outcome, replies: list[str], results: list[dict[str, Any]]) -> Outcome:
        o.reply = " ".join(r for r in replies if r)
        if len(results) == 1:
            single = dict(results[0])
            single.pop("intent", None)
            o.action = single.pop("action", None) or o.action
            o.result = single
        else:
            o.action = "multi"
            o.result = {"commands": results}
        o.code = o.code or "done"
        return o


def _choice(customer: Customer) -> dict[str, Any]:
    """How the replies tell candidates apart ("Gandhi chowk wale")."""
    choice: dict[str, Any] = {"name": customer.name}
    if customer.landmark:
        choice["landmark"] = customer.landmark
    elif customer.nicknames:
        choice["hint"] = customer.nicknames[0]
    return choice
