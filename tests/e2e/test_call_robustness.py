"""A broken or hostile peer and a dropped line: the call, the server and the books survive."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from telephony.simulated_caller import CallerOptions, SimulatedCaller
from tests.e2e.call_harness import (
    AUTH_TOKEN,
    PUBLIC_BASE_URL,
    DemoShop,
    RunningServer,
    call_rows,
    call_settings,
    create_demo_shop,
    running_server,
)
from tests.support.polling import wait_until

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("call-robustness")
    with running_server(call_settings(database_url, redis_url, data_dir)) as srv:
        yield srv


def caller_for(server: RunningServer, shop: DemoShop) -> SimulatedCaller:
    return SimulatedCaller(
        CallerOptions(server_url=server.url, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN,
                      from_number=shop.owner_phone)
    )


def hostile_messages(stream_sid: str) -> list[str | bytes]:
    # Within the server's 64 KiB frame limit (a bigger frame closes the socket with 1009:
    # tests/integration/hardening/test_limits.py); over the serializer's own checks.
    big = base64.b64encode(b"\xff" * 40_000).decode()
    return [
        "not json at all",
        "[1, 2, 3]",
        "null",
        json.dumps({"event": "media"}),
        json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": "%%% not base64 %%%"}}),
        json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": 12345}}),
        json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": "QUJD"}}),  # 3 odd bytes
        json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": big}}),  # ~53 KB of audio
        json.dumps({"event": "dtmf", "streamSid": stream_sid, "dtmf": {}}),
        json.dumps({"event": "dtmf", "streamSid": stream_sid, "dtmf": {"digit": "x"}}),
        json.dumps({"event": "wat", "streamSid": stream_sid}),
        json.dumps({"event": "start", "start": {"callSid": "CAforged"}}),  # a second start is ignored
        json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": "nope"}}),
        "x" * 60_000,
        b"\x00\x01\x02 binary frame",
    ]


async def test_malformed_oversized_and_unknown_messages_are_ignored(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    call = caller_for(server, shop)
    try:
        await call.place_call()
        await call.connect()
        await call.wait_for_greeting(timeout_s=15)
        for message in hostile_messages(call.stream_sid):
            await call.send_raw(message)
        assert not call.closed
        turn = await call.say("Suresh ka kitna baaki hai")
        await call.wait_for_reply(turn, timeout_s=15)
        assert turn.reply_mulaw, "the call still answers after the junk"
        _, turns = await call_rows(pool, call.call_sid)
        assert any(t["source"] == "speech" for t in turns)
        async with httpx.AsyncClient() as client:
            assert (await client.get(server.url + "/health")).status_code == 200
    finally:
        await call.hangup()


async def _books_consistent(pool: Any, shop: DemoShop) -> tuple[int, int]:
    """Invoices are whole or absent: stock moves, ledger and balances agree. Returns (invoices, milk sold)."""
    invoices = await pool.fetch("SELECT id, total_paise, customer_id FROM invoices WHERE shop_id = $1", shop.shop_id)
    stock = await pool.fetchval("SELECT stock_milli FROM products WHERE id = $1", shop.products["milk"])
    moves = await pool.fetchval(
        "SELECT COALESCE(sum(qty_milli), 0) FROM stock_moves WHERE product_id = $1", shop.products["milk"]
    )
    assert stock == moves, "cached stock equals the sum of its moves"
    for cust in shop.customers.values():
        balance = await pool.fetchval("SELECT balance_paise FROM customers WHERE id = $1", cust)
        ledger = await pool.fetchval(
            "SELECT COALESCE(sum(amount_paise), 0) FROM ledger_entries WHERE customer_id = $1", cust
        )
        assert balance == ledger, "cached balance equals the sum of its ledger"
    for inv in invoices:
        lines = await pool.fetchval("SELECT count(*) FROM invoice_lines WHERE invoice_id = $1", inv["id"])
        assert lines >= 1
    return len(invoices), 100_000 - stock


@pytest.mark.parametrize("when", ["mid_sentence", "after_command"])
async def test_hang_up_during_a_command_leaves_the_books_consistent(server: RunningServer, pool, when: str) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    call = caller_for(server, shop)
    await call.place_call()
    await call.connect()
    await call.wait_for_greeting(timeout_s=15)
    if when == "mid_sentence":
        await call.hang_up_mid_sentence("Suresh ko do packet doodh aur ek bread", fraction=0.6)
    else:
        await call.say("Suresh ko do packet doodh")
        await call.hangup(send_stop=False)  # the line drops while the bot is working on it

    async def closed() -> bool:
        row, _ = await call_rows(pool, call.call_sid)
        return bool(row and row["ended_at"])

    assert await wait_until(closed, 15)
    count, sold = await _books_consistent(pool, shop)
    assert count in (0, 1)
    assert sold == (2000 if count else 0)
    row, _ = await call_rows(pool, call.call_sid)
    assert row["ended_reason"] == "caller"
    if when == "after_command":
        # No `stop` from Twilio: the server ends the call through the REST API itself.
        assert await wait_until(lambda: server.twilio.hung_up(call.call_sid), 5)
