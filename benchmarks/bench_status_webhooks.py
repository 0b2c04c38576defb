"""1,000 shuffled, duplicated WhatsApp status callbacks against a running server: figures, not a timed test.

    .venv/bin/python benchmarks/bench_status_webhooks.py [--reminders 155] [--concurrency 32]

A fresh database on the local PostgreSQL, the real app in-process
(tests/e2e/call_harness: uvicorn with the limits `execora serve` sets), and
`--reminders` reminders handed to WhatsApp (a quarter still `sending`, so their
callbacks find them by `reminder:<id>`). Each gets a delivery story (sent ->
delivered -> read, or ... -> failed); every callback is POSTed 2-3 times, all
shuffled, signed like Meta signs them, `--concurrency` in flight. Prints
requests/s, latency p50/p99/max, and the anomalies (tests/support/
whatsapp_statuses.py: an event stored twice or unlinked, a wrong final status,
a reminder seen moving backwards): must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from benchmarks.bench_invoices import create_db, drop_db, with_database  # noqa: E402
from db.migrate import apply_migrations  # noqa: E402
from db.pool import create_pool  # noqa: E402
from telephony.whatsapp.webhook import sign  # noqa: E402
from tests.e2e.call_harness import call_settings, running_server  # noqa: E402
from tests.support.whatsapp_statuses import Watcher, anomalies, make_reminders, plan  # noqa: E402

ADMIN_DSN = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
SECRET = "bench-app-secret-" + secrets.token_hex(8)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round((len(values) - 1) * q)))]


async def run(reminders: int, concurrency: int) -> int:
    name = "execora_status_" + secrets.token_hex(4)
    await create_db(ADMIN_DSN, name)
    try:
        dsn = with_database(ADMIN_DSN, name)
        await apply_migrations(dsn)
        pool = await create_pool(dsn, min_size=1, max_size=4)
        try:
            stories = await make_reminders(pool, reminders)
            p = plan(stories, seed=1000)
            settings = call_settings(dsn, REDIS_URL, Path(tempfile.mkdtemp()))
            settings = settings.model_copy(update={"whatsapp_app_secret": SecretStr(SECRET)})
            with running_server(settings) as srv:
                async with httpx.AsyncClient(base_url=srv.url, timeout=30) as http:
                    await http.get("/health")
                    watcher = Watcher(pool, [s.reminder_id for s in stories], interval_s=0.05)
                    stop = asyncio.Event()
                    watching = asyncio.create_task(watcher.run(stop))
                    gate = asyncio.Semaphore(concurrency)
                    latencies: list[float] = []
                    codes: dict[int, int] = {}

                    async def post(body: bytes) -> None:
                        async with gate:
                            t0 = time.perf_counter()
                            r = await http.post("/whatsapp/webhook", content=body, headers={
                                "Content-Type": "application/json", "X-Hub-Signature-256": sign(body, SECRET)})
                            latencies.append((time.perf_counter() - t0) * 1000)
                            codes[r.status_code] = codes.get(r.status_code, 0) + 1

                    t0 = time.perf_counter()
                    await asyncio.gather(*(post(b) for b in p.bodies))
                    elapsed = time.perf_counter() - t0
                    stop.set()
                    await watching
            found = await anomalies(pool, p, watcher)
        finally:
            await pool.close()
    finally:
        await drop_db(ADMIN_DSN, name)
    print(f"{len(p.bodies)} callbacks ({p.distinct_events} distinct, {len(stories)} reminders, "
          f"{sum(not s.known_wamid for s in stories)} still sending), {concurrency} in flight: "
          f"{len(p.bodies) / elapsed:.0f} requests/s over {elapsed:.1f} s; latency p50 {pct(latencies, 0.5):.1f} ms, "
          f"p99 {pct(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms; statuses {codes}; "
          f"watcher samples {watcher.samples}; anomalies {len(found)}")
    for line in found[:20]:
        print("  anomaly:", line)
    return len(found)


def main() -> int:
    import logging

    logging.basicConfig(level=logging.WARNING)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--reminders", type=int, default=155)  # about 1,000 callbacks with duplicates
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    return 1 if asyncio.run(run(args.reminders, args.concurrency)) else 0


if __name__ == "__main__":
    raise SystemExit(main())
