"""What one client (or a rush) can do to the server: figures, not a timed test.

    .venv/bin/python benchmarks/bench_abuse.py [--invoices 200] [--stock 10] [--sockets 500] [--bodies 20]

1. Scarce stock: `--invoices` concurrent one-packet bills on a product with
   `--stock` in stock (a scratch database) -> how many succeed (must be exactly
   the stock), how many are refused, and whether the invoice numbers that were
   issued are consecutive.
2. Floods against a running app (in-process uvicorn on a free port, the limits
   `execora serve` sets): `--sockets` concurrent unauthenticated stream
   WebSockets, and `--bodies` concurrent 50 MB POSTs announced by Content-Length
   -> how many were refused, how long it took, and the server's RSS before and
   after. Health checks keep being answered meanwhile (their latency is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psutil
import websockets

from benchmarks.bench_invoices import create_db, drop_db, with_database
from business.books import Books
from business.errors import ExecoraError, InsufficientStock
from business.ports import NullJobQueue
from db.migrate import apply_migrations
from db.pool import create_pool
from db.uow import PostgresUnitOfWorkFactory
from tests.e2e.call_harness import call_settings, running_server

ADMIN_DSN = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")


async def scarce_stock(dsn: str, n: int, stock: int) -> dict[str, Any]:
    await apply_migrations(dsn)
    pool = await create_pool(dsn, min_size=4, max_size=20)
    try:
        books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())
        shop, _ = await books.create_shop("Rush Kirana", "+919800008888")
        milk = (await books.add_product(shop.id, "milk", unit="packet", price_paise=3000, stock=stock)).id
        refused = other = 0

        async def one(i: int) -> None:
            nonlocal refused, other
            try:
                await books.create_invoice(shop.id, None, [(milk, 1)], payment_mode="cash",
                                           idempotency_key=f"rush-{i}")
            except InsufficientStock:
                refused += 1
            except ExecoraError:
                other += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        elapsed = time.perf_counter() - t0
        async with pool.acquire() as conn:
            seqs = [r["seq"] for r in await conn.fetch("SELECT seq FROM invoices WHERE shop_id = $1 ORDER BY seq",
                                                        shop.id)]
            left = await conn.fetchval("SELECT stock_milli FROM products WHERE id = $1", milk)
        return {"attempts": n, "booked": len(seqs), "refused_no_stock": refused, "other_errors": other,
                "consecutive_numbers": seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True,
                "stock_left_milli": left, "seconds": round(elapsed, 2)}
    finally:
        await pool.close()


async def health_latency(url: str, stop: asyncio.Event) -> list[float]:
    out: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        while not stop.is_set():
            t0 = time.perf_counter()
            await http.get("/health")
            out.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.05)
    return out


async def socket_flood(url: str, n: int) -> dict[str, Any]:
    ws_url = url.replace("http://", "ws://") + "/twilio/stream/" + "x" * 40

    async def one() -> str:
        try:
            async with websockets.connect(ws_url, open_timeout=20) as ws:
                await ws.send('{"event": "connected"}')
                await asyncio.wait_for(ws.recv(), timeout=20)
                return "answered"
        except websockets.ConnectionClosed as exc:
            return f"closed {exc.rcvd.code if exc.rcvd else '?'}"
        except Exception as exc:  # refused at the socket or HTTP level
            return type(exc).__name__

    results = await asyncio.gather(*(one() for _ in range(n)))
    counts: dict[str, int] = {}
    for r in results:
        counts[r] = counts.get(r, 0) + 1
    return {"sockets": n, "outcomes": counts}


async def body_flood(url: str, n: int) -> dict[str, Any]:
    host, port = url.removeprefix("http://").split(":")

    async def one() -> str:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(b"POST /whatsapp/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 52428800\r\n\r\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), timeout=20)
            return line.decode(errors="replace").split(" ")[1] if line else "no answer"
        finally:
            writer.close()

    results = await asyncio.gather(*(one() for _ in range(n)))
    return {"bodies_50MB": n, "statuses": {s: results.count(s) for s in set(results)}}


async def floods(sockets: int, bodies: int, dsn: str, data_dir: Path) -> dict[str, Any]:
    await apply_migrations(dsn)
    proc = psutil.Process()
    with running_server(call_settings(dsn, REDIS_URL, data_dir)) as srv:
        async with httpx.AsyncClient(base_url=srv.url, timeout=30) as http:
            await http.get("/health")  # warm: pool open, first request served
        rss0 = proc.memory_info().rss
        stop = asyncio.Event()
        health = asyncio.create_task(health_latency(srv.url, stop))
        await asyncio.sleep(0.5)
        t0 = time.perf_counter()
        ws = await socket_flood(srv.url, sockets)
        ws["seconds"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        body = await body_flood(srv.url, bodies)
        body["body_seconds"] = round(time.perf_counter() - t0, 2)
        await asyncio.sleep(0.5)
        stop.set()
        lat = await health
        rss1 = proc.memory_info().rss
    lat.sort()
    return {**ws, **body, "health_p50_ms": round(statistics.median(lat), 1) if lat else None,
            "health_max_ms": round(lat[-1], 1) if lat else None,
            "rss_growth_mb": round((rss1 - rss0) / 2**20, 1)}


async def main_async(args: argparse.Namespace) -> None:
    name = "execora_abuse_" + secrets.token_hex(4)
    await create_db(ADMIN_DSN, name)
    try:
        dsn = with_database(ADMIN_DSN, name)
        print("scarce stock:", await scarce_stock(dsn, args.invoices, args.stock))
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            print("floods:", await floods(args.sockets, args.bodies, dsn, Path(tmp)))
    finally:
        await drop_db(ADMIN_DSN, name)


def main() -> int:
    import logging

    logging.basicConfig(level=logging.ERROR)  # each refused socket logs a warning: not the figure
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--invoices", type=int, default=200)
    ap.add_argument("--stock", type=int, default=10)
    ap.add_argument("--sockets", type=int, default=500)
    ap.add_argument("--bodies", type=int, default=20)
    asyncio.run(main_async(ap.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
