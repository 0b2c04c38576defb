"""The live calls page and its server-sent events: the calls in progress in the operator's
shops, each turn appearing as the call's process stores it.

Whichever process holds the call publishes on the shop's Redis channel
(`telephony.live_calls`); this endpoint subscribes with redis.asyncio to the
channels of the shops the viewer may see (one shop, or every shop's pattern for an
admin who picked none) and drops any event whose shop is not in scope besides.
It subscribes first and then sends a snapshot of the open calls from Postgres, so
nothing between the page load and the subscription is missed (the page dedupes turns).

Streams are bounded in this process: `MAX_STREAMS_PER_OPERATOR` per operator and
`MAX_STREAMS` overall (a 429 beyond). A stream ends when the client goes (Starlette
cancels it on disconnect; the keep-alive write fails otherwise) and after
`MAX_STREAM_S`, when the browser's EventSource reconnects, which checks the session
again: a signed-out or disabled operator's page stops there.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from dashboard import admin, web
from db.live_queries import LiveCall, calls_in_progress
from telephony.live_calls import ALL_SHOPS, LiveEvent, channel_of, mask_phone, shop_of_channel, turn_payload

log = logging.getLogger(__name__)

router = APIRouter()

MAX_STREAMS_PER_OPERATOR = 4
MAX_STREAMS = 200
MAX_STREAM_S = 300.0
KEEPALIVE_S = 15.0
POLL_S = 1.0
RETRY_MS = 2000


@dataclass
class StreamSlots:
    """How many live streams this process serves, per operator and in all (per process: each
    app process holds its own connections)."""

    per_operator: int = MAX_STREAMS_PER_OPERATOR
    total: int = MAX_STREAMS
    _open: dict[int, int] = field(default_factory=dict)

    @property
    def open_total(self) -> int:
        return sum(self._open.values())

    def take(self, operator_id: int) -> bool:
        if self.open_total >= self.total or self._open.get(operator_id, 0) >= self.per_operator:
            return False
        self._open[operator_id] = self._open.get(operator_id, 0) + 1
        return True

    def release(self, operator_id: int) -> None:
        left = self._open.get(operator_id, 0) - 1
        if left > 0:
            self._open[operator_id] = left
        else:
            self._open.pop(operator_id, None)


def slots_of(state: Any) -> StreamSlots:
    slots: StreamSlots | None = getattr(state, "live_slots", None)
    if slots is None:
        slots = StreamSlots()
        state.live_slots = slots
    return slots


def call_payload(live: LiveCall, shop_names: dict[int, str]) -> dict[str, Any]:
    """A call as the page draws it (the same shape as a start event plus its turns)."""
    c = live.call
    shop_id = int(c.shop_id or 0)
    return {
        "call_sid": c.call_sid, "shop_id": shop_id, "shop_name": shop_names.get(shop_id, f"shop {shop_id}"),
        "caller": mask_phone(c.from_phone), "started_at": c.started_at.isoformat(), "channel": c.channel,
        "turns": [turn_payload(t) for t in live.turns],
    }


def sse(event: str, data: dict[str, Any], event_id: str | None = None) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {body}\n\n"


def in_scope(event: LiveEvent, channel: Any, scope: tuple[int, ...] | None) -> bool:
    """An event from our channel naming the same shop, and a shop the viewer may see."""
    if shop_of_channel(channel) != event.shop_id:
        return False
    return scope is None or event.shop_id in scope


async def event_stream(
    redis: Any, scope: tuple[int, ...] | None, snapshot: Callable[[], Awaitable[dict[str, Any]]],
    *, max_s: float = MAX_STREAM_S, keepalive_s: float = KEEPALIVE_S, on_close: Callable[[], None] | None = None,
    shop_names: dict[int, str] | None = None,
) -> AsyncIterator[str]:
    """SSE text for `scope` (None: every shop): a snapshot, then start/turn/end events as published."""
    loop = asyncio.get_running_loop()
    pubsub = redis.pubsub()
    names = shop_names or {}
    try:
        if scope is None:
            await pubsub.psubscribe(ALL_SHOPS)
        else:
            await pubsub.subscribe(*[channel_of(s) for s in scope])
        yield f"retry: {RETRY_MS}\n\n"
        yield sse("snapshot", await snapshot())
        deadline = loop.time() + max_s
        quiet_since = loop.time()
        while loop.time() < deadline:
            msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_S)
            if msg is None or msg.get("type") not in ("message", "pmessage"):
                if loop.time() - quiet_since >= keepalive_s:
                    quiet_since = loop.time()
                    yield ": keep-alive\n\n"
                continue
            event = LiveEvent.decode(msg["data"])
            if event is None or not in_scope(event, msg.get("channel"), scope):
                continue
            quiet_since = loop.time()
            data = {"call_sid": event.call_sid, "shop_id": event.shop_id,
                    "shop_name": names.get(event.shop_id, f"shop {event.shop_id}"), **event.data}
            turn_no = event.data.get("turn", {}).get("turn_no") if event.type == "turn" else None
            yield sse(event.type, data, f"{event.call_sid}:{turn_no}" if turn_no is not None else None)
    finally:
        try:
            await pubsub.aclose()
        except Exception:  # closing a broken connection: nothing more to do
            log.debug("live feed: pubsub close failed", exc_info=True)
        if on_close is not None:
            on_close()


def _scope(viewer: web.Viewer) -> tuple[int, ...] | None:
    if viewer.shop is not None:
        return (viewer.shop.id,)
    assert viewer.operator.is_admin  # only an admin has no shop in view
    return None


async def _names(request: Request, viewer: web.Viewer) -> dict[int, str]:
    if viewer.shop is not None:
        return {viewer.shop.id: viewer.shop.name}
    return {s.id: s.name for s in await admin.all_shops(request)}


async def _open_calls(request: Request, scope: tuple[int, ...] | None) -> list[LiveCall]:
    async with request.app.state.pool.acquire() as conn:
        return await calls_in_progress(conn, scope)


@router.get("/live", response_class=HTMLResponse)
async def live_page(request: Request) -> Response:
    viewer = await web.viewer_for(request)
    if isinstance(viewer, Response):
        return viewer
    names = await _names(request, viewer)
    calls = [call_payload(c, names) for c in await _open_calls(request, _scope(viewer))]
    return web.page(request, "live.html", viewer, calls=calls,
                    events_url=viewer.link("/dashboard/live/events"), all_shops=viewer.shop is None)


@router.get("/live/events")
async def live_events(request: Request) -> Response:
    viewer = await web.viewer_for(request)
    if isinstance(viewer, Response):  # EventSource shows no page: a plain refusal it stops on
        return web.html("sign in again", status=401) if viewer.status_code == 303 else viewer
    scope = _scope(viewer)
    slots = slots_of(request.app.state)
    op_id = viewer.operator.id
    if not slots.take(op_id):
        log.info("dashboard live: stream refused operator_id=%s (cap)", op_id)
        return web.html("too many live views open", status=429)
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            slots.release(op_id)

    try:
        names = await _names(request, viewer)

        async def snapshot() -> dict[str, Any]:
            return {"calls": [call_payload(c, names) for c in await _open_calls(request, scope)]}

        stream = event_stream(request.app.state.redis, scope, snapshot, on_close=release, shop_names=names)
    except BaseException:
        release()
        raise
    headers = {**web.SECURITY_HEADERS, "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers,
                             background=BackgroundTask(release))
