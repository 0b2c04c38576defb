"""The process's long-lived resources, opened once and closed once.

The HTTP app opens them in its lifespan (`app.main`); CLI commands that need
the books (`seed`, `shop`) use `open_resources` directly. The job queue is
`workers.queue.RQJobQueue` when the worker package provides it, else the
business layer's `NullJobQueue` (reminders then stay rows until a worker runs).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from app.settings import Settings
from business.books import Books
from business.ports import JobQueue, NullJobQueue, SystemClock
from db.pool import create_pool

log = logging.getLogger(__name__)


@dataclass
class Resources:
    """What request handlers and commands share: put on `app.state` one by one."""

    settings: Settings
    pool: asyncpg.Pool
    redis: aioredis.Redis
    books: Books
    jobs: JobQueue


def build_job_queue(settings: Settings) -> JobQueue:
    """RQ-backed queue (on RQ_QUEUE) when `workers.queue` exists; a no-op queue otherwise."""
    try:
        module = importlib.import_module("workers.queue")
    except ImportError:
        log.warning("workers.queue not available: reminders will not be scheduled on RQ")
        return NullJobQueue()
    queue: JobQueue = module.RQJobQueue(settings.redis_url, queue_name=settings.rq_queue)
    return queue


def build_books(pool: asyncpg.Pool, jobs: JobQueue) -> Books:
    from db.uow import PostgresUnitOfWorkFactory  # the db adapter, wired here only

    return Books(PostgresUnitOfWorkFactory(pool), clock=SystemClock(), jobs=jobs)


@asynccontextmanager
async def books_scope(database_url: str, *, max_size: int = 4) -> AsyncIterator[Books]:
    """`Books` on a small pool without Redis (CLI admin commands: shop add, seed)."""
    pool = await create_pool(database_url, min_size=1, max_size=max_size)
    try:
        yield build_books(pool, NullJobQueue())
    finally:
        await pool.close()


async def open_resources(settings: Settings, *, job_queue: bool = True) -> Resources:
    """Open the pool and Redis client and build `Books`; raise if the database is unreachable."""
    if not settings.database_url or not settings.redis_url:
        raise RuntimeError("DATABASE_URL and REDIS_URL must be set (`execora up` sets embedded ones)")
    pool = await create_pool(settings.database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max)
    try:
        client = aioredis.Redis.from_url(settings.redis_url)
        jobs: JobQueue = build_job_queue(settings) if job_queue else NullJobQueue()
    except BaseException:
        await pool.close()
        raise
    return Resources(settings=settings, pool=pool, redis=client, books=build_books(pool, jobs), jobs=jobs)


async def close_resources(res: Resources) -> None:
    """Close in reverse order of opening; a failure to close one does not keep the others open."""
    close: Any = getattr(res.jobs, "close", None)
    if callable(close):
        try:
            close()
        except Exception:
            log.exception("closing the job queue failed")
    try:
        await res.redis.aclose()  # type: ignore[attr-defined]  # stubs predate redis 5
    except Exception:
        log.exception("closing redis failed")
    await res.pool.close()


@asynccontextmanager
async def resources_scope(settings: Settings, *, job_queue: bool = True) -> AsyncIterator[Resources]:
    res = await open_resources(settings, job_queue=job_queue)
    try:
        yield res
    finally:
        await close_resources(res)
