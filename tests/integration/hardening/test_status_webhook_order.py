"""Shuffled, duplicated, concurrent WhatsApp status callbacks: each stored once, statuses only forward.

The real /whatsapp/webhook router on the real database, Meta-signed bodies
(tests/support/whatsapp_statuses.py), 8 requests in flight at a time, a watcher
sampling the reminders meanwhile. benchmarks/bench_status_webhooks.py runs the
same at 1,000 callbacks against a running server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from telephony.whatsapp.webhook import router, sign
from tests.support.whatsapp_statuses import Watcher, anomalies, make_reminders, plan

SECRET = "test-app-secret"


@pytest.fixture
async def client(pool, settings) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.settings = settings.model_copy(update={"whatsapp_app_secret": SECRET})
    app.state.pool = pool
    app.include_router(router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


async def test_shuffled_duplicated_callbacks_store_once_and_only_move_forward(pool, client):
    stories = await make_reminders(pool, 10)
    p = plan(stories, seed=60)
    assert 50 <= len(p.bodies) <= 90 and p.distinct_events < len(p.bodies)
    watcher = Watcher(pool, [s.reminder_id for s in stories])
    stop = asyncio.Event()
    watching = asyncio.create_task(watcher.run(stop))
    gate = asyncio.Semaphore(8)
    codes: list[int] = []

    async def post(body: bytes) -> None:
        async with gate:
            r = await client.post("/whatsapp/webhook", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)})
            codes.append(r.status_code)

    await asyncio.gather(*(post(b) for b in p.bodies))
    stop.set()
    await watching
    assert codes == [200] * len(p.bodies)
    assert watcher.samples >= 2
    found = await anomalies(pool, p, watcher)
    assert found == [], "\n".join(found)
