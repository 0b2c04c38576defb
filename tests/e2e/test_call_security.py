"""Who may open a call: signed webhooks, known callers, single-use stream tokens.

Over the real HTTP and WebSocket endpoints of a running server; refusals must
happen before any speech session exists (no greeting, no turns recorded).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from telephony.simulated_caller import CallerOptions, SimulatedCaller
from telephony.simulated_caller import protocol as tw
from tests.e2e.call_harness import (
    AUTH_TOKEN,
    PUBLIC_BASE_URL,
    RunningServer,
    call_rows,
    call_settings,
    create_demo_shop,
    running_server,
    unique_phone,
)
from tests.support.polling import wait_until

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("call-security")
    with running_server(call_settings(database_url, redis_url, data_dir)) as srv:
        yield srv


def options(server: RunningServer, phone: str) -> CallerOptions:
    return CallerOptions(
        server_url=server.url, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN, from_number=phone
    )


async def test_webhook_with_bad_or_missing_signature_is_403(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(options(server, shop.owner_phone))
    with pytest.raises(httpx.HTTPStatusError) as bad:
        await caller.place_call(signature="bm90IGEgc2lnbmF0dXJl")
    assert bad.value.response.status_code == 403
    form = tw.voice_webhook_form(caller.call_sid, "AC" + "0" * 32, shop.owner_phone, "+14155550100")
    async with httpx.AsyncClient() as client:
        missing = await client.post(server.url + "/twilio/voice", data=form)
        # Signed for another URL (a proxy's internal one): still refused.
        wrong_url = tw.sign_webhook(server.url + "/twilio/voice", form, AUTH_TOKEN)
        other = await client.post(server.url + "/twilio/voice", data=form, headers={"X-Twilio-Signature": wrong_url})
    assert missing.status_code == 403
    assert other.status_code == 403
    call, _ = await call_rows(pool, caller.call_sid)
    assert call is None


async def test_unknown_caller_hears_sorry_and_the_call_ends(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    caller = SimulatedCaller(options(server, unique_phone()))
    answer = await caller.place_call()
    assert answer.stream_url is None
    assert answer.says and answer.hangs_up
    call, turns = await call_rows(pool, caller.call_sid)
    assert call is not None and call["status"] == "refused" and call["shop_id"] is None
    assert turns == []


async def test_webhook_is_idempotent_on_call_sid(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(options(server, shop.owner_phone))
    first = await caller.place_call()
    second = await caller.place_call()  # the same signed webhook again (a retry, or a replay)
    assert first.stream_url and not second.connects and second.hangs_up  # one stream token per CallSid, ever
    assert first.parameters.get("callSid") == caller.call_sid
    n = await pool.fetchval("SELECT count(*) FROM calls WHERE call_sid = $1", caller.call_sid)
    assert n == 1
    tokens = await pool.fetchval("SELECT count(*) FROM call_stream_tokens WHERE call_sid = $1", caller.call_sid)
    assert tokens == 1
    # No query string in the stream URL (Twilio error 31920); wss on the public host.
    assert "?" not in first.stream_url and first.stream_url.startswith("wss://execora.test/twilio/stream/")


async def _refused(caller: SimulatedCaller, **connect_kwargs: object) -> int | None:
    await caller.connect(**connect_kwargs)  # type: ignore[arg-type]
    code = await caller.wait_closed(10)
    if code is None and caller.pump.ws is not None:
        # The close can race the caller's own next send; the socket still knows the server's code.
        code = caller.pump.ws.close_code
    await caller.hangup(send_stop=False)
    return code


async def test_forged_token_is_closed_1008(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(options(server, shop.owner_phone))
    answer = await caller.place_call()
    assert answer.stream_url
    nonce, mac = answer.stream_url.rsplit("/", 1)[1].split(".")
    forged = answer.stream_url.rsplit("/", 1)[0] + "/" + nonce + "." + ("A" * len(mac))
    assert await _refused(caller, stream_url=forged) == 1008
    garbage = answer.stream_url.rsplit("/", 1)[0] + "/not-a-token"
    assert await _refused(SimulatedCaller(options(server, shop.owner_phone)), stream_url=garbage) == 1008
    _, turns = await call_rows(pool, caller.call_sid)
    assert turns == []  # no speech session, not even a greeting


async def test_token_bound_to_another_call_sid_is_closed_1008(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(options(server, shop.owner_phone))
    await caller.place_call()
    assert await _refused(caller, start_call_sid=tw.new_call_sid()) == 1008
    assert not caller.turns[0].reply_mulaw  # no greeting was spoken


async def test_missing_start_is_closed_1008(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(options(server, shop.owner_phone))
    await caller.place_call()
    # Media before `start` is not how Twilio opens a stream.
    assert await _refused(caller, send_start=False) == 1008


async def test_reused_token_is_closed_1008(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(options(server, shop.owner_phone))
    await caller.place_call()
    await caller.connect()
    greeting = await caller.wait_for_greeting(timeout_s=15)
    assert greeting.reply_mulaw, "the first use of the token starts the call"
    await caller.hangup()
    replay = SimulatedCaller(options(server, shop.owner_phone), call_sid=caller.call_sid)
    replay.answer = caller.answer
    assert await _refused(replay) == 1008


async def test_missing_token_path_is_not_a_stream(server: RunningServer) -> None:
    import websockets

    url = server.url.replace("http://", "ws://") + "/twilio/stream/"
    with pytest.raises((websockets.InvalidStatus, websockets.InvalidHandshake)):
        async with websockets.connect(url) as ws:
            await ws.send(json.dumps({"event": "connected"}))


async def test_a_phone_with_a_pin_keys_it_in_before_any_command(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool, pin="4321")
    caller = SimulatedCaller(options(server, shop.owner_phone))
    try:
        await caller.place_call()
        await caller.connect()
        await caller.wait_for_greeting(timeout_s=15)
        await caller.send_dtmf("9999#", gap_s=0.1)
        await caller.send_dtmf("4321#", gap_s=0.1)

        async def two_pin_turns() -> bool:
            _, rows = await call_rows(pool, caller.call_sid)
            return sum(t["intent"] == "pin" for t in rows) >= 2

        assert await wait_until(two_pin_turns, 10)
        _, turns = await call_rows(pool, caller.call_sid)
        pins = [t["result"] for t in turns if t["intent"] == "pin"]
        assert [p["pin"] for p in pins] == ["wrong", "ok"], turns
        assert "4321" not in " ".join(t["heard"] + t["reply"] for t in turns)  # the PIN is never stored
    finally:
        await caller.hangup()


async def test_a_status_callback_closes_a_call_whose_stream_never_came(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(options(server, shop.owner_phone))
    await caller.place_call()  # answered, never streamed
    form = {"CallSid": caller.call_sid, "CallStatus": "completed", "AccountSid": "AC" + "0" * 32}
    url = PUBLIC_BASE_URL + "/twilio/status"
    async with httpx.AsyncClient(base_url=server.url) as http:
        forged = await http.post("/twilio/status", data=form, headers={"X-Twilio-Signature": "nope"})
        signed = await http.post("/twilio/status", data=form,
                                 headers={"X-Twilio-Signature": tw.sign_webhook(url, form, AUTH_TOKEN)})
    assert forged.status_code == 403 and signed.status_code == 204
    row = await pool.fetchrow("SELECT status, ended_reason FROM calls WHERE call_sid = $1", caller.call_sid)
    assert (row["status"], row["ended_reason"]) == ("failed", "no_stream")
    again = await caller.place_call()  # the replayed webhook of a closed call gets nothing
    assert not again.connects


async def test_the_sweep_closes_calls_left_ringing(pool) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from db.calls import close_unstreamed

    sid = "CA" + "7" * 32
    await pool.execute("INSERT INTO calls (call_sid, status, started_at) VALUES ($1, 'ringing', now() - interval '1 hour')",
                       sid)
    async with pool.acquire() as conn:
        closed = await close_unstreamed(conn, started_before=datetime.now(UTC) - timedelta(minutes=10))
    assert sid in closed
    assert await pool.fetchval("SELECT status FROM calls WHERE call_sid = $1", sid) == "failed"
