"""GET /health: is this process able to serve (database and Redis answer)?"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.deps import PoolDep, RedisDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])

_TIMEOUT_S = 2.0


async def _check_db(pool: asyncpg.Pool) -> str:
    await asyncio.wait_for(pool.fetchval("SELECT 1"), _TIMEOUT_S)
    return "ok"


async def _check_redis(redis: aioredis.Redis) -> str:
    await asyncio.wait_for(redis.ping(), _TIMEOUT_S)
    return "ok"


@router.get("/health", summary="Liveness and dependencies")
async def health(pool: PoolDep, redis: RedisDep) -> JSONResponse:
    """200 with `{"status": "ok", ...}` when Postgres and Redis answer, else 503 saying which failed."""
    checks: dict[str, Any] = {}
    probes: tuple[tuple[str, Awaitable[str]], ...] = (("database", _check_db(pool)), ("redis", _check_redis(redis)))
    for name, probe in probes:
        try:
            checks[name] = await probe
        except Exception as exc:  # a health probe reports, it does not raise
            log.warning("health: %s check failed: %s", name, type(exc).__name__)
            checks[name] = "error"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "error", **checks}, status_code=200 if ok else 503)
