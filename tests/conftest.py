"""Shared fixtures: a fresh, migrated PostgreSQL database per test session and
a private Redis database, on the servers named by TEST_DATABASE_URL /
TEST_REDIS_URL (defaults: the local PostgreSQL 15 and Redis 7 on 127.0.0.1).

Tests mock nothing of ours; each test makes its own shop, so tests never see
each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

ADMIN_DSN = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_REDIS_BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def pytest_configure(config: pytest.Config) -> None:
    """pipecat logs through loguru at DEBUG by default: route it through `logging` at
    TEST_LOG_LEVEL (WARNING), with the app's own set-up (LOG_LEVEL does the same for the server)."""
    from app.log_setup import route_loguru

    route_loguru(os.environ.get("TEST_LOG_LEVEL", "WARNING"))


def _dsn_for(database: str) -> str:
    base, _, _ = ADMIN_DSN.rpartition("/")
    return f"{base}/{database}"


async def _create_database(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_database(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A brand-new database with every migration applied; dropped afterwards."""
    from db.migrate import apply_migrations

    name = f"execora_test_{secrets.token_hex(4)}"
    asyncio.run(_create_database(name))
    dsn = _dsn_for(name)
    try:
        asyncio.run(apply_migrations(dsn))
        yield dsn
    finally:
        asyncio.run(_drop_database(name))


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """An asyncpg pool on the session's test database (per test: per event loop)."""
    from db.pool import create_pool

    p = await create_pool(database_url, min_size=1, max_size=20)
    try:
        yield p
    finally:
        await p.close()


REDIS_LEASE_PREFIX = "execora-test:db-lease:"
REDIS_LEASE_S = 3 * 3600  # longer than any run; a crashed run's lease lapses on its own
_RELEASE_LEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


TEST_REDIS_DBS = range(1, 13)  # 0 holds the leases; 13 and 14 are the benchmarks' (benchmarks/)


def _lease_redis_db(admin: Any, token: str) -> int:
    """A database number no other test run holds: `SET NX EX` on a per-number key in db 0."""
    numbers = list(TEST_REDIS_DBS)
    secrets.SystemRandom().shuffle(numbers)
    for db in numbers:
        if admin.set(f"{REDIS_LEASE_PREFIX}{db}", token, nx=True, ex=REDIS_LEASE_S):
            return db
    raise RuntimeError(f"all {len(numbers)} test Redis databases are leased by other runs")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis database number of our own on the local server (leased, so two runs never
    share one), flushed before and after; the lease is released at the end."""
    import redis

    admin = redis.Redis.from_url(f"{TEST_REDIS_BASE}/0")
    token = f"{os.getpid()}-{secrets.token_hex(8)}"
    db = _lease_redis_db(admin, token)
    url = f"{TEST_REDIS_BASE}/{db}"
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
        yield url
    finally:
        client.flushdb()
        client.close()
        admin.eval(_RELEASE_LEASE, 1, f"{REDIS_LEASE_PREFIX}{db}", token)
        admin.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "execora-data"
    d.mkdir()
    return d


@pytest.fixture
def settings(database_url: str, redis_url: str, data_dir: Path):  # type: ignore[no-untyped-def]
    """Settings pointing at the test Postgres/Redis, no vendor keys, a temp data dir."""
    from app.settings import Settings

    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        redis_url=redis_url,
        data_dir=data_dir,
        app_secret="test-secret-0123456789abcdef-0123456789",  # type: ignore[arg-type]
        public_base_url="https://execora.test",
        twilio_auth_token="test-twilio-token",  # type: ignore[arg-type]
        twilio_account_sid="AC" + "0" * 32,
    )
