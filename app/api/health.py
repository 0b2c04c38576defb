"""GET /health: is this process able to serve (database and Redis answer)?"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])

_TIMEOUT_S = 2.0


async def _check_db(request: Request) -> str:
    await asyncio.wait_for(request.app.state.pool.fetchval("SELECT 1"), _TIMEOUT_S)
    return "ok"


async def _check_redis(request: Request) -> str:
    await asyncio.wait_for(request.app.state.redis.ping(), _TIMEOUT_S)
    return "ok"


@router.get("/health", summary="Liveness and dependencies")
async def health(request: Request) -> JSONResponse:
    """200 with `{"status": "ok", ...}` when Postgres and Redis answer, else 503 saying which failed."""
    checks: dict[str, Any] = {}
    for name, check in (("database", _check_db), ("redis", _check_redis)):
        try:
            checks[name] = await check(request)
        except Exception as exc:  # a health probe reports, it does not raise
            log.warning("health: %s check failed: %s", name, type(exc).__name__)
            checks[name] = "error"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "error", **checks}, status_code=200 if ok else 503)
