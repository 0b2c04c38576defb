"""Request body caps, enforced before the app reads past them (413).

A client must not make the server buffer megabytes before it is even
authenticated: webhooks carry a few kilobytes, API calls modest JSON. The cap
is checked against Content-Length first (refused without reading), and a
chunked or lying body is counted as it streams in and cut off at the cap.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
# Path prefix -> the most bytes a request body there may carry (first match wins).
DEFAULT_LIMITS: tuple[tuple[str, int], ...] = (
    ("/twilio/", 16 * KIB),  # form-encoded webhooks: a few hundred bytes
    ("/whatsapp/", 64 * KIB),  # Meta batches statuses; their documented payloads stay far below this
    ("/dashboard/", 8 * KIB),  # the sign-in form
    ("/api/", 256 * KIB),  # JSON bodies of the books' API
)
FALLBACK_LIMIT = 64 * KIB


@dataclass(frozen=True)
class BodyLimits:
    limits: Sequence[tuple[str, int]] = DEFAULT_LIMITS
    fallback: int = FALLBACK_LIMIT

    def for_path(self, path: str) -> int:
        return next((limit for prefix, limit in self.limits if path.startswith(prefix)), self.fallback)


class BodyLimitMiddleware:
    """Pure ASGI middleware (no buffering of its own): 413 as soon as a body passes its route's cap."""

    def __init__(self, app: ASGIApp, limits: BodyLimits | None = None) -> None:
        self.app = app
        self.limits = limits or BodyLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _reply_413(send, limit)
            return
        received = 0
        started = refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not refused:
                    refused = True
                    if not started:
                        await _reply_413(send, limit)
                    return {"type": "http.disconnect"}  # the app stops reading; what it answers is dropped
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, watched_send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _reply_413(send: Send, limit: int) -> None:
    body = json.dumps({"error": {"code": "body_too_large", "message": f"request body over {limit} bytes"}}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})
