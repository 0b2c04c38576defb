"""A caller from an unregistered phone logs in with the shop code and the owner's PIN.

Over a running server's real endpoints: the signed voice webhook offers a
`<Gather>`, the two signed login steps answer `<Connect><Stream>`, and the media
stream is taken as the shop's owner (greeted, no PIN asked again).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest

from telephony.simulated_caller import CallerOptions, SimulatedCaller
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

PIN = "4321"


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("call-dtmf-login")
    with running_server(call_settings(database_url, redis_url, data_dir)) as srv:
        yield srv


async def test_stranger_logs_in_by_dtmf_and_talks_to_the_bot(server: RunningServer, pool) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool, pin=PIN)
    await pool.execute(
        """UPDATE shops SET settings = settings || '{"allow_dtmf_login": true}'::jsonb WHERE id = $1""", shop.shop_id
    )
    opts = CallerOptions(
        server_url=server.url, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN, from_number=unique_phone()
    )
    caller = SimulatedCaller(opts)
    try:
        assert (await caller.place_call()).gathers
        caller.options = replace(opts, voice_path="/twilio/voice/login")
        code = await pool.fetchval("SELECT login_code FROM shops WHERE id = $1", shop.shop_id)
        assert (await caller.place_call(extra_form={"Digits": code})).gathers
        caller.options = replace(opts, voice_path="/twilio/voice/login?" + urlencode({"code": code}))
        answer = await caller.place_call(extra_form={"Digits": PIN})
        assert answer.connects, answer.raw

        await caller.connect()
        greeting = await caller.wait_for_greeting(timeout_s=15)
        assert greeting.reply_seconds > 0.3
        turn = await caller.say("Suresh ka balance batao")
        await caller.wait_for_reply(turn, timeout_s=15)

        async def a_command_turn() -> bool:
            _, turns = await call_rows(pool, caller.call_sid)
            return any(t["source"] == "speech" for t in turns)

        assert await wait_until(a_command_turn, 10)
        call, turns = await call_rows(pool, caller.call_sid)
        assert call["shop_id"] == shop.shop_id and call["caller_role"] == "dtmf_login"
        assert call["stream_sid"] == caller.stream_sid
        # The PIN was proven by the login: the bot never asks for it (its prompt says "PIN").
        assert not any(re.search(r"\bpin\b", t["reply"], re.I) or t["intent"] == "pin" for t in turns), [
            dict(t) for t in turns
        ]
    finally:
        await caller.hangup()
        await pool.execute("UPDATE shops SET settings = settings - 'allow_dtmf_login' WHERE id = $1", shop.shop_id)
