"""Typed FastAPI dependencies for what the lifespan put on `app.state`.

Routes declare `books: BooksDep` (or `PoolDep`, `RedisDep`, `SettingsDep`)
instead of reading `request.app.state.<name>` themselves, so each resource
is named and typed in one place.
"""

from __future__ import annotations

from typing import Annotated, cast

import asyncpg
import redis.asyncio as aioredis
from fastapi import Depends, Request

from app.settings import Settings
from business.books import Books


def get_books(request: Request) -> Books:
    """The process's `Books` facade (opened in the lifespan)."""
    return cast(Books, request.app.state.books)


def get_pool(request: Request) -> asyncpg.Pool:
    """The asyncpg pool, for the read-only routes that query `db` directly (calls, outbox, health)."""
    return cast(asyncpg.Pool, request.app.state.pool)


def get_redis(request: Request) -> aioredis.Redis:
    return cast(aioredis.Redis, request.app.state.redis)


def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


BooksDep = Annotated[Books, Depends(get_books)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
RedisDep = Annotated[aioredis.Redis, Depends(get_redis)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
