"""What every business action shares: one unit of work, the idempotency key, after-commit hooks.

`ActionRunner` is the base of each aggregate's use-case class (`business.actions.*`);
`business.books.Books` combines them. A replayed key returns the first result and
posts nothing; job-queue calls (reminder timers) run only after the commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from business.errors import IdempotencyKeyReused, ValidationError
from business.ports import Clock, JobQueue, NullJobQueue, SystemClock, UnitOfWork, UnitOfWorkFactory
from business.serde import from_jsonable, to_jsonable

log = logging.getLogger(__name__)

T = TypeVar("T")
AfterCommit = list[Callable[[], None]]

_OFF_LOOP_ABOVE = 50  # candidates; scoring ~300 names takes ~10 ms of CPU: keep it off the event loop


class ActionRunner:
    """Holds the unit-of-work factory, the clock and the job queue; runs actions and reads."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock | None = None, jobs: JobQueue | None = None
    ) -> None:
        self._uow = uow_factory
        self._clock: Clock = clock or SystemClock()
        self._jobs: JobQueue = jobs or NullJobQueue()

    async def _action(
        self,
        shop_id: int,
        key: str | None,
        action: str,
        result_type: Any,
        body: Callable[[UnitOfWork, AfterCommit], Awaitable[T]],
    ) -> T:
        """Run `body` in one transaction, honouring the idempotency key; then the after-commit hooks."""
        if key is not None and not (1 <= len(key) <= 200):
            raise ValidationError("idempotency key must be 1-200 characters", "idempotency_key")
        after: AfterCommit = []
        async with self._uow() as uow:
            if key is not None:
                prior = await uow.idempotency.claim(shop_id, key, action)
                if prior is not None:
                    first_action, stored = prior
                    if first_action != action:
                        raise IdempotencyKeyReused(key, first_action, action)
                    log.info("replayed %s shop_id=%s", action, shop_id)
                    result: T = from_jsonable(result_type, stored)
                    return result
            result = await body(uow, after)
            if key is not None:
                await uow.idempotency.save_result(shop_id, key, to_jsonable(result))
            await uow.commit()
        for hook in after:  # JobQueue calls are blocking (Redis): keep them off the event loop
            try:
                await asyncio.to_thread(hook)
            except Exception:  # the row is the truth; the worker's sweep re-creates lost timers
                log.exception("after-commit hook failed in %s shop_id=%s", action, shop_id)
        return result

    async def _read(self, fn: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        async with self._uow() as uow:
            return await fn(uow)

    async def _read_one(
        self, fetch: Callable[[UnitOfWork], Awaitable[T | None]], missing: Callable[[], Exception]
    ) -> T:
        """One row by a read-only lookup, or the not-found error `missing()` builds."""
        found = await self._read(fetch)
        if found is None:
            raise missing()
        return found


async def off_loop(size: int, fn: Callable[..., T], *args: Any) -> T:
    """Run a CPU-bound matcher inline for small shops, in a worker thread for big ones."""
    if size > _OFF_LOOP_ABOVE:
        return await asyncio.to_thread(fn, *args)
    return fn(*args)
