"""GET /metrics: Prometheus text for every process of this host, plus RQ queue depths read now.

Protection, one rule: with METRICS_TOKEN set, the request must carry
`Authorization: Bearer <token>` (compared in constant time); without it,
/metrics is answered only when the server listens on a loopback address and
trusts no reverse proxy (so only this host can reach it), and is 401 otherwise.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging

import redis.asyncio as aioredis
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from app.metrics_dir import multiprocess_active
from app.settings import Settings
from bot.metrics import QueueDepthCollector

log = logging.getLogger(__name__)
router = APIRouter(tags=["metrics"])

_REDIS_TIMEOUT_S = 1.0


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed(settings: Settings, authorization: str | None) -> bool:
    """The rule in the module docstring."""
    token = settings.metrics_token.get_secret_value()
    if token:
        scheme, _, given = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    return _loopback(settings.host) and not settings.trusted_proxies.strip()


async def queue_depths(redis: aioredis.Redis, queue: str) -> dict[str, int]:
    """Ready, scheduled, started and failed jobs of the RQ queue, from RQ's own keys."""
    pipe = redis.pipeline(transaction=False)
    pipe.llen(f"rq:queue:{queue}")
    pipe.zcard(f"rq:scheduled:{queue}")
    pipe.zcard(f"rq:wip:{queue}")
    pipe.zcard(f"rq:failed:{queue}")
    ready, scheduled, started, failed = await asyncio.wait_for(pipe.execute(), _REDIS_TIMEOUT_S)
    return {f"{queue}/ready": ready, f"{queue}/scheduled": scheduled, f"{queue}/started": started,
            f"{queue}/failed": failed}


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not allowed(settings, request.headers.get("authorization")):
        return PlainTextResponse("metrics: set METRICS_TOKEN and send it as a bearer token\n", status_code=401,
                                 headers={"WWW-Authenticate": "Bearer"})
    try:
        depths = await queue_depths(request.app.state.redis, settings.rq_queue)
    except Exception as exc:  # a scrape still reports the rest when Redis is slow or down
        log.warning("metrics: queue depth unavailable: %s", type(exc).__name__)
        depths = {}
    body = await asyncio.to_thread(_render, depths)  # reading every process's files is file I/O
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _render(depths: dict[str, int]) -> bytes:
    if multiprocess_active():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        process = generate_latest(registry)
    else:
        process = generate_latest(REGISTRY)
    scrape = CollectorRegistry()
    scrape.register(QueueDepthCollector(depths))
    return process + generate_latest(scrape)
