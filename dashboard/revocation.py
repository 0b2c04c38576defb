"""Sign-out that sticks: a signed-out session's nonce is kept in Redis until the
cookie would have expired anyway, so a copied cookie stops working too.

Shared by every app process (Redis, not memory). If Redis cannot be reached the
check fails open (logged): the cookie is still signed, unexpired and bound to
the shop's current API key, and operators are not locked out of the books.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "execora:dashboard:revoked:"


async def revoke(redis: Any, nonce: str, ttl_s: int) -> None:
    """Mark a session signed out for `ttl_s` seconds (its remaining lifetime)."""
    if ttl_s > 0:
        await redis.set(PREFIX + nonce, b"1", ex=ttl_s)


async def is_revoked(redis: Any, nonce: str) -> bool:
    try:
        return bool(await redis.exists(PREFIX + nonce))
    except (RedisError, OSError):  # Redis down: fail open, logged (see the module docstring)
        log.warning("dashboard: session revocation check skipped, Redis unavailable", exc_info=True)
        return False
