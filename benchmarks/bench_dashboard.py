"""Dashboard benchmark: how fast the operators' pages answer on a busy shop.

Builds a fresh database on the local PostgreSQL, one shop with N calls (default
1,000) of T turns each (default 8) written through `db.calls`, then requests
the calls list (first page and a deep page) and call pages (random calls) through
the real app in-process (httpx ASGI transport, lifespan run), sequentially and
with C concurrent clients. Prints p50/p95 latency per page and requests/s.

    .venv/bin/python benchmarks/bench_dashboard.py [--calls 1000] [--turns 8] [--requests 300] [--concurrency 8]

Needs PostgreSQL and Redis (BENCH_ADMIN_DSN, BENCH_REDIS_URL; defaults: the local servers).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from business.turns import CallTurn  # noqa: E402
from db import calls as call_rows  # noqa: E402
from db.migrate import apply_migrations  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _seed(pool: asyncpg.Pool, shop_id: int, calls: int, turns: int) -> list[str]:
    sids: list[str] = []
    for start in range(0, calls, 20):
        sids += await asyncio.gather(*(_seed_call(pool, shop_id, i, turns) for i in range(start, min(start + 20, calls))))
    return sids


async def _seed_call(pool: asyncpg.Pool, shop_id: int, i: int, turns: int) -> str:
    sid = "CA" + secrets.token_hex(16)
    async with pool.acquire() as conn:
        await call_rows.create_call(
            conn, call_sid=sid, shop_id=shop_id, from_phone=f"+9198{i:08d}", to_phone="+918000000000",
            caller_role="owner", status="in-progress",
        )
        for t in range(turns):
            await call_rows.record_turn(conn, sid, CallTurn(
                turn_no=t, source="speech", heard=f"Rahul ko {t} doodh udhaar", intent="create_invoice",
                entities={"customer": "Rahul", "items": [{"product": "doodh", "quantity": t}]},
                action="create_invoice", result={"ok": True, "invoice_no": f"25-26/{i:06d}"},
                reply="Rahul ke naam bill ban gaya", confidence=0.9,
                timings={"speech_end": 1000, "understood": 1120, "action_done": 1180, "first_reply_audio": 1500},
            ))
        await call_rows.finish_call(conn, call_sid=sid, status="completed", ended_reason="caller_hung_up")
    return sid


async def _measure(http: httpx.AsyncClient, urls: list[str], concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = list(urls)

    async def worker() -> None:
        while queue:
            url = queue.pop()
            t0 = time.perf_counter()
            r = await http.get(url)
            latencies.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"{url}: {r.status_code}")

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, len(urls) / (time.perf_counter() - start)


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--turns", type=int, default=8)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()

    name = f"execora_bench_dash_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = ADMIN_DSN.rpartition("/")[0] + "/" + name
    try:
        await apply_migrations(dsn)
        with tempfile.TemporaryDirectory() as data_dir:
            settings = Settings(
                _env_file=None, database_url=dsn, redis_url=REDIS_URL, data_dir=Path(data_dir),  # type: ignore[call-arg]
                app_secret="bench-secret-0123456789abcdef-0123456789", rq_queue=f"bench-dash-{secrets.token_hex(3)}",  # type: ignore[arg-type]
                log_level="WARNING",
            )
            app = create_app(settings)
            async with app.router.lifespan_context(app):
                shop, key = await app.state.books.create_shop("Bench Kirana", "+919800001111")
                t0 = time.perf_counter()
                sids = await _seed(app.state.pool, shop.id, args.calls, args.turns)
                print(f"seeded {args.calls} calls x {args.turns} turns in {time.perf_counter() - t0:.1f} s")
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as http:
                    r = await http.post("/dashboard/login", data={"api_key": key})
                    assert r.status_code == 303, r.status_code
                    deep = max(1, args.calls // 50)
                    pages = {
                        "calls list, page 1": ["/dashboard/calls"] * args.requests,
                        f"calls list, page {deep}": [f"/dashboard/calls?page={deep}"] * args.requests,
                        f"call page ({args.turns} turns)": [
                            f"/dashboard/calls/{random.choice(sids)}" for _ in range(args.requests)
                        ],
                        "daily summary": ["/dashboard/summary"] * args.requests,
                    }
                    for label, urls in pages.items():
                        for conc in (1, args.concurrency):
                            lat, rps = await _measure(http, urls, conc)
                            print(
                                f"{label:28s} clients={conc:<3d} p50={statistics.median(lat):6.1f} ms "
                                f"p95={_pct(lat, 95):6.1f} ms  {rps:6.0f} req/s"
                            )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
