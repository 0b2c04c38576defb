"""The live feed of calls in progress: each call's start, turns and end, published on Redis.

Any app process may hold a call and any other may serve the dashboard's live page,
so the call's process publishes what happens on the shop's own channel
(`execora:live:shop:<id>`) and the dashboard subscribes to the channels of the
shops the operator may see: filtering by shop is which channels one listens to.

Published after the turn is stored (Postgres stays the truth: a page that missed
an event reads the turn there). Publishing is best effort: a slow or absent Redis
costs the call a logged warning, never a turn, and never waits more than
`PUBLISH_TIMEOUT_S`. Events carry the caller's number masked, never in full.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from business.turns import CallTurn

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "execora:live:shop:"
ALL_SHOPS = CHANNEL_PREFIX + "*"  # the pattern an admin looking at every shop listens on
PUBLISH_TIMEOUT_S = 1.0
EVENT_TYPES = ("start", "turn", "end")


class Publisher(Protocol):
    """The one Redis call the feed needs (redis.asyncio.Redis has it)."""

    async def publish(self, channel: str, message: bytes) -> Any: ...


def channel_of(shop_id: int) -> str:
    return f"{CHANNEL_PREFIX}{int(shop_id)}"


def shop_of_channel(channel: str | bytes) -> int | None:
    """The shop id a channel name is for (None: not one of ours)."""
    text = channel.decode() if isinstance(channel, bytes) else channel
    tail = text.removeprefix(CHANNEL_PREFIX)
    return int(tail) if tail != text and tail.isdigit() else None


def mask_phone(phone: str | None) -> str:
    """Only the last four digits travel: the live page shows who called without the number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) < 5:
        return "hidden" if digits else "unknown"
    return "•" * (len(digits) - 4) + digits[-4:]


def turn_payload(turn: CallTurn) -> dict[str, Any]:
    """What the live page shows of a turn: words both ways, what was understood and done."""
    result = turn.result or {}
    error = result.get("error")
    return {
        "turn_no": turn.turn_no,
        "source": turn.source,
        "heard": turn.heard,
        "intent": turn.intent,
        "action": turn.action,
        "reply": turn.reply,
        "error": error if isinstance(error, str) else None,
        "asked": bool("asked" in result or "candidates" in result),
        "latency_ms": latency_ms(turn.timings),
    }


def latency_ms(timings: dict[str, float]) -> float | None:
    """End of the caller's speech to the bot's first reply audio (None when a stage is missing)."""
    end, reply = timings.get("speech_end"), timings.get("first_reply_audio")
    if not isinstance(end, (int, float)) or not isinstance(reply, (int, float)):
        return None
    return round(float(reply) - float(end), 1)


@dataclass(frozen=True)
class LiveEvent:
    """One event of the feed as it travels (JSON on the shop's channel)."""

    type: str  # one of EVENT_TYPES
    call_sid: str
    shop_id: int
    data: dict[str, Any]

    def encode(self) -> bytes:
        body = {"type": self.type, "call_sid": self.call_sid, "shop_id": self.shop_id, **self.data}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str).encode()

    @classmethod
    def decode(cls, raw: bytes | str) -> LiveEvent | None:
        """The event in a message, or None for anything malformed (never raises on a bad message)."""
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        kind, sid, shop = body.pop("type", None), body.pop("call_sid", None), body.pop("shop_id", None)
        if kind not in EVENT_TYPES or not isinstance(sid, str) or not isinstance(shop, int) or isinstance(shop, bool):
            return None
        return cls(type=kind, call_sid=sid, shop_id=shop, data=body)


class LiveCallFeed:
    """One call's publisher: its start, each stored turn, its end."""

    def __init__(self, redis: Publisher | None, *, call_sid: str, shop_id: int) -> None:
        self._redis = redis
        self.call_sid = call_sid
        self.shop_id = shop_id

    async def started(self, *, from_phone: str, started_at: datetime | None, channel: str) -> None:
        at = (started_at or datetime.now(UTC)).astimezone(UTC).isoformat()
        await self._send("start", {"caller": mask_phone(from_phone), "started_at": at, "channel": channel})

    async def turn(self, turn: CallTurn) -> None:
        await self._send("turn", {"turn": turn_payload(turn)})

    async def ended(self, *, status: str, ended_reason: str) -> None:
        await self._send("end", {"status": status, "ended_reason": ended_reason})

    async def _send(self, kind: str, data: dict[str, Any]) -> None:
        if self._redis is None:
            return
        event = LiveEvent(type=kind, call_sid=self.call_sid, shop_id=self.shop_id, data=data)
        try:
            await asyncio.wait_for(self._redis.publish(channel_of(self.shop_id), event.encode()),
                                   PUBLISH_TIMEOUT_S)
        except Exception:  # best effort at the edge: the turn is stored; the live page reads it there
            log.warning("live feed: %s not published call_sid=%s shop_id=%s", kind, self.call_sid,
                        self.shop_id, exc_info=True)


def feed_for(redis: Publisher | None, call_sid: str, shop_id: int | None) -> LiveCallFeed | None:
    """The call's feed, or None for a call without a shop (nobody could be shown it)."""
    return None if shop_id is None else LiveCallFeed(redis, call_sid=call_sid, shop_id=shop_id)
