"""The one way a test waits for something: poll a predicate until it holds.

`wait_until` is for async tests (the predicate may be sync or async);
`wait_until_blocking` is the same loop for code with no event loop to yield
to (a server thread, a test driving subprocesses). Both return the
predicate's first truthy value, or its last (falsy) value once `timeout_s` has
passed, so a caller writes `assert await wait_until(...)` or keeps the value.
A predicate may raise (e.g. an assertion that a process is still alive) to
stop the wait early.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

Predicate = Callable[[], Any | Awaitable[Any]]


async def wait_until(predicate: Predicate, timeout_s: float = 10.0, interval_s: float = 0.1) -> Any:
    """Poll an async or sync predicate every `interval_s` until it is truthy or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value or time.monotonic() >= deadline:
            return value
        await asyncio.sleep(interval_s)


def wait_until_blocking(predicate: Callable[[], Any], timeout_s: float = 10.0, interval_s: float = 0.1) -> Any:
    """`wait_until` for a sync predicate where no event loop runs: sleeps the thread between polls."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval_s)
