"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against a running server.

Signs in with the form as an operator would (email and password; the browser sets Origin,
Referer and Sec-Fetch-* itself); books a bill through a real `execora chat` conversation,
finds the call with the search form, reverses the bill from its turn and sees the customer's
balance drop in the khata; checks that a wrong password and another shop's pages are
refused and that the admin sees the audit log. Screenshots land in .artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import passwords
from db import operators as operator_rows
from tests.e2e.call_harness import RunningServer, call_settings, create_demo_shop, running_server
from tests.e2e.chat_harness import chat, chat_env, says

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"
PASSWORD = "browser test password"


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


async def add_operator(pool: Any, role: str, shop_id: int | None) -> str:
    """An operator with PASSWORD, made the way `execora operator add` makes one; returns the email."""
    email = f"{role}-{secrets.token_hex(4)}@shop.example"
    password_hash = await asyncio.to_thread(passwords.hash_password, PASSWORD)
    async with pool.acquire() as conn:
        assert await operator_rows.add_operator(conn, email=email, password_hash=password_hash, role=role,
                                                shop_id=shop_id)
    return email


async def sign_in(page: Any, server: RunningServer, email: str, password: str = PASSWORD) -> None:
    await page.goto(f"{server.url}/dashboard/login")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()


async def add_call(pool: Any, shop_id: int, call_sid: str) -> None:
    await pool.execute(
        "INSERT INTO calls (call_sid, shop_id, from_phone, status, channel) VALUES ($1, $2, '+911', 'completed', 'chat')",
        call_sid, shop_id,
    )


async def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def balance(page: Any, server: RunningServer, customer_id: int) -> str:
    await page.goto(f"{server.url}/dashboard/customers/{customer_id}")
    return str(await page.locator("#balance").inner_text())


async def test_sign_in_search_and_reverse_a_booking_in_chromium(
    server: RunningServer, pool: Any, page: Any, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    shop = await create_demo_shop(pool)
    suresh = shop.customers["Suresh"]
    answers = await chat(shop.owner_phone, says("Suresh ko do packet doodh udhaar"),
                         env=chat_env(database_url, redis_url, tmp_path))
    assert answers[0]["result"]["total_paise"] == 6000, answers
    await add_call(pool, shop.shop_id, "CAbrowser0001")  # a second call, which the search leaves out
    owner = await add_operator(pool, "owner", shop.shop_id)

    await sign_in(page, server, owner)
    assert page.url.endswith("/dashboard/calls"), await page.content()
    assert await page.locator("h1").inner_text() == "Calls"
    assert "CAbrowser0001" in await page.content()
    await shot(page, "calls")

    await page.fill("#text", "doodh")
    await page.click("form.search button[type=submit]")
    await page.wait_for_load_state()
    assert "text=doodh" in page.url
    listed = await page.content()
    assert "CAbrowser0001" not in listed
    links = page.locator("table a[href^='/dashboard/calls/']")
    assert await links.count() == 1
    await shot(page, "search")

    assert await balance(page, server, suresh) == "₹60"
    await shot(page, "khata_before")
    await page.goto(f"{server.url}/dashboard/calls?text=doodh")
    await page.locator("table a[href^='/dashboard/calls/']").first.click()
    await page.wait_for_load_state()
    assert "Suresh ko do packet doodh udhaar" in await page.content()
    await shot(page, "call")
    await page.fill("form.reverse input[name=reason]", "Suresh returned the milk")
    await page.click("form.reverse button[type=submit]")
    await page.wait_for_load_state()
    content = await page.content()
    assert "Suresh returned the milk" in content and owner in content and "was reversed" in content
    await shot(page, "call_corrected")

    assert await balance(page, server, suresh) == "₹0"
    khata = await page.content()
    assert "reversal" in khata and re.search(r'href="/dashboard/calls/[^"]+#turn-\d+"', khata)
    await shot(page, "khata_after")
    await page.goto(f"{server.url}/dashboard/summary")
    assert page.url.endswith("/dashboard/summary")
    await shot(page, "summary")


async def test_wrong_password_and_another_shops_pages_are_refused(
    server: RunningServer, pool: Any, page: Any
) -> None:
    mine, theirs = await create_demo_shop(pool), await create_demo_shop(pool)
    await add_call(pool, theirs.shop_id, "CAtheirs00001")
    owner = await add_operator(pool, "owner", mine.shop_id)
    await sign_in(page, server, owner, password="not the password")
    content = await page.content()
    assert "/dashboard/login" in page.url and "Cross-site" not in content and "not accepted" in content
    await shot(page, "login_refused")
    await sign_in(page, server, owner)
    assert page.url.endswith("/dashboard/calls")
    response = await page.goto(f"{server.url}/dashboard/calls/CAtheirs00001")
    assert response is not None and response.status == 404
    response = await page.goto(f"{server.url}/dashboard/summary?shop={theirs.shop_id}")
    assert response is not None and response.status == 403
    await shot(page, "other_shop_refused")
    response = await page.goto(f"{server.url}/dashboard/audit")
    assert response is not None and response.status == 403


async def test_the_admin_sees_every_shop_and_the_audit_log(server: RunningServer, pool: Any, page: Any) -> None:
    shop = await create_demo_shop(pool)
    await add_call(pool, shop.shop_id, "CAadminview01")
    admin = await add_operator(pool, "admin", None)
    await sign_in(page, server, admin)
    assert "CAadminview01" in await page.content()
    await page.goto(f"{server.url}/dashboard/shops")
    await shot(page, "shops")
    await page.goto(f"{server.url}/dashboard/audit")
    content = await page.content()
    assert admin in content and "sign_in" in content
    await shot(page, "audit")
