"""A live call's turn latency with and without a flood on the same server process: figures, not a test.

    .venv/bin/python benchmarks/bench_flood_call.py [--calls 2] [--sockets 500] [--bodies 20]

One real server in-process (tests/e2e/call_harness: uvicorn with the limits
`execora serve` sets, embedded speech engines, a fresh database, Redis). First
`--calls` quiet simulated Twilio calls (3 sentences each), then the same calls
while another thread (its own event loop) keeps flooding that server in waves:
`--sockets` concurrent unauthenticated stream WebSockets plus `--bodies`
concurrent POSTs announcing 50 MB bodies and streaming them until the server
answers. Prints end of the caller's speech -> first bot audio (p50 / p95 / max)
for both, and what the flood got back (how many refused, how).

All of it shares one machine (2 vCPU here): the flood's client, the caller and
the server compete for the same cores, so the flooded figure is an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from benchmarks.bench_abuse import socket_flood  # noqa: E402
from benchmarks.bench_carriers import CONVERSATION, one_call, pct  # noqa: E402
from telephony.simulated_caller.lines import TWILIO  # noqa: E402
from tests.e2e.call_harness import call_settings, running_server  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
FIFTY_MB = 50 * 2**20
CHUNK = b"x" * 65536


async def big_body(url: str) -> str:
    """POST /whatsapp/webhook announcing 50 MB and streaming it until the server answers."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(b"POST /whatsapp/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % FIFTY_MB)
        answer = asyncio.create_task(reader.readline())
        sent = 0
        while sent < FIFTY_MB and not answer.done():
            writer.write(CHUNK)
            try:
                await asyncio.wait_for(writer.drain(), timeout=5)
            except (TimeoutError, ConnectionError):
                break
            sent += len(CHUNK)
        line = await asyncio.wait_for(answer, timeout=20)
        status = line.decode(errors="replace").split(" ")[1] if line else "closed"
        return f"{status} after {sent // 2**20} MB"
    except (ConnectionError, TimeoutError) as exc:
        return type(exc).__name__
    finally:
        writer.close()


class Flood:
    """Waves of sockets and big bodies against `url` from a thread with its own loop."""

    def __init__(self, url: str, sockets: int, bodies: int) -> None:
        self.url, self.sockets, self.bodies = url, sockets, bodies
        self.stop = threading.Event()
        self.waves = 0
        self.socket_outcomes: dict[str, int] = {}
        self.body_outcomes: dict[str, int] = {}
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        while not self.stop.is_set():
            ws, bodies = await asyncio.gather(
                socket_flood(self.url, self.sockets), asyncio.gather(*(big_body(self.url) for _ in range(self.bodies)))
            )
            self.waves += 1
            for k, v in ws["outcomes"].items():
                self.socket_outcomes[k] = self.socket_outcomes.get(k, 0) + v
            for b in bodies:
                key = b.split(" after ")[0]
                self.body_outcomes[key] = self.body_outcomes.get(key, 0) + 1

    def __enter__(self) -> Flood:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self._thread.join(120)


def summary(label: str, results: list[dict[str, Any]]) -> str:
    turns = [x * 1000 for r in results for x in r["turns"]]
    return (f"{label}: end of speech -> first bot audio p50 {pct(turns, 0.5):.0f} ms, p95 {pct(turns, 0.95):.0f} ms, "
            f"max {max(turns, default=float('nan')):.0f} ms ({len(turns)} turns)")


async def run(calls: int, sockets: int, bodies: int) -> None:
    from db.migrate import apply_migrations
    from db.pool import create_pool

    name = f"execora_flood_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    try:
        await apply_migrations(dsn)
        pool = await create_pool(dsn, min_size=1, max_size=5)
        with tempfile.TemporaryDirectory() as data, running_server(call_settings(dsn, REDIS_URL, Path(data))) as srv:
            print(f"{calls} Twilio call(s) per phase, {len(CONVERSATION)} sentences each")
            quiet = [await one_call(srv, pool, TWILIO) for _ in range(calls)]
            print(summary("quiet  ", quiet), flush=True)
            t0 = time.perf_counter()
            with Flood(srv.url, sockets, bodies) as flood:
                await asyncio.sleep(1.0)  # the first wave is in flight
                flooded = [await one_call(srv, pool, TWILIO) for _ in range(calls)]
            print(summary("flooded", flooded))
            print(f"flood: {flood.waves} wave(s) of {sockets} unauthenticated WebSockets + {bodies} x 50 MB bodies "
                  f"in {time.perf_counter() - t0:.0f} s; sockets {flood.socket_outcomes}; bodies {flood.body_outcomes}")
        await pool.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    import logging

    logging.basicConfig(level=logging.ERROR)  # each refused socket logs a warning: not the figure
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--bodies", type=int, default=20)
    args = parser.parse_args()
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="ERROR")
    asyncio.run(run(args.calls, args.sockets, args.bodies))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
