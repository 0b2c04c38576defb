"""Faults, from outside: the database server restarted under a live call, and the app process
killed mid-call. Afterwards the books are consistent, nothing is booked twice or half, and no
call row is left 'in-progress'."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from telephony.simulated_caller import CallerOptions, SimulatedCaller
from tests.e2e.call_harness import (
    AUTH_TOKEN,
    PUBLIC_BASE_URL,
    DemoShop,
    call_rows,
    call_settings,
    create_demo_shop,
    free_port,
    running_server,
)
from tests.support.polling import wait_until, wait_until_blocking
from tests.support.private_postgres import PrivatePostgres

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PAYMENT = "suresh ne do sau rupaye diye"
BALANCE = "suresh ka balance batao"


def caller(server_url: str, shop: DemoShop) -> SimulatedCaller:
    return SimulatedCaller(
        CallerOptions(server_url=server_url, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN,
                      from_number=shop.owner_phone)
    )


async def turns_of(pool: Any, call_sid: str) -> list[Any]:
    return (await call_rows(pool, call_sid))[1]


async def say_until(call: SimulatedCaller, pool: Any, text: str, done: Any, attempts: int = 4) -> bool:
    """Say `text` (answering a read-back with 1) until `done()` holds, as a patient caller would."""
    for _ in range(attempts):
        turn = await call.say(text)
        await call.wait_for_reply(turn, timeout_s=20)
        assert turn.reply_mulaw, "the caller heard nothing back"
        if await done():
            return True
        rows = await turns_of(pool, call.call_sid)
        if rows and (rows[-1]["result"] or {}).get("awaiting_confirmation"):
            await call.send_dtmf("1")
            await wait_until(done, 10)
            if await done():
                return True
    return False


async def payments_of(pool: Any, shop: DemoShop) -> list[int]:
    rows = await pool.fetch(
        "SELECT amount_paise FROM payments WHERE shop_id = $1 AND customer_id = $2",
        shop.shop_id, shop.customers["Suresh"],
    )
    return [int(r["amount_paise"]) for r in rows]


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    if not PrivatePostgres.available():
        pytest.skip("PostgreSQL 15 server binaries not installed")
    pg = PrivatePostgres().init()
    try:
        yield pg
    finally:
        pg.stop()


async def test_database_restart_mid_call_costs_one_turn_and_books_nothing_twice(
    private_pg: PrivatePostgres, redis_url: str, tmp_path: Path
) -> None:
    from db.migrate import apply_migrations
    from db.pool import create_pool

    await apply_migrations(private_pg.dsn)
    pool = await create_pool(private_pg.dsn, min_size=1, max_size=2)
    try:
        shop = await create_demo_shop(pool)
        with running_server(call_settings(private_pg.dsn, redis_url, tmp_path)) as srv:
            call = caller(srv.url, shop)
            await call.place_call()
            await call.connect()
            await call.wait_for_greeting(timeout_s=20)

            async def paid() -> bool:
                return await payments_of(pool, shop) == [20_000]

            assert await say_until(call, pool, PAYMENT, paid), await turns_of(pool, call.call_sid)
            await pool.expire_connections()
            private_pg.restart()  # every connection the app holds is cut

            async def answered_balance() -> bool:
                rows = await turns_of(pool, call.call_sid)
                return any(r["intent"] == "check_balance" and not (r["result"] or {}).get("error") for r in rows)

            # The turn that meets the dead connection hears a short sorry; the caller repeats it and it works.
            assert await say_until(call, pool, BALANCE, answered_balance), await turns_of(pool, call.call_sid)
            await call.hangup()
            await call.wait_closed(10)

            async def closed() -> bool:
                row = (await call_rows(pool, call.call_sid))[0]
                return row is not None and row["status"] != "in-progress"

            assert await wait_until(closed, 20)
        assert await payments_of(pool, shop) == [20_000]  # once, whole
        debits = await pool.fetchval(
            "SELECT coalesce(sum(amount_paise), 0) FROM ledger_entries WHERE shop_id = $1 AND customer_id = $2",
            shop.shop_id, shop.customers["Suresh"],
        )
        assert int(debits) == -20_000
    finally:
        await pool.close()


class ServeProcess:
    """`execora serve` as its own process, so the test can SIGKILL it like the OOM killer would."""

    def __init__(self, database_url: str, redis_url: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DEEPGRAM", "OPENAI", "ELEVEN"))}
        env.update(
            DATABASE_URL=database_url, REDIS_URL=redis_url, DATA_DIR=str(data_dir), HOST="127.0.0.1",
            PORT=str(self.port), PUBLIC_BASE_URL=PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_ACCOUNT_SID="AC" + "0" * 32, APP_SECRET="fault-test-secret-0123456789abcdef-xyz",
            LOG_LEVEL="INFO", PYTHONUNBUFFERED="1",
        )
        self.log = (data_dir / "serve.log").open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        def up() -> bool:
            assert self.proc.poll() is None, (self.data_dir / "serve.log").read_text()[-3000:]
            try:
                return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until_blocking(up, 90, 0.3), (self.data_dir / "serve.log").read_text()[-3000:]

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.log.close()


async def test_app_killed_mid_call_leaves_no_call_in_progress_and_keeps_the_recording(
    pool: Any, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    from workers.context import WorkerConfig
    from workers.queue import RQJobQueue
    from workers.sweep import run_sweep

    shop = await create_demo_shop(pool)
    server = ServeProcess(database_url, redis_url, tmp_path)
    try:
        server.wait_ready()
        call = caller(server.url, shop)
        await call.place_call()
        await call.connect()
        await call.wait_for_greeting(timeout_s=30)

        async def paid() -> bool:
            return await payments_of(pool, shop) == [20_000]

        assert await say_until(call, pool, PAYMENT, paid), await turns_of(pool, call.call_sid)
        turn = await call.say(BALANCE, frames=call.speech_frames(BALANCE)[:20])  # mid-sentence ...
        assert turn is not None
        server.kill()  # ... the process dies
    finally:
        server.kill()
    row = (await call_rows(pool, call.call_sid))[0]
    assert row["status"] == "in-progress"  # nobody closed it
    # Time passes beyond the longest call; the worker's sweep finds the orphan.
    await pool.execute("UPDATE calls SET started_at = now() - interval '1 hour' WHERE call_sid = $1", call.call_sid)
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name="fault-test",
                       recordings_dir=tmp_path / "recordings")
    jobs = RQJobQueue(redis_url, queue_name="fault-test")
    try:
        async with pool.acquire() as conn:
            result = await run_sweep(conn, cfg, jobs, now=datetime.now(UTC))
            again = await run_sweep(conn, cfg, jobs, now=datetime.now(UTC))
    finally:
        jobs.close()
    assert result["lost_calls"] >= 1 and call.call_sid not in str(again)
    row = (await call_rows(pool, call.call_sid))[0]
    assert row["status"] == "failed" and row["ended_reason"] == "lost" and row["ended_at"] is not None
    # What was heard before the kill survives as a playable recording, registered for upload.
    assert row["recording_status"] == "local", row["recording_status"]
    import wave

    with wave.open(row["recording_path"], "rb") as wav:
        assert wav.getnchannels() == 2 and wav.getnframes() / wav.getframerate() > 2.0
    assert await payments_of(pool, shop) == [20_000]
