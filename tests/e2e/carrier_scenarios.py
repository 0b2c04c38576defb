"""The same whole calls over another carrier's protocol (Exotel, Plivo): scenarios both e2e files run.

The simulated caller speaks the carrier's documented wire format
(`telephony.simulated_caller.lines`); the server recognises, books and answers
through the one call core. Assertions read Postgres. Turn latencies (end of
the caller's speech to the bot's first audio, on the caller's playback
timeline) are printed, never asserted.
"""

from __future__ import annotations

from typing import Any

import httpx

from telephony.simulated_caller import CallerOptions, SimulatedCaller
from telephony.simulated_caller.lines import LineProtocol
from tests.e2e.call_harness import (
    EXOTEL_PASSWORD,
    EXOTEL_USER,
    PLIVO_AUTH_ID,
    PLIVO_AUTH_TOKEN,
    PUBLIC_BASE_URL,
    DemoShop,
    RunningServer,
    call_rows,
    create_demo_shop,
)
from tests.e2e.test_call_books import says_amount, speak, until_read_back
from tests.support.polling import wait_until


def caller_options(server: RunningServer, from_number: str, **overrides: Any) -> CallerOptions:
    fields: dict[str, Any] = {
        "server_url": server.url, "public_base_url": PUBLIC_BASE_URL, "from_number": from_number,
        "auth_token": PLIVO_AUTH_TOKEN, "account_sid": PLIVO_AUTH_ID,
        "stream_user": EXOTEL_USER, "stream_password": EXOTEL_PASSWORD,
    }
    fields.update(overrides)
    return CallerOptions(**fields)


async def start_call(server: RunningServer, shop: DemoShop, line: LineProtocol) -> SimulatedCaller:
    call = SimulatedCaller(caller_options(server, shop.owner_phone), line=line)
    answer = await call.place_call()
    assert answer.stream_url, answer.raw
    await call.connect()
    greeting = await call.wait_for_greeting(timeout_s=15)
    assert greeting.reply_mulaw, "no greeting"
    return call


def print_latencies(call: SimulatedCaller, line: LineProtocol) -> None:
    for turn in call.turns[1:]:
        if turn.latency_s is not None:
            print(f"{line.name} turn latency {turn.latency_s * 1000:.0f} ms: {turn.said!r}")


async def ended(pool: Any, call_sid: str) -> bool:
    row, _ = await call_rows(pool, call_sid)
    return bool(row and row["ended_at"])


async def payment_and_balance(server: RunningServer, pool: Any, line: LineProtocol) -> SimulatedCaller:
    """A payment booked and a balance read in one call, then the bot's goodbye closes the stream."""
    shop = await create_demo_shop(pool)
    suresh = shop.customers["Suresh"]
    call = await start_call(server, shop, line)
    try:
        pay = await speak(call, pool, "Suresh ne bees rupaye diye")
        assert pay["action"] == "record_payment" and pay["result"].get("amount_paise") == 2000, dict(pay)
        balance = await speak(call, pool, "Suresh ka balance batao")
        assert balance["action"] == "balance", dict(balance)
        owed = await pool.fetchval("SELECT balance_paise FROM customers WHERE id = $1", suresh)
        assert balance["result"]["balance_paise"] == owed == -2000, dict(balance)  # 20 rupees paid in advance
        assert says_amount(pay["reply"], 2000), pay["reply"]
        bye = await call.say("theek hai bye")
        await call.wait_for_reply(bye, timeout_s=10)
        assert await call.wait_closed(10) == 1000  # ending the call closes the stream
    finally:
        await call.hangup()
        print_latencies(call, line)
    payments = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1", suresh)
    assert [p["amount_paise"] for p in payments] == [2000]
    assert await wait_until(lambda: ended(pool, call.call_sid), 10)
    row, turns = await call_rows(pool, call.call_sid)
    assert row["channel"] == line.name and row["carrier"] == line.name
    assert row["status"] == "completed" and row["ended_reason"] == "bot" and row["shop_id"] == shop.shop_id
    assert row["from_phone"] == shop.owner_phone  # the carrier's wire format, normalised to E.164
    assert [t["turn_no"] for t in turns] == list(range(len(turns)))

    async def recorded() -> bool:
        r, _ = await call_rows(pool, call.call_sid)
        return bool(r and r["recording_path"])

    assert await wait_until(recorded, 5)  # the same two-channel recording as a Twilio call
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {shop.api_key}"}) as http:
        one = await http.get(f"/api/calls/{call.call_sid}")  # a Plivo CallUUID has dashes
    assert one.status_code == 200, one.text
    assert {"record_payment", "balance"} <= {t["action"] for t in one.json()["turns"]}
    return call


