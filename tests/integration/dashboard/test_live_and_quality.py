"""The live feed and the quality page against real Postgres and Redis.

Live: the app is served by a real uvicorn on a free port (httpx's ASGI transport
buffers whole answers, so it cannot read an event stream); turns are written through
the calls' own store (`PostgresCallStore` with its `LiveCallFeed`), as a call's
process writes them, and read back as server-sent events. Quality: turns with stage
timings planted on known shop days, read through `db.quality_queries` and the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from business.shoptime import IST
from dashboard.live import StreamSlots
from db import quality_queries as q
from telephony.call_store import PostgresCallStore
from telephony.live_calls import LiveCallFeed, LiveEvent, channel_of
from tests.integration.dashboard.conftest import DashShop, add_call, new_operator, new_shop, sign_in, turn

# --- live ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The app (its lifespan already run by the `app` fixture) behind a real HTTP server."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = server.force_exit = True  # streams a failed test left open do not hold it
        await asyncio.wait_for(task, 15)


class Events:
    """The server-sent events of one open stream, parsed as they arrive."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def next(self) -> tuple[str, dict[str, Any]]:
        name, data = "message", ""
        async for line in self._lines:
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data += line[6:]
            elif line == "" and data:
                return name, json.loads(data)
            elif line == "":
                name = "message"
        raise AssertionError("the stream ended")

    async def until(self, name: str, pred: Any = lambda d: True) -> dict[str, Any]:
        async def find() -> dict[str, Any]:
            while True:
                got, data = await self.next()
                if got == name and pred(data):
                    return data

        return await asyncio.wait_for(find(), 15)  # a guard against a hung test, not a timing check

    async def names_until(self, name: str, pred: Any) -> list[tuple[str, dict[str, Any]]]:
        seen: list[tuple[str, dict[str, Any]]] = []

        async def collect() -> list[tuple[str, dict[str, Any]]]:
            while True:
                got, data = await self.next()
                seen.append((got, data))
                if got == name and pred(data):
                    return seen

        return await asyncio.wait_for(collect(), 15)


