"""Inbound WhatsApp messages (`entry[].changes[].value.messages[]`) as typed values.

What Meta sends (Cloud API webhooks, field `messages`): `from` (the sender's
digits), `id` (the inbound wamid, our idempotency key), `type` (text, button,
interactive, audio, ...), and `context.id` when the message replies to one of
ours. A template's quick-reply tap is `type: button` (`button.payload`); a tap
on an interactive message's reply button is `type: interactive`
(`interactive.button_reply.id`). Junk entries are skipped, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT, BUTTON, AUDIO, OTHER = "text", "button", "audio", "other"


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    from_phone: str  # digits, country code first, as Meta sends it
    kind: str  # TEXT (typed text), BUTTON (a quick-reply or reply-button tap), AUDIO, OTHER
    text: str = ""  # the typed text, or the tapped button's title
    payload: str = ""  # the tapped button's payload / id
    context_id: str = ""  # the wamid of our message this one replies to
    media_id: str = ""
    mime_type: str = ""

    @property
    def e164(self) -> str:
        digits = "".join(ch for ch in self.from_phone if ch.isdigit())
        return f"+{digits}" if digits else ""


def _str(value: Any, limit: int = 4096) -> str:
    return str(value)[:limit] if isinstance(value, str | int) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _message(m: dict[str, Any]) -> InboundMessage | None:
    message_id, sender, mtype = _str(m.get("id"), 200), _str(m.get("from"), 20), _str(m.get("type"), 40)
    if not message_id or not sender:
        return None
    context = _dict(m.get("context"))
    base: dict[str, Any] = {"message_id": message_id, "from_phone": sender, "context_id": _str(context.get("id"), 200)}
    body = _dict(m.get(mtype))
    if mtype == "text":
        return InboundMessage(kind=TEXT, text=_str(body.get("body")), **base)
    if mtype == "button":
        return InboundMessage(kind=BUTTON, text=_str(body.get("text"), 200), payload=_str(body.get("payload"), 256),
                              **base)
    if mtype == "interactive":
        reply = body.get("button_reply") or body.get("list_reply") or {}
        if isinstance(reply, dict):
            return InboundMessage(kind=BUTTON, text=_str(reply.get("title"), 200), payload=_str(reply.get("id"), 256),
                                  **base)
    if mtype == "audio":
        return InboundMessage(kind=AUDIO, media_id=_str(body.get("id"), 200), mime_type=_str(body.get("mime_type"), 100),
                              **base)
    return InboundMessage(kind=OTHER, **base)


def parse_messages(payload: Any) -> list[InboundMessage]:
    """Every well-formed inbound message of a webhook body, in order."""
    out: list[InboundMessage] = []
    if not isinstance(payload, dict):
        return out
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            for m in (value.get("messages") or []) if isinstance(value, dict) else []:
                parsed = _message(m) if isinstance(m, dict) else None
                if parsed is not None:
                    out.append(parsed)
    return out