async def barge_in_and_dtmf(server: RunningServer, pool: Any, line: LineProtocol) -> SimulatedCaller:
    """Talking over the greeting clears the bot's audio; a read-back is confirmed with DTMF 1."""
    shop = await create_demo_shop(pool, confirm_limit_paise=1000)  # above 10 rupees is read back
    call = SimulatedCaller(caller_options(server, shop.owner_phone), line=line)
    try:
        await call.place_call()
        await call.connect()
        assert await wait_until(lambda: call.turns[0].first_audio_at is not None, 15)
        await call.say("Suresh ka balance batao")  # over the greeting, as soon as it starts
        assert call.events.clears, "no clear was sent when the caller spoke over the bot"
        await call.wait_for_reply(call.turns[-1], timeout_s=15)

        asked = await until_read_back(call, pool, "Suresh ne bees rupaye diye")
        assert asked["result"].get("awaiting_confirmation"), dict(asked)
        before = len((await call_rows(pool, call.call_sid))[1])
        await call.send_dtmf("1")

        async def confirmed() -> bool:
            _, turns = await call_rows(pool, call.call_sid)
            return len(turns) > before and any(t["source"] == "dtmf" for t in turns[before:])

        assert await wait_until(confirmed, 10)
    finally:
        await call.hangup()
        print_latencies(call, line)
    _, turns = await call_rows(pool, call.call_sid)
    assert next(t for t in turns if t["source"] == "dtmf")["result"].get("confirmed") is True
    payments = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1", shop.customers["Suresh"])
    assert [p["amount_paise"] for p in payments] == [2000]
    return call


async def hang_up_mid_command(server: RunningServer, pool: Any, line: LineProtocol) -> SimulatedCaller:
    """The caller drops mid-sentence: nothing half-booked, the row closed as ended by the caller."""
    shop = await create_demo_shop(pool)
    call = await start_call(server, shop, line)
    await call.hang_up_mid_sentence("Suresh ko do packet doodh aur ek bread", fraction=0.6, send_stop=False)
    assert await wait_until(lambda: ended(pool, call.call_sid), 15)
    invoices = await pool.fetch("SELECT id, total_paise FROM invoices WHERE shop_id = $1", shop.shop_id)
    assert len(invoices) in (0, 1)
    for cust in shop.customers.values():
        balance = await pool.fetchval("SELECT balance_paise FROM customers WHERE id = $1", cust)
        ledger = await pool.fetchval(
            "SELECT COALESCE(sum(amount_paise), 0) FROM ledger_entries WHERE customer_id = $1", cust
        )
        assert balance == ledger, "cached balance equals the sum of its ledger"
    stock = await pool.fetchval("SELECT stock_milli FROM products WHERE id = $1", shop.products["milk"])
    moves = await pool.fetchval(
        "SELECT COALESCE(sum(qty_milli), 0) FROM stock_moves WHERE product_id = $1", shop.products["milk"]
    )
    assert stock == moves, "cached stock equals the sum of its moves"
    row, _ = await call_rows(pool, call.call_sid)
    assert row["ended_reason"] == "caller" and row["status"] == "completed"
    return call


async def pin_keyed_first(server: RunningServer, pool: Any, line: LineProtocol) -> SimulatedCaller:
    """A phone with a PIN keys it (DTMF, then #) before any command, over this carrier too."""
    shop = await create_demo_shop(pool, pin="4321")
    call = SimulatedCaller(caller_options(server, shop.owner_phone), line=line)
    try:
        await call.place_call()
        await call.connect()
        await call.wait_for_greeting(timeout_s=15)
        await call.send_dtmf("9999#", gap_s=0.1)
        await call.send_dtmf("4321#", gap_s=0.1)

        async def two_pin_turns() -> bool:
            _, rows = await call_rows(pool, call.call_sid)
            return sum(t["intent"] == "pin" for t in rows) >= 2

        assert await wait_until(two_pin_turns, 10)
    finally:
        await call.hangup()
    _, turns = await call_rows(pool, call.call_sid)
    assert [t["result"]["pin"] for t in turns if t["intent"] == "pin"] == ["wrong", "ok"], turns
    return call