@contextlib.asynccontextmanager
async def client_for(base: str, who: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-in client of the real server."""
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(20.0)) as c:
        r = await sign_in(c, who)
        assert r.status_code == 303, r.text
        yield c


def store_for(app: FastAPI, sid: str, shop_id: int) -> PostgresCallStore:
    """The store a call's process uses, with the call's live feed."""
    return PostgresCallStore(app.state.pool, LiveCallFeed(app.state.redis, call_sid=sid, shop_id=shop_id))


async def test_an_owner_sees_their_shops_live_turns_and_never_another_shops(
    app: FastAPI, served: str, shop: DashShop
) -> None:
    other = await new_shop(app, "Other Store")
    mine_sid = await add_call(app, shop.shop_id, turns=[turn(0, heard="namaste", source="system")], finish=False)
    theirs_sid = await add_call(app, other.shop_id, turns=[turn(0, heard="secret B")], finish=False)
    async with client_for(served, shop) as c, c.stream("GET", "/dashboard/live/events") as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = Events(r)
        snap = await events.until("snapshot")
        sids = {x["call_sid"] for x in snap["calls"]}
        assert mine_sid in sids and theirs_sid not in sids
        mine = next(x for x in snap["calls"] if x["call_sid"] == mine_sid)
        assert mine["caller"].endswith("3210") and "9876" not in mine["caller"]
        assert [t["heard"] for t in mine["turns"]] == ["namaste"]

        # shop B's turn is published first on the same connection: had it passed the filter it would come first
        await store_for(app, theirs_sid, other.shop_id).record_turn(theirs_sid, turn(1, heard="B ka udhaar"))
        await store_for(app, mine_sid, shop.shop_id).record_turn(
            mine_sid, turn(1, heard="Suresh ko do packet doodh", intent="create_invoice", action="create_invoice",
                           reply="Do packet doodh, 60 rupaye.", timings={"speech_end": 1000.0,
                                                                        "first_reply_audio": 1320.0}))
        seen = await events.names_until("turn", lambda d: d["call_sid"] == mine_sid)
        assert all(d.get("call_sid") != theirs_sid for _, d in seen), seen
        got = seen[-1][1]
        assert got["shop_id"] == shop.shop_id and got["turn"]["heard"] == "Suresh ko do packet doodh"
        assert got["turn"]["reply"] == "Do packet doodh, 60 rupaye." and got["turn"]["latency_ms"] == 320.0

        await store_for(app, theirs_sid, other.shop_id).finish_call(theirs_sid, "completed", "caller_hung_up")
        await store_for(app, mine_sid, shop.shop_id).finish_call(mine_sid, "completed", "caller_hung_up")
        seen = await events.names_until("end", lambda d: d["call_sid"] == mine_sid)
        assert all(d.get("call_sid") != theirs_sid for _, d in seen), seen
        assert seen[-1][1]["ended_reason"] == "caller_hung_up"
    async with app.state.pool.acquire() as conn:  # the store is still the truth
        stored = await conn.fetchval(
            "SELECT count(*) FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.call_sid = $1", mine_sid)
    assert stored == 2


async def test_an_admin_sees_every_shop_and_a_picked_shop_alone(app: FastAPI, served: str) -> None:
    a, b = await new_shop(app, "A Store"), await new_shop(app, "B Store")
    admin = await new_operator(app, "admin", None)
    sid_a = await add_call(app, a.shop_id, finish=False)
    sid_b = await add_call(app, b.shop_id, finish=False)
    async with client_for(served, admin) as c:
        async with c.stream("GET", "/dashboard/live/events") as r:
            events = Events(r)
            snap = await events.until("snapshot")
            assert {sid_a, sid_b} <= {x["call_sid"] for x in snap["calls"]}
            await store_for(app, sid_b, b.shop_id).record_turn(sid_b, turn(0, heard="from B"))
            got = await events.until("turn", lambda d: d["call_sid"] == sid_b)
            assert got["shop_name"] == "B Store"
        async with c.stream("GET", f"/dashboard/live/events?shop={a.shop_id}") as r:
            events = Events(r)
            snap = await events.until("snapshot")
            assert sid_a in {x["call_sid"] for x in snap["calls"]}
            assert sid_b not in {x["call_sid"] for x in snap["calls"]}
            await store_for(app, sid_b, b.shop_id).record_turn(sid_b, turn(1, heard="B again"))
            await store_for(app, sid_a, a.shop_id).record_turn(sid_a, turn(0, heard="from A"))
            seen = await events.names_until("turn", lambda d: d["call_sid"] == sid_a)
            assert all(d.get("call_sid") != sid_b for _, d in seen)


async def test_a_forged_event_naming_another_shop_on_my_channel_is_dropped(
    app: FastAPI, served: str, shop: DashShop
) -> None:
    other = await new_shop(app, "Other Store")
    sid = await add_call(app, shop.shop_id, finish=False)
    async with client_for(served, shop) as c, c.stream("GET", "/dashboard/live/events") as r:
        events = Events(r)
        await events.until("snapshot")
        forged = LiveEvent("turn", "CAforged", other.shop_id, {"turn": {"turn_no": 0, "heard": "x"}})
        await app.state.redis.publish(channel_of(shop.shop_id), forged.encode())
        await app.state.redis.publish(channel_of(shop.shop_id), b"not json")
        await store_for(app, sid, shop.shop_id).record_turn(sid, turn(0, heard="real"))
        seen = await events.names_until("turn", lambda d: d["call_sid"] == sid)
        assert [d["call_sid"] for n, d in seen if n == "turn"] == [sid]


async def test_streams_are_capped_per_operator_and_freed_when_the_client_goes(
    app: FastAPI, served: str, shop: DashShop
) -> None:
    app.state.live_slots = slots = StreamSlots(per_operator=1, total=10)
    async with client_for(served, shop) as c:
        async with c.stream("GET", "/dashboard/live/events") as r:
            events = Events(r)  # kept: a dropped line reader closes the stream
            await events.until("snapshot")
            assert slots.open_total == 1
            refused = await c.get("/dashboard/live/events")
            assert refused.status_code == 429
        for _ in range(500):  # the server notices the closed connection and frees the slot
            if slots.open_total == 0:
                break
            await asyncio.sleep(0.02)
        assert slots.open_total == 0
        async with c.stream("GET", "/dashboard/live/events") as r:
            assert r.status_code == 200
            await Events(r).until("snapshot")
    async with httpx.AsyncClient(base_url=served) as anon:
        assert (await anon.get("/dashboard/live/events")).status_code == 401


async def test_the_live_page_lists_open_calls_of_the_shop(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    other = await new_shop(app, "Other Store")
    mine = await add_call(app, shop.shop_id, turns=[turn(0, heard="do kilo cheeni")], finish=False)
    done = await add_call(app, shop.shop_id)
    theirs = await add_call(app, other.shop_id, finish=False)
    await sign_in(http, shop)
    r = await http.get("/dashboard/live")
    assert r.status_code == 200
    assert mine in r.text and "do kilo cheeni" in r.text and done not in r.text and theirs not in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert '<script src="/dashboard/static/live.js"' in r.text
    js = await http.get("/dashboard/static/live.js")
    assert js.status_code == 200 and "EventSource" in js.text
    assert (await http.get("/dashboard/static/other.js")).status_code == 404
    assert (await http.get(f"/dashboard/live?shop={other.shop_id}")).status_code == 403


# --- quality ------------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=IST).astimezone(UTC)


async def _plant(app: FastAPI, shop_id: int, when: datetime, turns: list[Any]) -> str:
    sid = await add_call(app, shop_id, turns=turns)
    async with app.state.pool.acquire() as conn:
        await conn.execute("UPDATE calls SET started_at = $2 WHERE call_sid = $1", sid, when)
        await conn.execute(
            "UPDATE call_turns SET created_at = $2 WHERE call_id = (SELECT id FROM calls WHERE call_sid = $1)",
            sid, when)
    return sid


def _timed(n: int, latency: float, **fields: Any) -> Any:
    stages = {"speech_end": 1000.0, "transcript_final": 1100.0, "understood": 1150.0, "action_done": 1200.0,
              "first_reply_audio": 1000.0 + latency}
    return turn(n, heard=f"turn {n}", timings=stages, **fields)


async def test_quality_queries_per_day_stage_hour_outcome_and_worst(app: FastAPI, shop: DashShop) -> None:
    other = await new_shop(app, "Other Store")
    day = date(2031, 3, 10)  # a day of its own, far from other tests' data
    booked = {"invoice_id": 1}
    slow = await _plant(app, shop.shop_id, _at(day, 9, 5), [
        turn(0, heard="", source="system", reply="Namaste"),
        _timed(1, 300.0, action="create_invoice", result=booked),
        _timed(2, 900.0, result={"asked": "which customer"}),
        _timed(3, 500.0, result={"error": "customer_not_found"}),
    ])
    asks = await _plant(app, shop.shop_id, _at(day, 9, 40), [
        _timed(1, 400.0, result={"candidates": [1, 2]}),
        _timed(2, 400.0, result={"asked": "how much"}),
        _timed(3, 400.0, result={"asked": "how much"}),
    ])
    await _plant(app, shop.shop_id, _at(day, 18), [_timed(1, 200.0, result={"confirmed": False})])
    await _plant(app, shop.shop_id, _at(day - timedelta(days=1), 12), [_timed(1, 100.0), _timed(2, 300.0)])
    await _plant(app, other.shop_id, _at(day, 9), [_timed(1, 9000.0, result={"error": "x"})])  # never counted
    mine = (shop.shop_id,)
    async with app.state.pool.acquire() as conn:
        by_day = await q.latency_by_day(conn, mine, day - timedelta(days=1), day)
        by_stage = await q.latency_by_stage(conn, mine, day, day)
        hourly = await q.calls_per_hour(conn, mine, day)
        shares = await q.outcome_shares(conn, mine, day, day)
        slowest = await q.worst_calls(conn, mine, day, by="slowest")
        most_asked = await q.worst_calls(conn, mine, day, by="asked")
        everyone = await q.outcome_shares(conn, None, day, day)
    assert [(p.label, p.turns) for p in by_day] == [((day - timedelta(days=1)).isoformat(), 2), (day.isoformat(), 7)]
    yesterday, today = by_day
    assert yesterday.p50_ms == 200.0
    assert today.p50_ms == 400.0  # 200 300 400 400 400 500 900
    assert 700.0 < today.p95_ms < 900.0  # interpolated between the two slowest
    stages = {p.label: p for p in by_stage}
    assert stages["recognise"].p50_ms == 100.0 and stages["understand"].p50_ms == 50.0
    assert stages["act"].p50_ms == 50.0 and stages["speak"].turns == 7
    assert hourly[9] == 2 and hourly[18] == 1 and sum(hourly) == 3
    assert (shares.first_time, shares.asked, shares.failed) == (2, 4, 1)  # the greeting is no caller turn
    assert round(shares.share("asked"), 3) == round(4 / 7, 3)
    assert everyone.failed == 2  # the other shop's failed turn counts only without a filter
    assert slowest[0].call_sid == slow and slowest[0].slowest_ms == 900.0 and slowest[0].turns == 4
    assert [w.call_sid for w in most_asked] == [asks, slow] and most_asked[0].asked == 3


async def test_the_quality_page_draws_svg_and_links_the_worst_calls(
    app: FastAPI, http: httpx.AsyncClient, shop: DashShop
) -> None:
    day = date(2031, 4, 2)
    sid = await _plant(app, shop.shop_id, _at(day, 11), [_timed(1, 1500.0, result={"asked": "kaun"})])
    await sign_in(http, shop)
    r = await http.get(f"/dashboard/quality?date={day.isoformat()}&days=7")
    assert r.status_code == 200, r.text
    page = r.text
    assert page.count("<svg") >= 4 and "<script" not in page.split("</main>")[0]
    assert 'id="latency-by-day"' in page and "<polyline" in page and 'id="calls-per-hour"' in page
    assert f'href="/dashboard/calls/{sid}"' in page
    assert "asked again: 1 (100%)" in page
    assert (await http.get("/dashboard/quality?date=nonsense")).status_code == 422
