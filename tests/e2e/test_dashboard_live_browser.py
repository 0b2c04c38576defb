"""The live, quality and call pages in Debian's Chromium (Playwright) against a running server.

Live: a typed `execora chat` session (its own process, recording its turns through the
same `PostgresCallStore` and live feed as a phone call) is kept open while the page
watches; each sentence typed appears on the page without a reload (a marker set on the
page's window survives). Quality: the page's SVG charts render. Call page: clicking a
turn marker on the waveform moves the <audio> element's currentTime to that turn.
Screenshots land in .artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import json
import math
import struct
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from db import calls as call_rows
from tests.e2e.call_harness import RunningServer, call_settings, create_demo_shop, running_server
from tests.e2e.chat_harness import ROOT, _command, chat_env
from tests.e2e.test_dashboard_browser import CHROMIUM, add_operator, shot, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(call_settings(database_url, redis_url, tmp_path_factory.mktemp("live"))) as srv:
        yield srv


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        try:
            yield await browser.new_page()
        finally:
            await browser.close()


class OpenChat:
    """`execora chat --jsonl` kept open: one line in, one JSON answer out."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def say(self, text: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write((json.dumps({"say": text}) + "\n").encode())
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        return dict(json.loads(line))

    async def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def open_chat(phone: str, env: dict[str, str]) -> OpenChat:
    proc = await asyncio.create_subprocess_exec(
        *_command(), "--phone", phone, "--jsonl", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, env=env, cwd=str(ROOT),
    )
    return OpenChat(proc)


async def test_live_page_shows_a_running_chats_turns_without_reload(
    server: RunningServer, pool: Any, page: Any, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    shop = await create_demo_shop(pool)
    other = await create_demo_shop(pool)
    owner = await add_operator(pool, "owner", shop.shop_id)
    await sign_in(page, server, owner)
    await page.goto(f"{server.url}/dashboard/live")
    await page.wait_for_selector("#live-status[data-connected='1']")
    await page.evaluate("window.__notReloaded = true")
    await shot(page, "live_empty")

    env = chat_env(database_url, redis_url, tmp_path)
    theirs = await open_chat(other.owner_phone, env)  # another shop's call, never on this page
    mine = await open_chat(shop.owner_phone, env)
    try:
        await theirs.say("Meena ka kitna udhaar hai")
        answer = await mine.say("Suresh ko do packet doodh udhaar")
        assert answer["result"]["total_paise"] == 6000, answer
        await page.wait_for_selector("#live-calls li:has-text('Suresh ko do packet doodh udhaar')")
        await mine.say("Meena ka kitna udhaar hai")
        await page.wait_for_selector("#live-calls li:has-text('Meena ka kitna udhaar hai')")
        assert await page.evaluate("window.__notReloaded === true")
        cards = page.locator("#live-calls article.live-call")
        assert await cards.count() == 1
        text = await cards.first.inner_text()
        assert shop.owner_phone[-4:] in text and shop.owner_phone[3:9] not in text  # the number masked
        assert await page.locator("#live-calls li").count() >= 3  # greeting and two sentences
        await shot(page, "live_call")
    finally:
        await mine.close()
        await theirs.close()
    await page.wait_for_selector("#live-calls article.ended")
    assert await page.evaluate("window.__notReloaded === true")
    await shot(page, "live_ended")


def _wav(path: Path, seconds: int = 8, rate: int = 8000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = b"".join(struct.pack("<hh", int((12000 if 3 <= i / rate < 4 else 300)
                                             * math.sin(2 * math.pi * 440 * i / rate)), 0)
                      for i in range(seconds * rate))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


async def test_quality_page_and_a_turn_marker_seeking_the_recording(
    server: RunningServer, pool: Any, page: Any
) -> None:
    from business.turns import CallTurn

    shop = await create_demo_shop(pool)
    sid = "CAwave" + shop.owner_phone[-8:]
    turns = [
        CallTurn(0, "", "system", None, {}, None, {}, "Namaste", timings={"first_reply_audio": 200.0}),
        CallTurn(1, "do packet doodh", "speech", "create_invoice", {}, "create_invoice", {"asked": "kisko"},
                 "Kisko?", timings={"speech_end": 5000.0, "transcript_final": 5100.0, "understood": 5150.0,
                                    "action_done": 5200.0, "first_reply_audio": 5600.0}),
    ]
    wav = await asyncio.to_thread(_wav, Path(server.settings.recordings_dir) / f"{sid}.wav")
    async with pool.acquire() as conn:
        await call_rows.create_call(conn, call_sid=sid, shop_id=shop.shop_id, from_phone=shop.owner_phone,
                                    to_phone="", caller_role="owner", status="in-progress", channel="twilio")
        for t in turns:
            await call_rows.record_turn(conn, sid, t)
        await call_rows.finish_call(conn, call_sid=sid, status="completed", ended_reason="caller_hung_up")
        await call_rows.register_recording(conn, call_sid=sid, path=str(wav), duration_s=8.0,
                                           size_bytes=wav.stat().st_size)
    owner = await add_operator(pool, "owner", shop.shop_id)
    await sign_in(page, server, owner)

    await page.goto(f"{server.url}/dashboard/quality")
    assert await page.locator("svg").count() >= 4
    assert await page.locator(f"#worst a[href='/dashboard/calls/{sid}']").count() >= 1
    await shot(page, "quality")

    await page.locator(f"#worst a[href='/dashboard/calls/{sid}']").first.click()
    await page.wait_for_load_state()
    await page.wait_for_selector("#waveform g.marker[data-turn='1']")
    assert await page.evaluate("document.getElementById('recording').currentTime") == 0
    await page.locator("#waveform g.marker[data-turn='1']").click()
    await page.wait_for_function("document.getElementById('recording').currentTime >= 3")  # 5 s less the lead
    at = await page.evaluate("document.getElementById('recording').currentTime")
    assert 3.0 <= at < 4.5, at
    await shot(page, "call_waveform")
