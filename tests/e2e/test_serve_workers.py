"""`execora serve --workers 2` as a real process: any process takes any webhook or stream.

The voice webhook is answered by one process and its stream taken by another
(each response names its process in X-Execora-Worker), the call still greets
the caller, and /metrics sums what every process counted.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from telephony.simulated_caller import CallerOptions, SimulatedCaller
from telephony.simulated_caller import protocol as tw
from telephony.simulated_caller.webhook import signing_url
from tests.e2e.call_harness import (
    AUTH_TOKEN,
    PUBLIC_BASE_URL,
    FakeTwilio,
    _Servers,
    create_demo_shop,
    free_port,
)
from tests.support.polling import wait_until_blocking

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HEADER = "x-execora-worker"


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("serve-workers")
    port, twilio_port = free_port(), free_port()
    fake = _Servers([uvicorn.Config(FakeTwilio().app(), host="127.0.0.1", port=twilio_port, log_level="warning",
                                    lifespan="off")])
    fake.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "DEEPGRAM", "ELEVENLABS", "TWILIO"))}
    env.update(
        DATABASE_URL=database_url, REDIS_URL=redis_url, DATA_DIR=str(data_dir), LOG_LEVEL="WARNING",
        APP_SECRET="test-secret-0123456789abcdef-0123456789", PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_API_BASE_URL=f"http://127.0.0.1:{twilio_port}", PYTHONUNBUFFERED="1",
    )
    log = (data_dir / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--workers", "2", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if proc.poll() is not None:
            raise RuntimeError((data_dir / "serve.log").read_text())
        try:
            return httpx.get(url + "/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        assert wait_until_blocking(healthy, 90, 0.2), (data_dir / "serve.log").read_text()
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        fake.stop()


def _processes(url: str, n: int) -> set[str]:
    seen = set()
    for _ in range(n):
        with httpx.Client(timeout=5) as c:  # a new connection each time: the kernel picks the process
            seen.add(c.get(url + "/health").headers[HEADER])
    return seen


def test_requests_are_served_by_both_processes(server: str) -> None:
    seen = _processes(server, 60)
    assert len(seen) == 2, seen
    r = httpx.get(server + "/metrics", timeout=5)  # loopback server, no METRICS_TOKEN: open
    assert r.status_code == 200 and "execora_queue_depth{" in r.text


async def _webhook(options: CallerOptions, call_sid: str) -> tuple[str, tw.Answer]:
    form = tw.voice_webhook_form(call_sid, options.account_sid, options.from_number, options.to_number)
    sig = tw.sign_webhook(signing_url(options), form, options.auth_token)
    async with httpx.AsyncClient(timeout=10) as c:
        r = await c.post(options.server_url + options.voice_path, data=form, headers={"X-Twilio-Signature": sig})
    r.raise_for_status()
    return r.headers[HEADER], tw.parse_twiml(r.text)


async def test_webhook_on_one_process_and_stream_on_another(server: str, pool: Any) -> None:
    shop = await create_demo_shop(pool)
    options = CallerOptions(server_url=server, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN,
                            from_number=shop.owner_phone, api_key=shop.api_key)
    pairs = []
    for _ in range(12):  # the kernel spreads connections; stop at the first call split across processes
        call = SimulatedCaller(options)
        webhook_by, call.answer = await _webhook(options, call.call_sid)
        assert call.answer.connects, call.answer
        await call.connect()
        stream_by = call._ws.response.headers[HEADER]
        pairs.append((webhook_by, stream_by))
        if webhook_by != stream_by:
            greeting = await call.wait_for_greeting(timeout_s=30)
            assert greeting.reply_mulaw, "no greeting from the process that took the stream"
            await call.hangup()
            break
        await call.hangup()
        await asyncio.sleep(0.2)
    else:
        pytest.fail(f"every call stayed on one process: {pairs}")
    row = await pool.fetchrow("SELECT status, stream_sid FROM calls WHERE call_sid = $1", call.call_sid)
    assert row["stream_sid"] == call.stream_sid

    async with httpx.AsyncClient(timeout=5) as c:
        text = (await c.get(server + "/metrics")).text
    greeted = [line for line in text.splitlines()
               if line.startswith("execora_turns_total{") and 'channel="call"' in line]
    assert greeted and sum(float(line.rsplit(" ", 1)[1]) for line in greeted) >= 1, text[:2000]
