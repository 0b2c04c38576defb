"""Whole calls over the real WebSocket with the embedded engines, against the books.

The simulated caller speaks espeak-ng audio in real time as Twilio would; the
server recognises it with pocketsphinx, routes it through the books and
answers with espeak-ng. Assertions read Postgres (the truth) and the turns the
server recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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

VOICES = [("en-us", 150), ("en-us", 130), ("en-us+m3", 150)]


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("call-books")
    with running_server(call_settings(database_url, redis_url, data_dir)) as srv:
        yield srv


def caller_for(server: RunningServer, shop: DemoShop) -> SimulatedCaller:
    return SimulatedCaller(
        CallerOptions(
            server_url=server.url, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN,
            from_number=shop.owner_phone, api_key=shop.api_key,
        )
    )


async def start_call(server: RunningServer, shop: DemoShop) -> SimulatedCaller:
    call = caller_for(server, shop)
    await call.place_call()
    await call.connect()
    greeting = await call.wait_for_greeting(timeout_s=15)
    assert greeting.reply_mulaw, "no greeting"
    return call


async def server_turns(pool: Any, call_sid: str, n: int, timeout_s: float = 10.0) -> list[Any]:
    """Wait until the server has recorded at least `n` turns (greeting included)."""

    async def enough() -> bool:
        _, turns = await call_rows(pool, call_sid)
        return len(turns) >= n

    await wait_until(enough, timeout_s)
    _, turns = await call_rows(pool, call_sid)
    return turns


async def speak(call: SimulatedCaller, pool: Any, text: str, *, confirm: bool = True, attempts: int = 3) -> Any:
    """Say `text` and wait for the reply, the way a shopkeeper would.

    When the bot asks again (it misheard, or the match was weak) the caller
    repeats the sentence; when it reads back, the caller says yes (1) only if
    what the server heard is what was said, otherwise no (2) and repeats.
    Returns the last turn row. With confirm=False the first answer is returned.
    """
    last: Any = None
    for attempt in range(attempts):
        before = len((await call_rows(pool, call.call_sid))[1])
        voice, rate = VOICES[attempt % len(VOICES)]  # a person repeating speaks differently
        assert not call.closed, "the bot ended the call"
        turn = await call.say(text, voice=voice, rate_wpm=rate)
        await call.wait_for_reply(turn, timeout_s=15)
        turns = await server_turns(pool, call.call_sid, before + 1)
        last = turns[-1]
        result = last["result"] or {}
        if not confirm:
            return last
        if result.get("awaiting_confirmation"):
            right = _words(last["heard"]) == _words(text)
            await call.send_dtmf("1" if right else "2")
            turns = await server_turns(pool, call.call_sid, before + 2)
            await call.wait_for_reply(call.turns[-1], timeout_s=10)
            last = turns[-1]
            if right:
                return last
            continue
        if result.get("asked") or result.get("error"):
            continue  # misheard: say it again
        return last
    return last


async def until_read_back(call: SimulatedCaller, pool: Any, text: str, attempts: int = 3) -> Any:
    """Say `text` until the bot reads it back correctly (a misheard attempt is answered 2 = no)."""
    last: Any = None
    for attempt in range(attempts):
        before = len((await call_rows(pool, call.call_sid))[1])
        voice, rate = VOICES[attempt % len(VOICES)]
        assert not call.closed, "the bot ended the call"
        turn = await call.say(text, voice=voice, rate_wpm=rate)
        await call.wait_for_reply(turn, timeout_s=15)
        last = (await server_turns(pool, call.call_sid, before + 1))[-1]
        if last["result"].get("awaiting_confirmation") and _words(last["heard"]) == _words(text):
            return last
        if last["result"].get("awaiting_confirmation"):
            before = len((await call_rows(pool, call.call_sid))[1])
            await call.send_dtmf("2")
            await server_turns(pool, call.call_sid, before + 1)
    return last


def _words(text: str) -> list[str]:
    return text.lower().split()


def says_amount(text: str, paise: int) -> bool:
    """The reply speaks the amount the way every reply does ("chaalees rupaye")."""
    from bot.replies.spoken import money

    return money(paise) in text


async def test_invoice_payment_and_balance_in_one_call(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    suresh = shop.customers["Suresh"]
    call = await start_call(server, shop)
    try:
        invoice_turn = await speak(call, pool, "Suresh ko do packet bread")
        assert invoice_turn["action"] == "create_invoice", dict(invoice_turn)
        assert invoice_turn["result"].get("total_paise") == 8000, dict(invoice_turn)

        pay_turn = await speak(call, pool, "Suresh ne bees rupaye diye")
        assert pay_turn["action"] == "record_payment", dict(pay_turn)
        assert pay_turn["result"].get("amount_paise") == 2000, dict(pay_turn)

        balance_turn = await speak(call, pool, "Suresh ka balance batao")
        assert balance_turn["action"] == "balance", dict(balance_turn)
        assert balance_turn["result"]["balance_paise"] == 6000
        assert says_amount(balance_turn["reply"], 6000), balance_turn["reply"]
        assert says_amount(invoice_turn["reply"], 8000), invoice_turn["reply"]
        assert says_amount(pay_turn["reply"], 2000), pay_turn["reply"]

        bye = await call.say("theek hai bye")
        await call.wait_for_reply(bye, timeout_s=10)
        assert await call.wait_closed(10) == 1000
    finally:
        await call.hangup()

    # Exactly once per action in the books.
    invoices = await pool.fetch("SELECT * FROM invoices WHERE shop_id = $1", shop.shop_id)
    assert len(invoices) == 1 and invoices[0]["total_paise"] == 8000
    payments = await pool.fetch("SELECT * FROM payments WHERE customer_id = $1", suresh)
    assert [p["amount_paise"] for p in payments] == [2000]
    balance = await pool.fetchval("SELECT balance_paise FROM customers WHERE id = $1", suresh)
    assert balance == 6000
    stock = await pool.fetchval("SELECT stock_milli FROM products WHERE id = $1", shop.products["bread"])
    assert stock == 98_000

    # The bot hung up through Twilio's REST API, and the call is recorded.
    assert await wait_until(lambda: server.twilio.hung_up(call.call_sid), 5)
    assert await wait_until(lambda: _ended(pool, call.call_sid), 10)
    row, turns = await call_rows(pool, call.call_sid)
    assert row["status"] == "completed" and row["ended_reason"] == "bot"
    assert [t["turn_no"] for t in turns] == list(range(len(turns)))
    spoken = [t for t in turns if t["source"] == "speech"]
    for t in spoken:
        for stage in ("speech_end", "transcript_final", "understood", "first_reply_audio"):
            assert stage in t["timings"], (stage, dict(t))
    assert await wait_until(lambda: _recording_ready(pool, call.call_sid), 5)
    row, _ = await call_rows(pool, call.call_sid)
    channels, rate, seconds = _wav_shape(Path(row["recording_path"]))
    await _check_calls_api(server, shop, call.call_sid)
    # The upload was handed to the worker queue (the worker uploads it).
    from redis import Redis
    from rq.job import Job

    from workers.queue import recording_job_id

    with Redis.from_url(server.settings.redis_url) as redis:
        job = Job.fetch(recording_job_id(row["id"]), connection=redis)
        assert job.args == (row["id"],)
    assert channels == 2 and rate == 8000 and row["recording_duration_s"] > 5
    # The recording covers the call (no collapsed silences): within a second or so of the stream's length.
    assert abs(seconds - call.events.closed_at) < 1.5  # type: ignore[operator]


async def _check_calls_api(server: RunningServer, shop: DemoShop, call_sid: str) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {shop.api_key}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
        listed = (await client.get("/api/calls")).json()
        assert [c["call_sid"] for c in listed] == [call_sid]
        one = (await client.get(f"/api/calls/{call_sid}")).json()
        assert one["recording"]["status"] == "local" and "/recordings/" in one["recording"]["url"]
        assert "path" not in one["recording"] and "object_key" not in one["recording"]
        actions = [t["action"] for t in one["turns"]]
        assert "create_invoice" in actions and "record_payment" in actions and "balance" in actions
        turn = next(t for t in one["turns"] if t["action"] == "balance")
        assert turn["heard"] and turn["intent"] == "check_balance" and turn["entities"]["customer"] == "Suresh"
        assert {"speech_end", "transcript_final", "understood", "action_done", "first_reply_audio"} <= set(
            turn["timings"])
        assert (await client.get("/api/calls/CA" + "0" * 32)).status_code == 404
        assert (await client.get("/api/calls", headers={"Authorization": "Bearer nope"})).status_code == 401


def _wav_shape(path: Path) -> tuple[int, int, float]:
    import wave

    with wave.open(str(path)) as wf:
        return wf.getnchannels(), wf.getframerate(), wf.getnframes() / wf.getframerate()


async def _ended(pool: Any, call_sid: str) -> bool:
    row, _ = await call_rows(pool, call_sid)
    return bool(row and row["ended_at"])


async def _recording_ready(pool: Any, call_sid: str) -> bool:
    row, _ = await call_rows(pool, call_sid)
    return bool(row and row["recording_path"])


async def test_dtmf_confirms_above_the_shop_limit(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool, confirm_limit_paise=1000)  # anything above 10 rupees is read back
    call = await start_call(server, shop)
    try:
        asked = await until_read_back(call, pool, "Suresh ko do packet bread")
        assert asked["result"].get("awaiting_confirmation"), dict(asked)
        assert await pool.fetchval("SELECT count(*) FROM invoices WHERE shop_id = $1", shop.shop_id) == 0

        before = len((await call_rows(pool, call.call_sid))[1])
        await call.send_dtmf("1")
        await call.send_dtmf("1")  # a second press (or a spoken "haan" as well) must not post twice
        turns = await server_turns(pool, call.call_sid, before + 1)
        confirmed = [t for t in turns if t["source"] == "dtmf"]
        assert confirmed and confirmed[0]["result"].get("confirmed") is True
        assert await pool.fetchval("SELECT count(*) FROM invoices WHERE shop_id = $1", shop.shop_id) == 1

        no = await until_read_back(call, pool, "Suresh ne bees rupaye diye")
        assert no["result"].get("awaiting_confirmation"), dict(no)
        await call.send_dtmf("2")
        turns = await server_turns(pool, call.call_sid, len(turns) + 2)
        assert turns[-1]["result"].get("confirmed") is False
        paid = await pool.fetchval("SELECT count(*) FROM payments WHERE customer_id = $1", shop.customers["Suresh"])
        assert paid == 0
    finally:
        await call.hangup()


async def test_caller_speaking_over_the_bot_clears_its_audio(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    call = caller_for(server, shop)
    try:
        await call.place_call()
        await call.connect()
        assert await wait_until(lambda: call.turns[0].first_audio_at is not None, 15)
        # Talk over the greeting as soon as it starts.
        turn = await call.say("Suresh ka balance batao")
        assert call.events.clears, "no clear was sent when the caller spoke over the bot"
        await call.wait_for_reply(turn, timeout_s=15)
        assert turn.reply_mulaw, "the bot answers the interrupting question"
    finally:
        await call.hangup()


async def test_ambiguous_customer_is_asked_not_guessed(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    call = await start_call(server, shop)
    try:
        asked = await speak(call, pool, "Rahul ne bees rupaye diye", confirm=False)
        assert asked["result"].get("error") == "ambiguous_customer" or asked["result"].get("asked"), dict(asked)
        assert await pool.fetchval(
            "SELECT count(*) FROM payments p JOIN customers c ON c.id = p.customer_id WHERE c.shop_id = $1",
            shop.shop_id,
        ) == 0
    finally:
        await call.hangup()


async def test_silence_prompts_then_hangs_up(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from bot.call.session import CallTuning

    shop = await create_demo_shop(pool)
    app_state = server.app.state
    original = app_state.twilio
    app_state.twilio = replace(original, tuning=CallTuning(silence_prompt_s=1.5, silence_hangup_s=4.0))
    try:
        call = await start_call(server, shop)
        code = await call.wait_closed(30)
        assert code == 1000
        _, turns = await call_rows(pool, call.call_sid)
        intents = [t["intent"] for t in turns]
        assert "silence_prompt" in intents and intents[-1] == "silence_hangup"
        assert await wait_until(lambda: server.twilio.hung_up(call.call_sid), 10)
    finally:
        app_state.twilio = original


async def say_once(call: SimulatedCaller, pool: Any, text: str, voice: str = "en-us", rate: int = 150) -> Any:
    """Say `text` once and return the turn the server recorded for it."""
    before = len((await call_rows(pool, call.call_sid))[1])
    assert not call.closed, "the bot ended the call"
    turn = await call.say(text, voice=voice, rate_wpm=rate)
    await call.wait_for_reply(turn, timeout_s=15)
    return (await server_turns(pool, call.call_sid, before + 1))[-1]


async def test_a_follow_up_question_is_answered_by_voice(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    """"Suresh ne paise diye" -> "Suresh ke kitne rupaye?" -> "bees rupaye" -> booked (read back when unsure)."""
    shop = await create_demo_shop(pool)
    call = await start_call(server, shop)
    try:
        asked: Any = None
        for voice, rate in VOICES:  # misheard: said again, as a shopkeeper would
            asked = await say_once(call, pool, "Suresh ne paise diye", voice, rate)
            if asked["result"] == {"asked": "ask_amount"}:
                break
        assert asked["result"] == {"asked": "ask_amount"}, dict(asked)
        paid = await speak(call, pool, "bees rupaye")
        assert paid["action"] == "record_payment" and paid["result"]["amount_paise"] == 2000, dict(paid)
    finally:
        await call.hangup()
    amounts = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1", shop.customers["Suresh"])
    assert [r["amount_paise"] for r in amounts] == [2000]


@pytest.mark.parametrize(("answer", "voice"), [("haan ji", "en-us+f4"), ("mat karo", "en-029"), ("nahi nahi", "hi")])
async def test_a_spoken_yes_or_no_is_taken_the_first_time(  # type: ignore[no-untyped-def]
    server: RunningServer, pool, answer: str, voice: str
) -> None:
    """While a read-back waits the recogniser listens for yes/no: a voice never used for tuning is heard at once."""
    shop = await create_demo_shop(pool, confirm_limit_paise=10000)  # 200 rupees is always read back
    call = await start_call(server, shop)
    try:
        read_back = await until_read_back(call, pool, "Meena ne do sau rupaye diye")
        assert read_back["result"].get("awaiting_confirmation"), dict(read_back)
        heard = await say_once(call, pool, answer, voice, 150)
        assert (heard["result"] or {}).get("confirmed") is answer.startswith("haan"), dict(heard)
    finally:
        await call.hangup()
    amounts = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1", shop.customers["Meena"])
    assert [r["amount_paise"] for r in amounts] == ([20000] if answer.startswith("haan") else [])
