"""A conversation's state as JSON, so a chat over messages (WhatsApp) can go on in any process.

A phone call keeps its `CallState` in its pipeline; a message channel has no
pipeline between messages, so after each turn the state is saved (Redis, with
a TTL) and the next message restores it into a fresh `Conversation`. Saved:
the session's call id and turn counter (idempotency keys stay unique), the
language, the active customer, a question or choice still open, and the
commands a read-back waits on (rebuilt on restore by running them again as
weak commands: a read-back books nothing). The PIN is not saved: message
channels trust the registered number, as typed chat does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.call.conversation import Conversation
from bot.call.state import PendingChoice, PendingQuestion
from business.models import Customer
from business.serde import from_jsonable, to_jsonable

VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    call_sid: str
    turn_no: int
    language: str
    data: dict[str, Any]


def _queued(items: list[tuple[dict[str, Any], str]]) -> list[list[Any]]:
    return [[to_jsonable(parsed), key] for parsed, key in items]


def _unqueued(items: Any) -> list[tuple[dict[str, Any], str]]:
    return [(dict(p), str(k)) for p, k in items or []]


def take(conversation: Conversation, call_sid: str) -> dict[str, Any]:
    """The conversation's state after a turn, JSON-able."""
    st = conversation.state
    out: dict[str, Any] = {
        "v": VERSION, "call_sid": call_sid, "turn_no": st.turn_no, "language": st.language,
        "failed_understanding": st.failed_understanding,
        "active_customer": to_jsonable(st.active_customer) if st.active_customer else None,
        "pending": _queued([(w.parsed, w.key) for w in st.pending.waiting]) if st.pending else None,
        "question": None, "choice": None,
    }
    if st.question is not None:
        q = st.question
        out["question"] = {"parsed": to_jsonable(q.parsed), "missing": q.missing, "code": q.code, "key": q.key,
                           "rest": _queued(q.rest)}
    if st.choice is not None:
        c = st.choice
        out["choice"] = {"parsed": to_jsonable(c.parsed), "candidates": to_jsonable(c.candidates), "weak": c.weak,
                         "key": c.key, "rest": _queued(c.rest)}
    return out


def header(data: dict[str, Any]) -> Snapshot | None:
    """Call id, turn counter and language of a saved state; None for junk or another version."""
    if not isinstance(data, dict) or data.get("v") != VERSION or not isinstance(data.get("call_sid"), str):
        return None
    return Snapshot(str(data["call_sid"]), int(data.get("turn_no") or 0), str(data.get("language") or ""), data)


async def restore(conversation: Conversation, snap: Snapshot) -> None:
    """Put a saved state back into a conversation made for the same shop and phone."""
    st, data = conversation.state, snap.data
    st.failed_understanding = int(data.get("failed_understanding") or 0)
    if data.get("active_customer"):
        st.active_customer = from_jsonable(Customer, data["active_customer"])
    q = data.get("question")
    if isinstance(q, dict):
        st.question = PendingQuestion(dict(q["parsed"]), str(q["missing"]), str(q["code"]), str(q["key"]),
                                      _unqueued(q.get("rest")))
    c = data.get("choice")
    if isinstance(c, dict):
        st.choice = PendingChoice(dict(c["parsed"]), [from_jsonable(Customer, x) for x in c["candidates"]],
                                  bool(c["weak"]), str(c["key"]), _unqueued(c.get("rest")))
    if data.get("pending"):
        await conversation.restore_pending(_unqueued(data["pending"]))
