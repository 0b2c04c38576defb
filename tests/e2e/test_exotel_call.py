"""Whole calls over Exotel's Voicebot protocol: Basic auth on the upgrade, 16-bit PCM media, the books.

The client is written from Exotel's documentation (`telephony.simulated_caller.exotel_wire`),
not from our serializer.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from telephony.call_capacity import call_slots
from telephony.simulated_caller import SimulatedCaller
from telephony.simulated_caller import exotel_wire as ex
from telephony.simulated_caller.lines import EXOTEL
from tests.e2e import carrier_scenarios as scenarios
from tests.e2e.call_harness import (
    EXOTEL_PASSWORD,
    EXOTEL_USER,
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
    data_dir: Path = tmp_path_factory.mktemp("exotel-calls")
    with running_server(call_settings(database_url, redis_url, data_dir)) as srv:
        yield srv


def _ws_url(server: RunningServer) -> str:
    return server.url.replace("http://", "ws://") + "/exotel/stream"


async def _upgrade_status(server: RunningServer, headers: dict[str, str]) -> int | None:
    """The HTTP status the upgrade was refused with (None when it was accepted)."""
    try:
        async with websockets.connect(_ws_url(server), additional_headers=headers):
            return None
    except websockets.InvalidStatus as exc:
        return exc.response.status_code


async def test_payment_and_balance_over_exotel(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    await scenarios.payment_and_balance(server, pool, EXOTEL)


async def test_barge_in_sends_clear_and_dtmf_confirms(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    await scenarios.barge_in_and_dtmf(server, pool, EXOTEL)


async def test_hang_up_mid_command_leaves_the_books_consistent(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    await scenarios.hang_up_mid_command(server, pool, EXOTEL)


async def test_a_pin_is_keyed_before_any_command(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    await scenarios.pin_keyed_first(server, pool, EXOTEL)


async def test_outgoing_media_is_whole_exotel_chunks(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    """Every media message the bot sends is >= 3,200 bytes of PCM and a multiple of 320."""
    shop = await create_demo_shop(pool)
    sizes: list[int] = []
    call = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), line=EXOTEL)
    original = call.timeline.receive

    def receive(raw: str) -> None:
        message = json.loads(raw)
        if message.get("event") == "media":
            sizes.append(len(base64.b64decode(message["media"]["payload"])))
            assert message["stream_sid"] == call.stream_sid
        original(raw)

    call.timeline.receive = receive  # type: ignore[method-assign]
    try:
        await call.place_call()
        await call.connect()
        await call.wait_for_greeting(timeout_s=15)
    finally:
        await call.hangup()
    assert sizes and all(n >= 3200 and n % 320 == 0 for n in sizes), sizes[:10]


async def test_missing_or_wrong_credentials_are_refused_before_any_session(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    assert await _upgrade_status(server, {}) == 401
    assert await _upgrade_status(server, {"Authorization": ex.basic_auth(EXOTEL_USER, "wrong")}) == 401
    assert await _upgrade_status(server, {"Authorization": ex.basic_auth("someone", EXOTEL_PASSWORD)}) == 401
    assert await _upgrade_status(server, {"Authorization": "Bearer " + EXOTEL_PASSWORD}) == 401
    # A forged credential with a real shop's number never reaches a call row or a greeting.
    shop = await create_demo_shop(pool)
    call = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone, stream_password="forged"), line=EXOTEL)
    await call.place_call()
    with pytest.raises(websockets.InvalidStatus):
        await call.connect()
    row, _ = await call_rows(pool, call.call_sid)
    assert row is None
    assert call_slots(server.app.state).active == 0


async def test_route_is_off_without_settings(server: RunningServer) -> None:
    state = server.app.state
    original, state.exotel = state.exotel, None
    try:
        assert await _upgrade_status(server, {"Authorization": ex.basic_auth(EXOTEL_USER, EXOTEL_PASSWORD)}) == 404
    finally:
        state.exotel = original


async def test_a_replayed_start_and_a_stranger_are_refused(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    first = await scenarios.start_call(server, shop, EXOTEL)
    try:
        # A second stream naming the same call_sid (a replayed start) gets nothing.
        again = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), call_sid=first.call_sid, line=EXOTEL)
        await again.place_call()
        await again.connect()
        assert await again.wait_closed(10) == 1008
        assert not again.turns[0].reply_mulaw
        await again.hangup(send_stop=False)
    finally:
        await first.hangup()
    stranger = SimulatedCaller(scenarios.caller_options(server, "+919999999999"), line=EXOTEL)
    await stranger.place_call()
    await stranger.connect()
    assert await stranger.wait_closed(20) == 1008
    await stranger.hangup(send_stop=False)
    # Told why first (Exotel has no <Say>): the sorry's audio, then a mark the server waited for.
    assert stranger.turns[0].reply_seconds > 1.0 and "refusal-played" in stranger.events.marks_echoed
    row, turns = await call_rows(pool, stranger.call_sid)
    assert row["status"] == "refused" and row["ended_reason"] == "unknown_caller" and row["channel"] == "exotel"
    assert turns == []
    assert await wait_until(lambda: scenarios.ended(pool, first.call_sid), 10)


async def test_a_full_process_tells_the_caller_lines_are_busy(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    from telephony.call_capacity import CallSlots

    shop = await create_demo_shop(pool)
    state = server.app.state
    original = call_slots(state)
    state.call_slots = full = CallSlots(1)
    full.active = 1
    try:
        call = SimulatedCaller(scenarios.caller_options(server, shop.owner_phone), line=EXOTEL)
        await call.place_call()
        await call.connect()
        assert await call.wait_closed(20) == 1008
        await call.hangup(send_stop=False)
    finally:
        state.call_slots = original
    assert call.turns[0].reply_seconds > 1.0  # "all lines are busy", not silence
    row, _ = await call_rows(pool, call.call_sid)
    assert row is None  # as for Twilio, a call refused for capacity leaves no row (nothing was admitted)
