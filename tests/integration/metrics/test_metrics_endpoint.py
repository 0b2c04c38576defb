"""GET /metrics through the real app (lifespan run, real Postgres/Redis): names, labels and the 401.

Metrics live in this test process's registry (no multiprocess directory), so
each test reads a value before and after what it does and checks the change.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from app.main import create_app

TOKEN = "metrics-token-" + "x" * 24


@pytest.fixture
async def app(settings: Any) -> AsyncIterator[FastAPI]:
    application = create_app(settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test") as c:
        yield c


async def scrape(http: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_a_token_is_required_when_set(http: httpx.AsyncClient) -> None:
    assert (await http.get("/metrics")).status_code == 401
    r = await http.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert (await http.get("/metrics", headers={"Authorization": TOKEN})).status_code == 401  # no scheme
    assert (await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).status_code == 200


async def test_without_a_token_only_a_loopback_server_answers(settings: Any) -> None:
    for host, proxies, status in (("127.0.0.1", "", 200), ("0.0.0.0", "", 401), ("127.0.0.1", "10.0.0.2", 401)):
        application = create_app(settings.model_copy(update={"host": host, "trusted_proxies": proxies}))
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://execora.test") as c:
                r = await c.get("/metrics")
        assert r.status_code == status, (host, proxies)


async def test_every_response_names_its_process(http: httpx.AsyncClient) -> None:
    import os

    r = await http.get("/health")
    assert r.headers["x-execora-worker"].endswith(f"/{os.getpid()}")


async def test_a_chat_turn_counts_its_outcome_booking_and_stages(app: FastAPI, http: httpx.AsyncClient) -> None:
    from app.commands.chat import _open_session
    from app.resources import close_resources

    phone = "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))
    shop, _ = await app.state.books.create_shop("Metrics Kirana", phone, None, settings={"trust_caller_id": True})
    await app.state.books.add_customer(shop.id, "Suresh")
    before = await scrape(http)
    res, session, _ = await _open_session(app.state.settings, phone, None)
    try:
        await session.greet()
        turn = await session.say("Suresh ne bees rupaye diye")
        assert turn.action == "record_payment", turn
        unknown = await session.say("blorp fnarg")
    finally:
        await close_resources(res)
    after = await scrape(http)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("execora_turns_total", outcome="booked", channel="chat") == 1
    assert delta("execora_turns_total", outcome="not_understood", channel="chat") == 1, unknown
    assert delta("execora_turns_total", outcome="other", channel="chat") == 1  # the greeting
    assert delta("execora_bookings_total", action="record_payment") == 1
    assert delta("execora_turn_stage_seconds_count", stage="action") >= 1
    assert ("execora_turn_stage_seconds_bucket", (("le", "0.5"), ("stage", "action"))) in after
    # Families an operator's dashboard reads exist before anything happened to them.
    names = {name for name, _ in after}
    for family in ("execora_queue_depth", "execora_turn_stage_seconds_bucket"):
        assert family in names, family
    assert value(after, "execora_queue_depth", queue=app.state.settings.rq_queue, state="ready") >= 0


async def test_queue_depth_is_read_at_scrape(app: FastAPI, http: httpx.AsyncClient) -> None:
    queue = app.state.settings.rq_queue
    key = f"rq:queue:{queue}"
    before = value(await scrape(http), "execora_queue_depth", queue=queue, state="ready")
    await app.state.redis.rpush(key, "job-a", "job-b")  # other tests may have left jobs on this queue
    try:
        samples = await scrape(http)
    finally:
        await app.state.redis.lrem(key, 0, "job-a")
        await app.state.redis.lrem(key, 0, "job-b")
    assert value(samples, "execora_queue_depth", queue=queue, state="ready") == before + 2


async def test_a_reminder_send_is_counted_by_outcome(app: FastAPI, http: httpx.AsyncClient, settings: Any) -> None:
    from app.commands.worker import worker_config
    from workers.context import configure
    from workers.reminders import send_reminder

    books = app.state.books
    phone = "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))
    shop, _ = await books.create_shop("Reminder Kirana", phone, None)
    cust = await books.add_customer(shop.id, "Meena", phone="+919812345678", whatsapp_opt_in=True,
                                    opening_balance_paise=40_000, phone_confirmed=True)
    rid = await app.state.pool.fetchval(
        "INSERT INTO reminders (shop_id, customer_id, due_at) VALUES ($1, $2, $3) RETURNING id",
        shop.id, cust.id, datetime.now(UTC) - timedelta(seconds=1),
    )
    cfg_settings = settings.model_copy(update={"reminder_send_window": "00:00-24:00"})
    configure(worker_config(cfg_settings, settings.database_url, settings.redis_url))
    before = await scrape(http)
    assert await send_reminder(rid) == "outbox"  # no WhatsApp settings: the local outbox is the channel
    assert await send_reminder(rid) == "noop:sent"
    after = await scrape(http)
    assert value(after, "execora_reminder_sends_total", outcome="outbox") - value(
        before, "execora_reminder_sends_total", outcome="outbox") == 1
    assert value(after, "execora_reminder_sends_total", outcome="noop") - value(
        before, "execora_reminder_sends_total", outcome="noop") == 1
