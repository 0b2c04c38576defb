"""Two `execora worker` processes on one queue: every reminder is sent exactly once.

Each reminder also has a duplicate timer, so both workers may pick up jobs
for the same reminder at the same moment; the row lock and its state decide.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.integration.workers.conftest import make_customer, make_reminder, make_shop
from tests.support.polling import wait_until
from workers.queue import RQJobQueue

pytestmark = pytest.mark.slow

REMINDERS = 10


async def test_two_workers_send_each_reminder_once(pool, redis_url, queue_name, fake_whatsapp, start_worker):
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    due = datetime.now(UTC) + timedelta(seconds=3)
    async with pool.acquire() as conn:
        shop = await make_shop(conn, "Two Worker Store")
        rids = []
        for i in range(REMINDERS):
            cust = await make_customer(conn, shop, name=f"Customer {i}", balance_paise=10_000 + i)
            rids.append(await make_reminder(conn, shop, cust, due))
    for rid in rids:
        jobs.schedule_reminder(rid, due)
        jobs.schedule_reminder(rid, due, fresh_id=True)  # a duplicate timer for the other worker to race
    workers = [start_worker(fake_whatsapp), start_worker(fake_whatsapp)]

    async def all_sent() -> bool:
        return await _count(pool, rids, "sent") == REMINDERS

    assert await wait_until(all_sent, 40), "\n".join(w.output() for w in workers)
    assert await wait_until(lambda: not any(jobs.reminder_job_alive(r) for r in rids), 30)
    for rid in rids:
        assert len(fake_whatsapp.for_reminder(rid)) == 1, rid
    assert all(w.proc.poll() is None for w in workers)
    jobs.close()


async def _count(pool: asyncpg.Pool, rids: list[int], status: str) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM reminders WHERE id = ANY($1) AND status = $2", rids, status))
