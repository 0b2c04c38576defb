"""A PIN lock-out tells the shop's owner: the notice is written with the lock-out,
delivered by a real worker process (fake WhatsApp API, or the local outbox
without WhatsApp settings), once per lock-out hour however many numbers try."""

from __future__ import annotations

import asyncpg
import pytest

from business.books import Books
from db.uow import PostgresUnitOfWorkFactory
from tests.support.phones import random_phone
from tests.support.polling import wait_until
from workers.queue import RQJobQueue

pytestmark = pytest.mark.slow


async def _lock_out(books: Books, phone: str) -> None:
    for pin in ("0000", "1111", "2222"):
        assert not (await books.check_pin(phone, pin)).ok


async def _notice_status(pool: asyncpg.Pool, shop_id: int) -> list[str]:
    rows = await pool.fetch("SELECT status FROM owner_notices WHERE shop_id = $1 ORDER BY id", shop_id)
    return [r["status"] for r in rows]


async def test_lock_out_reaches_the_owner_on_whatsapp_once(pool, redis_url, queue_name, fake_whatsapp, start_worker):
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    books = Books(PostgresUnitOfWorkFactory(pool), jobs=jobs)
    owner = random_phone()
    shop, _key = await books.create_shop("Lockout Kirana", owner, "4321")
    staff = random_phone()
    await books.add_shop_phone(shop.id, staff, role="staff", pin="8642")
    await _lock_out(books, staff)  # someone with the staff phone's caller ID guesses PINs
    await _lock_out(books, owner)  # ... and the owner's: still one notice this hour
    assert len(await _notice_status(pool, shop.id)) == 1
    start_worker(fake_whatsapp)

    async def sent() -> bool:
        return await _notice_status(pool, shop.id) == ["sent"]

    assert await wait_until(sent, 20)
    [request] = [r for r in fake_whatsapp.requests if str(r["body"].get("biz_opaque_callback_data", "")).startswith("notice:")]
    body = request["body"]
    assert body["to"] == owner.lstrip("+")
    assert body["template"]["name"] == "owner_security_alert"
    params = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert params[0] == "Lockout Kirana"
    assert params[1].endswith(staff[-4:]) and staff[-6:-4] not in params[1][:2]  # only the last digits
    assert len(params) == 3
    jobs.close()


async def test_without_whatsapp_the_notice_lands_in_the_outbox(pool, redis_url, queue_name, start_worker):
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    books = Books(PostgresUnitOfWorkFactory(pool), jobs=jobs)
    owner = random_phone()
    shop, _key = await books.create_shop("Outbox Kirana", owner, "4321")
    await _lock_out(books, owner)
    start_worker()

    async def in_outbox() -> bool:
        n = await pool.fetchval(
            "SELECT count(*) FROM whatsapp_outbox WHERE shop_id = $1 AND owner_notice_id IS NOT NULL", shop.id
        )
        return int(n) == 1

    assert await wait_until(in_outbox, 20)
    row = await pool.fetchrow("SELECT to_phone, template_name FROM whatsapp_outbox WHERE shop_id = $1", shop.id)
    assert row["to_phone"] == owner.lstrip("+") and row["template_name"] == "owner_security_alert"
    assert await _notice_status(pool, shop.id) == ["sent"]
    jobs.close()


async def test_a_lost_notice_job_is_enqueued_again_by_the_sweep(pool, database_url, redis_url, queue_name):
    from rq import Queue

    from business.ports import NullJobQueue
    from workers.context import WorkerConfig
    from workers.sweep import run_sweep

    books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())  # the enqueue is "lost"
    owner = random_phone()
    shop, _key = await books.create_shop("Sweep Kirana", owner, "4321")
    await _lock_out(books, owner)
    await pool.execute("UPDATE owner_notices SET created_at = now() - interval '5 minutes' WHERE shop_id = $1", shop.id)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        result = await run_sweep(conn, cfg, jobs)
    assert result["owner_notices"] >= 1
    queued = Queue(queue_name, connection=jobs.connection).jobs
    assert any(j.func_name == "workers.owner_notices.send_owner_notice" for j in queued)
    jobs.close()
