"""Fixtures for the background-work tests: a fake WhatsApp API, real worker
processes (`python -m app.cli worker`) on the test database and Redis with a
queue name of their own, and rows made directly in SQL (each test its own shop).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.integration.workers.fake_whatsapp import FakeWhatsApp

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fake_whatsapp() -> Iterator[FakeWhatsApp]:
    fake = FakeWhatsApp().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def queue_name() -> str:
    return f"test-{secrets.token_hex(4)}"


class WorkerProcess:
    """`python -m app.cli worker` in its own process group (so SIGKILL takes the work-horse too)."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_worker(
    database_url: str, redis_url: str, queue_name: str, tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start worker processes; every one is stopped at the end of the test."""
    started: list[WorkerProcess] = []

    def start(fake: FakeWhatsApp | None = None, **extra: str) -> WorkerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "S3_", "AWS_", "REMINDER_"))}
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            RQ_QUEUE=queue_name,
            DATA_DIR=str(tmp_path / "worker-data"),
            REMINDER_SEND_WINDOW="00:00-24:00",
            REMINDER_SWEEP_INTERVAL_S="1",
            REMINDER_SENDING_STALE_S="3",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        if fake is not None:
            env.update(
                WHATSAPP_API_BASE_URL=fake.base_url,
                WHATSAPP_ACCESS_TOKEN="test-token",
                WHATSAPP_PHONE_NUMBER_ID="1234567890",
                WHATSAPP_TIMEOUT_S="2",
            )
        env.update(extra)
        w = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log")
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


async def make_shop(
    conn: asyncpg.Connection, name: str = "Sharma Kirana", settings: dict[str, Any] | None = None
) -> int:
    shop_id: int = await conn.fetchval(
        "INSERT INTO shops (name, api_key_hash, settings) VALUES ($1, $2, $3) RETURNING id",
        name,
        secrets.token_hex(16),
        settings or {},
    )
    return shop_id


class _OneConnection:
    """A pool of one: the caller's connection, so `Books` writes where the test reads."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def acquire(self) -> asyncpg.Connection:
        return self._conn

    async def release(self, conn: asyncpg.Connection) -> None:
        return None


def books_on(conn: asyncpg.Connection) -> Any:
    from business.books import Books
    from db.uow import PostgresUnitOfWorkFactory

    return Books(PostgresUnitOfWorkFactory(_OneConnection(conn)))  # type: ignore[arg-type]


async def make_customer(
    conn: asyncpg.Connection,
    shop_id: int,
    *,
    name: str = "Rahul",
    balance_paise: int = 50_000,
    opted_in: bool = True,
    phone: str | None = None,
) -> int:
    """A customer made by the books: what they owe is an opening-balance ledger entry, not a bare number."""
    phone = phone or "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))
    customer = await books_on(conn).add_customer(
        shop_id, name, phone=phone, whatsapp_opt_in=opted_in, opening_balance_paise=balance_paise,
        phone_confirmed=opted_in,  # the owner vouched for it: these tests are about sending
    )
    return int(customer.id)


async def make_reminder(
    conn: asyncpg.Connection, shop_id: int, customer_id: int, due_at: datetime, amount_paise: int | None = None
) -> int:
    reminder_id: int = await conn.fetchval(
        """INSERT INTO reminders (shop_id, customer_id, amount_paise, due_at)
           VALUES ($1, $2, $3, $4) RETURNING id""",
        shop_id,
        customer_id,
        amount_paise,
        due_at,
    )
    return reminder_id


async def reminder_row(conn: asyncpg.Connection, reminder_id: int) -> dict[str, Any]:
    row = await conn.fetchrow("SELECT * FROM reminders WHERE id = $1", reminder_id)
    assert row is not None
    return dict(row)
