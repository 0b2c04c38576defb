"""Turn latency per carrier: the same calls over Twilio, Exotel and Plivo against one real server.

Runs the Execora app in-process (tests/e2e/call_harness: uvicorn, embedded
speech engines, a fresh database on the local PostgreSQL, Redis, fakes of the
Twilio and Plivo REST APIs) and places simulated calls that speak each
carrier's wire format (telephony/simulated_caller/lines.py). Prints, per
carrier: end of the caller's speech -> first bot audio as the caller hears it
(p50 / p95 / max over every turn), the greeting's first audio after connect,
and what the server recorded per stage (recognise, understand, reply audio).

    .venv/bin/python benchmarks/bench_carriers.py [--calls 3] [--carriers twilio,exotel,plivo]

Needs PostgreSQL and Redis (BENCH_ADMIN_DSN, BENCH_REDIS_URL; defaults: the local servers).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from telephony.simulated_caller import CallerOptions, SimulatedCaller  # noqa: E402
from telephony.simulated_caller.lines import EXOTEL, PLIVO, TWILIO, LineProtocol  # noqa: E402
from tests.e2e.call_harness import (  # noqa: E402
    AUTH_TOKEN,
    EXOTEL_PASSWORD,
    EXOTEL_USER,
    PLIVO_AUTH_ID,
    PLIVO_AUTH_TOKEN,
    PUBLIC_BASE_URL,
    RunningServer,
    call_settings,
    create_demo_shop,
    running_server,
)

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
LINES = {"twilio": TWILIO, "exotel": EXOTEL, "plivo": PLIVO}
CONVERSATION = ["Suresh ka balance batao", "Suresh ne bees rupaye diye", "Meena ka balance batao"]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def options(server: RunningServer, line: LineProtocol, phone: str) -> CallerOptions:
    if line is TWILIO:
        return CallerOptions(server_url=server.url, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN,
                             from_number=phone)
    return CallerOptions(server_url=server.url, public_base_url=PUBLIC_BASE_URL, from_number=phone,
                         auth_token=PLIVO_AUTH_TOKEN, account_sid=PLIVO_AUTH_ID,
                         stream_user=EXOTEL_USER, stream_password=EXOTEL_PASSWORD)


async def one_call(server: RunningServer, pool: asyncpg.Pool, line: LineProtocol) -> dict[str, Any]:
    shop = await create_demo_shop(pool)
    call = SimulatedCaller(options(server, line, shop.owner_phone), line=line)
    try:
        await call.place_call()
        await call.connect()
        greeting = await call.wait_for_greeting(timeout_s=15)
        for sentence in CONVERSATION:
            turn = await call.say(sentence)
            await call.wait_for_reply(turn, timeout_s=15)
    finally:
        await call.hangup()
    timings = await pool.fetch(
        """SELECT t.timings FROM call_turns t JOIN calls c ON c.id = t.call_id
           WHERE c.call_sid = $1 AND t.source = 'speech' ORDER BY t.turn_no""",
        call.call_sid,
    )
    return {
        "greeting": greeting.latency_s,
        "turns": [t.latency_s for t in call.turns[1:] if t.latency_s is not None],
        "stages": [dict(r["timings"] or {}) for r in timings],
    }


def stage(stages: list[dict[str, float]], start: str, end: str) -> list[float]:
    return [s[end] - s[start] for s in stages if start in s and end in s]


async def run(calls: int, carriers: list[str]) -> None:
    from db.migrate import apply_migrations
    from db.pool import create_pool

    name = f"execora_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    try:
        await apply_migrations(dsn)
        pool = await create_pool(dsn, min_size=1, max_size=5)
        with tempfile.TemporaryDirectory() as data, running_server(call_settings(dsn, REDIS_URL, Path(data))) as srv:
            print(f"{calls} call(s) per carrier, {len(CONVERSATION)} sentences each, one call at a time")
            for carrier in carriers:
                results = [await one_call(srv, pool, LINES[carrier]) for _ in range(calls)]
                turns = [x * 1000 for r in results for x in r["turns"]]
                greet = [r["greeting"] * 1000 for r in results if r["greeting"] is not None]
                stages = [s for r in results for s in r["stages"]]
                rec = stage(stages, "speech_end", "transcript_final")  # the server's timings are in ms
                total = stage(stages, "speech_end", "first_reply_audio")
                print(f"{carrier:7s} end of speech -> first bot audio: p50 {pct(turns, 0.5):.0f} ms, "
                      f"p95 {pct(turns, 0.95):.0f} ms, max {max(turns, default=float('nan')):.0f} ms "
                      f"({len(turns)} turns); greeting after connect p50 {pct(greet, 0.5):.0f} ms; "
                      f"server: recognise p50 {pct(rec, 0.5):.0f} ms, speech end -> reply audio "
                      f"p50 {pct(total, 0.5):.0f} ms (mean {statistics.fmean(total) if total else float('nan'):.0f})")
        await pool.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--carriers", default="twilio,exotel,plivo")
    args = parser.parse_args()
    from loguru import logger

    logger.remove()  # pipecat logs every frame at DEBUG; the figures are what this prints
    logger.add(sys.stderr, level="WARNING")
    asyncio.run(run(args.calls, [c.strip() for c in args.carriers.split(",") if c.strip()]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
