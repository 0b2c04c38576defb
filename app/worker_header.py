"""`X-Execora-Worker: <host>/<pid>` on every response and WebSocket accept.

With several app processes on one port (`execora serve --workers N`) or
replicas behind a proxy, an operator (and the multi-process test) can see which
process answered a webhook and which took the stream. Pure ASGI, so it
costs one header per response and nothing per media frame.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-execora-worker"


def worker_id() -> str:
    return f"{socket.gethostname()}/{os.getpid()}"


class WorkerHeaderMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        value = worker_id().encode()  # per request: a forked process has a new pid

        async def send_with_header(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                headers: list[Any] = list(message.get("headers") or [])
                headers.append((HEADER, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_header)
