"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against a running server.

Signs in with the form as an operator would (the browser sets Origin, Referer and
Sec-Fetch-* itself), opens the calls, a call and the summary, and checks that a
wrong key and another shop's call are refused. Screenshots land in
.artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.call_harness import RunningServer, call_settings, create_demo_shop, running_server

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(call_settings(database_url, redis_url, tmp_path_factory.mktemp("browser"))) as srv:
        yield srv


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield await browser.new_page()
        finally:
            await browser.close()


async def sign_in(page: Any, server: RunningServer, key: str) -> None:
    await page.goto(f"{server.url}/dashboard/login")
    await page.fill("#api_key", key)
    await page.click("button[type=submit], input[type=submit]")
    await page.wait_for_load_state()


async def add_call(pool: Any, shop_id: int, call_sid: str) -> None:
    await pool.execute(
        "INSERT INTO calls (call_sid, shop_id, from_phone, status, channel) VALUES ($1, $2, '+911', 'completed', 'chat')",
        call_sid, shop_id,
    )


async def test_sign_in_and_browse_in_chromium(server: RunningServer, pool: Any, page: Any) -> None:
    shop = await create_demo_shop(pool)
    await add_call(pool, shop.shop_id, "CAbrowser0001")
    await sign_in(page, server, shop.api_key)
    assert page.url.endswith("/dashboard/calls"), await page.content()
    assert await page.locator("h1").inner_text() == "Calls"
    assert "CAbrowser0001" in await page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / "calls.png"), full_page=True)
    await page.goto(f"{server.url}/dashboard/calls/CAbrowser0001")
    await page.screenshot(path=str(SHOTS / "call.png"), full_page=True)
    await page.goto(f"{server.url}/dashboard/summary")
    assert page.url.endswith("/dashboard/summary")
    await page.screenshot(path=str(SHOTS / "summary.png"), full_page=True)


async def test_a_wrong_key_and_another_shops_call_are_refused(server: RunningServer, pool: Any, page: Any) -> None:
    mine, theirs = await create_demo_shop(pool), await create_demo_shop(pool)
    await add_call(pool, theirs.shop_id, "CAtheirs00001")
    await sign_in(page, server, "not-a-key")
    assert "/dashboard/login" in page.url and "Cross-site" not in await page.content()
    await sign_in(page, server, mine.api_key)
    assert page.url.endswith("/dashboard/calls")
    response = await page.goto(f"{server.url}/dashboard/calls/CAtheirs00001")
    assert response is not None and response.status == 404
