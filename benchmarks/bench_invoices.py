"""Invoice transactions per second under contention, next to pgbench on the same server.

    .venv/bin/python benchmarks/bench_invoices.py [--workers 16] [--seconds 10] [--products 3]

Creates a scratch database on DATABASE_URL's server (default: the local
PostgreSQL on 127.0.0.1:5432), applies the migrations, loads one shop with a
few products and customers, then runs N concurrent workers for a fixed time,
each creating invoices of two lines drawn from the same few products (every
invoice locks shared product rows and the shop's invoice-number counter; half
are credit sales to a handful of customers, so customer rows are contended
too). In the same run it initialises a second scratch database with pgbench
and runs `pgbench -S` (select-only) and the default TPC-B-like script with the
same client count, and prints all figures side by side. Scratch databases are
dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.settings import load_settings
from business.books import Books
from business.errors import ExecoraError
from business.ports import NullJobQueue
from db.migrate import apply_migrations
from db.pool import create_pool
from db.uow import PostgresUnitOfWorkFactory

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + name))


async def create_db(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_db(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def bench_invoices(dsn: str, workers: int, seconds: float, n_products: int) -> dict[str, float]:
    await apply_migrations(dsn)
    pool = await create_pool(dsn, min_size=workers, max_size=workers)
    try:
        books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())
        shop, _ = await books.create_shop("Bench Kirana", "+919800009999")
        products = [
            (await books.add_product(shop.id, f"Item {i}", unit="packet", price_paise=1000 + 250 * i,
                                     gst_rate_bp=500 * (i % 2), stock=10_000_000)).id
            for i in range(n_products)
        ]
        customers = [(await books.add_customer(shop.id, f"Customer {i}")).id for i in range(4)]
        stop = time.perf_counter() + seconds
        latencies: list[float] = []
        errors = 0

        async def worker(w: int) -> None:
            nonlocal errors
            i = 0
            while time.perf_counter() < stop:
                a, b = products[(w + i) % len(products)], products[(w + i + 1) % len(products)]
                credit = i % 2 == 0
                t0 = time.perf_counter()
                try:
                    await books.create_invoice(
                        shop.id, customers[(w + i) % len(customers)] if credit else None,
                        [(a, 2), (b, "1.5")], payment_mode="credit" if credit else "cash", with_gst=True,
                    )
                    latencies.append(time.perf_counter() - t0)
                except ExecoraError:
                    errors += 1
                i += 1

        t_start = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(workers)))
        elapsed = time.perf_counter() - t_start
        async with pool.acquire() as conn:
            posted = await conn.fetchval("SELECT count(*) FROM invoices WHERE shop_id = $1", shop.id)
            gaps = await conn.fetchval(
                "SELECT max(seq) - count(*) FROM invoices WHERE shop_id = $1", shop.id)
        latencies.sort()
        return {
            "invoices": float(posted),
            "tps": posted / elapsed,
            "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0,
            "errors": float(errors),
            "number_gaps": float(gaps or 0),
        }
    finally:
        await pool.close()


def run_pgbench(dsn: str, clients: int, seconds: int, select_only: bool) -> float | None:
    exe = shutil.which("pgbench")
    if exe is None:
        return None
    args = [exe, "-n", "-c", str(clients), "-j", str(min(clients, 4)), "-T", str(seconds)]
    if select_only:
        args.append("-S")
    out = subprocess.run([*args, dsn], capture_output=True, text=True, check=True).stdout
    m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    return float(m.group(1)) if m else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=16, help="concurrent invoice writers (and pgbench clients)")
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of each measured run")
    ap.add_argument("--products", type=int, default=3, help="shared products (fewer = more contention)")
    ap.add_argument("--scale", type=int, default=10, help="pgbench scale factor")
    ns = ap.parse_args(argv)

    admin = load_settings().database_url or DEFAULT_DSN
    suffix = secrets.token_hex(3)
    bench_db, pgb_db = f"execora_bench_{suffix}", f"execora_pgbench_{suffix}"
    host = urlsplit(admin).hostname
    print(f"server: {host}:{urlsplit(admin).port or 5432}  workers: {ns.workers}  seconds: {ns.seconds:g}  "
          f"shared products: {ns.products}")
    asyncio.run(create_db(admin, bench_db))
    asyncio.run(create_db(admin, pgb_db))
    try:
        r = asyncio.run(bench_invoices(with_database(admin, bench_db), ns.workers, ns.seconds, ns.products))
        print(f"execora create_invoice: {r['tps']:.1f} invoice tx/s  ({int(r['invoices'])} invoices, "
              f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, errors {int(r['errors'])}, "
              f"number gaps {int(r['number_gaps'])})")
        pgb_dsn = with_database(admin, pgb_db)
        if shutil.which("pgbench") is None:
            print("pgbench: not installed, no comparison")
            return 0
        subprocess.run(["pgbench", "-i", "-q", "-s", str(ns.scale), pgb_dsn], capture_output=True, check=True)
        secs = max(1, int(ns.seconds))
        sel = run_pgbench(pgb_dsn, ns.workers, secs, select_only=True)
        tpcb = run_pgbench(pgb_dsn, ns.workers, secs, select_only=False)
        print(f"pgbench -S (select-only), -c {ns.workers}: {sel:.1f} tps" if sel else "pgbench -S: no figure")
        print(f"pgbench TPC-B-like, -c {ns.workers}: {tpcb:.1f} tps" if tpcb else "pgbench TPC-B: no figure")
        if tpcb:
            print(f"ratio execora invoices / pgbench TPC-B: {r['tps'] / tpcb:.2f}")
    finally:
        asyncio.run(drop_db(admin, bench_db))
        asyncio.run(drop_db(admin, pgb_db))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
