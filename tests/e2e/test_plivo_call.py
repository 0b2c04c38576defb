"""Whole calls over Plivo's Audio Stream: the V3-signed answer webhook, answer XML, the stream, the books,
and hang-up through a local fake of Plivo's REST API.

The client is written from Plivo's documentation (`telephony.simulated_caller.plivo_wire`; signatures
computed with the plivo SDK), not from our serializer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from telephony.call_admission import SORRY
from telephony.call_capacity import call_slots
from telephony.simulated_caller import SimulatedCaller
from telephony.simulated_caller import plivo_wire as pl
from telephony.simulated_caller.lines import PLIVO
from tests.e2e import carrier_scenarios as scenarios
from tests.e2e.call_harness import (
    PLIVO_AUTH_ID,
    PLIVO_AUTH_TOKEN,
    PUBLIC_BASE_URL,
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
    data_dir: Path = tmp_path_factory.mktemp("plivo-calls")
    with running_server(call_settings(database_url, redis_url, data_dir)) as srv:
        yield srv


async def _post_answer(server: RunningServer, form: dict[str, str], headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.post("/plivo/answer", data=form, headers=headers)


async def test_payment_and_balance_over_plivo(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    call = await scenarios.payment_and_balance(server, pool, PLIVO)
    # The call is kept alive by its <Stream>: the server deleted it through Plivo's REST API.
    assert await wait_until(lambda: server.plivo.hung_up(call.call_sid), 5)
    assert all(h["auth_id"] == PLIVO_AUTH_ID for h in server.plivo.hangups)


async def test_barge_in_sends_clear_audio_and_dtmf_confirms(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    await scenarios.barge_in_and_dtmf(server, pool, PLIVO)


async def test_hang_up_mid_command_leaves_the_books_consistent(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    call = await scenarios.hang_up_mid_command(server, pool, PLIVO)
    # No `stop` from Plivo (the socket just dropped): the server ends the call itself.
    assert await wait_until(lambda: server.plivo.hung_up(call.call_sid), 5)


async def test_a_pin_is_keyed_before_any_command(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    await scenarios.pin_keyed_first(server, pool, PLIVO)


async def test_the_hangup_url_closes_a_call_whose_stream_never_came(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    caller = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), line=PLIVO)
    assert (await caller.place_call()).stream_url  # answered, never streamed
    form = {"CallUUID": caller.call_sid, "CallStatus": "completed", "HangupCause": "NORMAL_CLEARING"}
    url = PUBLIC_BASE_URL + "/plivo/hangup"
    async with httpx.AsyncClient(base_url=server.url) as http:
        forged = await http.post("/plivo/hangup", data=form, headers={"X-Plivo-Signature-V3": "x",
                                                                       "X-Plivo-Signature-V3-Nonce": "1"})
        sig, nonce = pl.sign_v3(url, form, PLIVO_AUTH_TOKEN)
        signed = await http.post("/plivo/hangup", data=form, headers={"X-Plivo-Signature-V3": sig,
                                                                       "X-Plivo-Signature-V3-Nonce": nonce})
    assert forged.status_code == 403 and signed.status_code == 204
    row, _ = await call_rows(pool, caller.call_sid)
    assert (row["status"], row["ended_reason"]) == ("failed", "no_stream")


async def test_answer_xml_is_a_bidirectional_mulaw_stream_with_a_single_use_token(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    call = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), line=PLIVO)
    answer = await call.place_call()
    stream = ET.fromstring(answer.raw).find("Stream")
    assert stream is not None and stream.get("bidirectional") == "true" and stream.get("keepCallAlive") == "true"
    assert stream.get("contentType") == "audio/x-mulaw;rate=8000"
    assert answer.stream_url and answer.stream_url.startswith("wss://execora.test/plivo/stream/")
    # A replayed answer webhook for the same CallUUID gets no second token.
    again = await call.place_call()
    assert again.stream_url is None and again.hangs_up
    # The token works once.
    await call.connect(stream_url=answer.stream_url)
    await call.wait_for_greeting(timeout_s=15)
    await call.hangup()
    reuse = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), call_sid=call.call_sid, line=PLIVO)
    await reuse.connect(stream_url=answer.stream_url)
    assert await reuse.wait_closed(10) == 1008
    await reuse.hangup(send_stop=False)
    row, _ = await call_rows(pool, call.call_sid)
    assert row["channel"] == "plivo" and row["carrier"] == "plivo"


async def test_forged_or_missing_signature_is_refused_before_any_session(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    call_uuid = pl.new_call_uuid()
    form = pl.answer_form(call_uuid, PLIVO_AUTH_ID, shop.owner_phone, "+918000000000")
    url = PUBLIC_BASE_URL + "/plivo/answer"
    assert (await _post_answer(server, form, {})).status_code == 403
    sig, nonce = pl.sign_v3(url, form, "not-the-token")
    forged = {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": nonce}
    assert (await _post_answer(server, form, forged)).status_code == 403
    sig, nonce = pl.sign_v3(url, form, PLIVO_AUTH_TOKEN)
    tampered = dict(form, From="919811111111")  # signed for another caller
    good = {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": nonce}
    assert (await _post_answer(server, tampered, good)).status_code == 403
    other_nonce = {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": nonce + "0"}
    assert (await _post_answer(server, form, other_nonce)).status_code == 403
    assert await pool.fetchval("SELECT count(*) FROM calls WHERE call_sid = $1", call_uuid) == 0
    assert call_slots(server.app.state).active == 0
    # A forged stream token never opens a session either.
    caller = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), line=PLIVO)
    answer = await caller.place_call()
    assert answer.stream_url
    nonce_part, mac = answer.stream_url.rsplit("/", 1)[1].split(".")
    await caller.connect(stream_url=answer.stream_url.rsplit("/", 1)[0] + f"/{nonce_part}.{'A' * len(mac)}")
    assert await caller.wait_closed(10) == 1008
    await caller.hangup(send_stop=False)
    assert not caller.turns[0].reply_mulaw
    _, turns = await call_rows(pool, caller.call_sid)
    assert turns == []


async def test_a_stranger_hears_sorry(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    caller = SimulatedCaller(scenarios.caller_options(server, "+919999999998"), line=PLIVO)
    answer = await caller.place_call()
    assert answer.stream_url is None and answer.hangs_up and answer.says == (SORRY,)
    row, _ = await call_rows(pool, caller.call_sid)
    assert row["status"] == "refused" and row["ended_reason"] == "unknown_caller"


async def test_routes_are_off_without_credentials(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    state = server.app.state
    original, state.plivo = state.plivo, None
    try:
        form = pl.answer_form(pl.new_call_uuid(), PLIVO_AUTH_ID, "+919800000001", "+918000000000")
        sig, nonce = pl.sign_v3(PUBLIC_BASE_URL + "/plivo/answer", form, PLIVO_AUTH_TOKEN)
        response = await _post_answer(server, form, {"X-Plivo-Signature-V3": sig, "X-Plivo-Signature-V3-Nonce": nonce})
        assert response.status_code == 404
    finally:
        state.plivo = original


async def test_a_full_process_answers_busy(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    from telephony.call_capacity import BUSY, CallSlots

    shop = await create_demo_shop(pool)
    state = server.app.state
    original = call_slots(state)
    state.call_slots = full = CallSlots(1)
    full.active = 1
    try:
        answer = await SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), line=PLIVO).place_call()
    finally:
        state.call_slots = original
    assert answer.stream_url is None and answer.says == (BUSY,)
