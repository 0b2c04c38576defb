"""Reminders through a real worker process, real Redis and Postgres, and a fake WhatsApp API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from rq.job import Job, JobStatus

from tests.integration.workers.conftest import (
    make_customer,
    make_reminder,
    make_shop,
    reminder_row,
)
from tests.support.polling import wait_until
from workers.queue import RQJobQueue

pytestmark = pytest.mark.slow


async def _status(pool: asyncpg.Pool, reminder_id: int) -> str:
    return str(await pool.fetchval("SELECT status FROM reminders WHERE id = $1", reminder_id))


async def test_due_reminder_is_sent_exactly_once(pool, redis_url, queue_name, fake_whatsapp, start_worker):
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        shop = await make_shop(conn, "Gupta General Store")
        cust = await make_customer(conn, shop, name="Rahul", balance_paise=75_000)
        due = datetime.now(UTC) + timedelta(seconds=2)
        rid = await make_reminder(conn, shop, cust, due, amount_paise=50_000)
    jobs.schedule_reminder(rid, due)
    jobs.schedule_reminder(rid, due, fresh_id=True)  # a duplicate timer: the row still sends once
    worker = start_worker(fake_whatsapp)

    assert await wait_until(lambda: _sent(pool, rid), 20)
    assert await wait_until(lambda: not jobs.reminder_job_alive(rid), 20)  # let the duplicate job run too
    requests = fake_whatsapp.for_reminder(rid)
    assert len(requests) == 1, worker.output()
    body = requests[0]["body"]
    assert requests[0]["path"].endswith("/1234567890/messages")
    assert requests[0]["auth"] == "Bearer test-token"
    assert body["template"]["name"] == "payment_reminder"
    params = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert params == ["Rahul", "₹500", "Gupta General Store"]
    async with pool.acquire() as conn:
        row = await reminder_row(conn, rid)
    assert row["status"] == "sent"
    assert row["whatsapp_message_id"].startswith("wamid.fake")
    assert row["attempts"] == 1
    assert row["sent_at"] >= due - timedelta(seconds=1)
    jobs.close()


async def _sent(pool: asyncpg.Pool, rid: int) -> bool:
    return await _status(pool, rid) == "sent"


async def test_cancelled_and_paid_up_reminders_never_send(
    pool, redis_url, queue_name, fake_whatsapp, start_worker
):
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        owes = await make_customer(conn, shop, balance_paise=20_000)
        paid = await make_customer(conn, shop, balance_paise=0)
        due = datetime.now(UTC) + timedelta(seconds=1)
        cancelled = await make_reminder(conn, shop, owes, due)
        paid_up = await make_reminder(conn, shop, paid, due)
        late_cancel = await make_reminder(conn, shop, owes, due)
    for rid in (cancelled, paid_up, late_cancel):
        jobs.schedule_reminder(rid, due)
    # Cancelled properly: row first, then the job removed.
    await pool.execute("UPDATE reminders SET status = 'cancelled' WHERE id = $1", cancelled)
    jobs.cancel_reminder(cancelled)
    assert not jobs.reminder_job_alive(cancelled)
    # Cancelled in the row only (the job's removal was lost): the row still decides.
    await pool.execute("UPDATE reminders SET status = 'cancelled' WHERE id = $1", late_cancel)
    start_worker(fake_whatsapp)

    assert await wait_until(lambda: _is(pool, paid_up, "skipped_paid"), 20)
    assert await wait_until(lambda: not any(jobs.reminder_job_alive(r) for r in (cancelled, paid_up, late_cancel)), 20)
    assert await _status(pool, cancelled) == "cancelled"
    assert await _status(pool, late_cancel) == "cancelled"
    for rid in (cancelled, paid_up, late_cancel):
        assert fake_whatsapp.for_reminder(rid) == []
    jobs.close()


def _job_done(jobs: RQJobQueue, job_id: str) -> bool:
    """The RQ job has run to its end (finished, or failed for good)."""
    return Job.fetch(job_id, connection=jobs.connection).get_status() in (JobStatus.FINISHED, JobStatus.FAILED)


async def _is(pool: asyncpg.Pool, rid: int, status: str) -> bool:
    return await _status(pool, rid) == status


async def test_worker_killed_mid_send_is_not_resent(pool, redis_url, queue_name, fake_whatsapp, start_worker):
    """SIGKILL while the API call is in flight: the retry finds the row `sending`,
    the sweep marks it unknown, and no second message goes out."""
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
    fake_whatsapp.mode = "stall"
    first = start_worker(fake_whatsapp, WHATSAPP_TIMEOUT_S="20")
    jobs.schedule_reminder(rid, datetime.now(UTC))
    async def request_in_flight() -> bool:
        return bool(fake_whatsapp.for_reminder(rid))

    assert await wait_until(request_in_flight, 20)
    assert await _status(pool, rid) == "sending"
    first.kill()  # the whole process group: worker and work-horse

    fake_whatsapp.mode = "ok"
    # The job is re-run (as a retry would) on a fresh worker; then the sweep sees a stale send.
    rerun = jobs.schedule_reminder(rid, datetime.now(UTC), fresh_id=True)
    second = start_worker(fake_whatsapp)
    assert await wait_until(lambda: _is(pool, rid, "unknown"), 25)
    assert await wait_until(lambda: _job_done(jobs, rerun), 20)
    assert len(fake_whatsapp.for_reminder(rid)) == 1, second.output()
    async with pool.acquire() as conn:
        row = await reminder_row(conn, rid)
    assert row["attempts"] == 1
    assert row["whatsapp_message_id"] is None
    jobs.close()


async def test_sweep_re_enqueues_a_due_reminder_whose_job_vanished(
    pool, redis_url, queue_name, fake_whatsapp, start_worker
):
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        # Due a minute ago and never enqueued (Redis was flushed, say).
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC) - timedelta(minutes=1))
    worker = start_worker(fake_whatsapp)
    try:
        assert await wait_until(lambda: _is(pool, rid, "sent"), 20)
    except AssertionError:
        raise AssertionError(worker.output()) from None
    assert len(fake_whatsapp.for_reminder(rid)) == 1


async def test_local_outbox_without_whatsapp_settings(pool, redis_url, queue_name, start_worker):
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        shop = await make_shop(conn, "Ramesh Dairy")
        cust = await make_customer(conn, shop, name="Sita", balance_paise=12_550)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
    jobs.schedule_reminder(rid, datetime.now(UTC))
    start_worker(None)
    assert await wait_until(lambda: _is(pool, rid, "sent"), 20)
    out = await pool.fetch("SELECT * FROM whatsapp_outbox WHERE reminder_id = $1", rid)
    assert len(out) == 1
    assert out[0]["parameters"] == ["Sita", "₹125.50", "Ramesh Dairy"]
    assert await pool.fetchval("SELECT whatsapp_message_id FROM reminders WHERE id = $1", rid) == out[0]["wamid"]
    jobs.close()


async def test_throttled_send_is_retried_by_rq_and_sent_once(
    pool, redis_url, queue_name, fake_whatsapp, start_worker
):
    """429 (nothing sent): the row goes back to scheduled, RQ's Retry runs the job
    again after its first interval (10 s), and the message goes out once."""
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
    fake_whatsapp.mode = "429-once"
    jobs.schedule_reminder(rid, datetime.now(UTC))
    worker = start_worker(fake_whatsapp)
    try:
        assert await wait_until(lambda: _is(pool, rid, "sent"), 30)
    except AssertionError:
        raise AssertionError(worker.output()) from None
    async with pool.acquire() as conn:
        row = await reminder_row(conn, rid)
    assert row["attempts"] == 2
    assert len(fake_whatsapp.for_reminder(rid)) == 2  # one refused with 429, one accepted
    jobs.close()


async def test_recording_upload_through_the_worker(pool, redis_url, queue_name, start_worker, tmp_path):
    from moto.server import ThreadedMotoServer

    from workers.queue import RQJobQueue as Queue

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        wav = tmp_path / "rec" / "call.wav"
        wav.parent.mkdir(parents=True)
        wav.write_bytes(b"RIFF" + b"\x01" * 5000)
        call_id = await pool.fetchval(
            """INSERT INTO calls (call_sid, recording_path, recording_status, ended_at)
               VALUES ('CA' || md5(random()::text), $1, 'local', now()) RETURNING id""",
            str(wav),
        )
        start_worker(
            None,
            S3_ENDPOINT_URL=f"http://{host}:{port}",
            S3_BUCKET="execora-worker-test",
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
        )
        jobs = Queue(redis_url, queue_name=queue_name)
        jobs.enqueue_recording_upload(call_id)

        async def uploaded() -> bool:
            status = await pool.fetchval("SELECT recording_status FROM calls WHERE id = $1", call_id)
            return status == "uploaded"

        assert await wait_until(uploaded, 30)
        assert not wav.exists()
        jobs.close()
    finally:
        server.stop()
