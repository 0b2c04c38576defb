"""Reminders through real `execora worker` processes and a local fake WhatsApp API.

Prints:
- throughput: N reminders all due at once, sent per second (first to last
  request the fake API received);
- lateness: reminders spread over a few seconds, fire time (request received
  by the fake API) minus due time, p50/p95/max.

Needs the local PostgreSQL and Redis (BENCH_DATABASE_URL admin DSN, BENCH_REDIS_URL);
creates and drops its own database, uses its own RQ queue name.

    .venv/bin/python benchmarks/bench_reminders.py [--reminders 300] [--workers 2] [--simple]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.migrate import apply_migrations  # noqa: E402
from db.pool import create_pool  # noqa: E402
from tests.integration.workers.fake_whatsapp import FakeWhatsApp  # noqa: E402
from workers.queue import RQJobQueue  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def _dsn(name: str) -> str:
    return ADMIN_DSN.rpartition("/")[0] + "/" + name


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _start_workers(n: int, dsn: str, queue: str, fake: FakeWhatsApp, simple: bool) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "S3_", "REMINDER_"))}
    env.update(
        DATABASE_URL=dsn,
        REDIS_URL=REDIS_URL,
        RQ_QUEUE=queue,
        REMINDER_SEND_WINDOW="00:00-24:00",
        WHATSAPP_API_BASE_URL=fake.base_url,
        WHATSAPP_ACCESS_TOKEN="bench",
        WHATSAPP_PHONE_NUMBER_ID="1000",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    )
    cmd = [sys.executable, "-m", "app.cli", "worker"] + (["--simple"] if simple else [])
    log_dir = os.environ.get("BENCH_LOG_DIR")  # worker logs there when set
    procs = []
    for i in range(n):
        out = open(Path(log_dir) / f"bench-worker-{i}.log", "wb") if log_dir else subprocess.DEVNULL
        procs.append(
            subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        )
    return procs


async def _make_reminders(pool: asyncpg.Pool, count: int, due: list[datetime]) -> list[int]:
    async with pool.acquire() as conn:
        shop = await conn.fetchval(
            "INSERT INTO shops (name, api_key_hash) VALUES ('Bench Kirana', $1) RETURNING id", secrets.token_hex(16)
        )
        ids = []
        for i in range(count):
            cust = await conn.fetchval(
                """INSERT INTO customers (shop_id, name, phone, whatsapp_opt_in, balance_paise)
                   VALUES ($1, $2, $3, true, 50000) RETURNING id""",
                shop,
                f"Customer {i}",
                f"+9190{i:08d}",
            )
            ids.append(
                await conn.fetchval(
                    "INSERT INTO reminders (shop_id, customer_id, due_at) VALUES ($1, $2, $3) RETURNING id",
                    shop,
                    cust,
                    due[i],
                )
            )
    return ids


async def _wait_sent(pool: asyncpg.Pool, ids: list[int], limit_s: float) -> int:
    deadline = time.monotonic() + limit_s
    sent = 0
    while time.monotonic() < deadline:
        sent = await pool.fetchval("SELECT count(*) FROM reminders WHERE id = ANY($1) AND status = 'sent'", ids)
        if sent == len(ids):
            break
        await asyncio.sleep(0.2)
    return int(sent)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run(reminders: int, workers: int, simple: bool) -> None:
    name = f"execora_bench_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}"')
    dsn = _dsn(name)
    fake = FakeWhatsApp().start()
    queue = f"bench-{secrets.token_hex(4)}"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        await apply_migrations(dsn)
        pool = await create_pool(dsn, min_size=1, max_size=4)
        jobs = RQJobQueue(REDIS_URL, queue_name=queue)
        procs = _start_workers(workers, dsn, queue, fake, simple)
        await asyncio.sleep(3)  # let the workers start

        # Throughput: all due at once.
        due_at = datetime.now(UTC) + timedelta(seconds=2)
        ids = await _make_reminders(pool, reminders, [due_at] * reminders)
        for rid in ids:
            jobs.schedule_reminder(rid, due_at)
        sent = await _wait_sent(pool, ids, 120 + reminders / 5)
        times = sorted(fake.times)
        span = times[-1] - times[0] if len(times) > 1 else float("nan")
        print(f"workers: {workers} ({'simple, no fork' if simple else 'fork per job'}), reminders: {reminders}")
        print(f"throughput: {sent}/{reminders} sent, {len(fake.requests)} API requests, "
              f"{(len(times) - 1) / span if span else float('nan'):.1f} reminders/s")

        # Lateness: one reminder every 250 ms (4/s), below capacity.
        n = min(40, reminders)
        fake.requests.clear()
        fake.times.clear()
        start = datetime.now(UTC) + timedelta(seconds=2)
        dues = [start + timedelta(milliseconds=250 * i) for i in range(n)]
        ids2 = await _make_reminders(pool, n, dues)
        for rid, due in zip(ids2, dues, strict=True):
            jobs.schedule_reminder(rid, due)
        await _wait_sent(pool, ids2, 60)
        due_by_tag = {f"reminder:{rid}": due.timestamp() for rid, due in zip(ids2, dues, strict=True)}
        lateness = [
            t - due_by_tag[r["body"]["biz_opaque_callback_data"]]
            for r, t in zip(fake.requests, fake.times, strict=True)
            if r["body"].get("biz_opaque_callback_data") in due_by_tag
        ]
        if lateness:
            print(f"lateness over {len(lateness)} reminders (fire - due): p50 {statistics.median(lateness) * 1000:.0f} ms, "
                  f"p95 {_pct(lateness, 95) * 1000:.0f} ms, max {max(lateness) * 1000:.0f} ms")
        jobs.close()
        await pool.close()
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(p.pid, signal.SIGKILL)
        fake.stop()
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reminders", type=int, default=300)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--simple", action="store_true", help="SimpleWorker: run jobs in the worker process")
    args = p.parse_args()
    asyncio.run(run(args.reminders, args.workers, args.simple))


if __name__ == "__main__":
    main()
