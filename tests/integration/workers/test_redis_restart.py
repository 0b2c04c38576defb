"""Redis killed and restarted empty under the worker: reminders are rebuilt from Postgres by the
sweep and each is sent exactly once (Redis is only the timer; the reminder row is the truth)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.workers.conftest import make_customer, make_reminder, make_shop
from tests.support.polling import wait_until
from tests.support.private_redis import PrivateRedis
from workers.queue import RQJobQueue

pytestmark = pytest.mark.slow


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if not PrivateRedis.available():
        pytest.skip("redis-server not installed")
    server = PrivateRedis().start()
    try:
        yield server
    finally:
        server.stop()


async def _status(pool, rid: int) -> str:  # type: ignore[no-untyped-def]
    return str(await pool.fetchval("SELECT status FROM reminders WHERE id = $1", rid))


async def test_reminders_survive_a_redis_crash_and_send_once(
    pool, private_redis: PrivateRedis, queue_name, fake_whatsapp, start_worker
):
    async with pool.acquire() as conn:
        shop = await make_shop(conn, "Redis Crash Kirana")
        cust = await make_customer(conn, shop, balance_paise=30_000)
        soon = await make_reminder(conn, shop, cust, datetime.now(UTC) + timedelta(seconds=3), amount_paise=10_000)
        later = await make_reminder(conn, shop, cust, datetime.now(UTC) + timedelta(seconds=6), amount_paise=20_000)
    jobs = RQJobQueue(private_redis.url, queue_name=queue_name)
    jobs.schedule_reminder(soon, datetime.now(UTC) + timedelta(seconds=3))
    jobs.schedule_reminder(later, datetime.now(UTC) + timedelta(seconds=6))
    jobs.close()
    worker = start_worker(fake_whatsapp, REDIS_URL=private_redis.url)
    private_redis.restart()  # every scheduled job is gone; the worker reconnects to an empty server

    async def both_sent() -> bool:
        return await _status(pool, soon) == "sent" and await _status(pool, later) == "sent"

    assert await wait_until(both_sent, 45), worker.output()[-3000:]
    assert len(fake_whatsapp.for_reminder(soon)) == 1
    assert len(fake_whatsapp.for_reminder(later)) == 1
