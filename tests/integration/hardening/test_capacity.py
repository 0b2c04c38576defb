"""A process at its call limit: the next caller hears "all lines busy" and the call ends (not silence);
when a call ends its slot is free again. Real webhook, real stream WebSocket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from telephony.simulated_caller import CallerOptions, SimulatedCaller
from tests.e2e.call_harness import AUTH_TOKEN, PUBLIC_BASE_URL, RunningServer, call_settings, create_demo_shop
from tests.e2e.call_harness import running_server as serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    settings = call_settings(database_url, redis_url, tmp_path_factory.mktemp("capacity"))
    with serve(settings.model_copy(update={"max_concurrent_calls": 1})) as srv:
        yield srv


def caller(server: RunningServer, shop: Any) -> SimulatedCaller:
    return SimulatedCaller(CallerOptions(server_url=server.url, public_base_url=PUBLIC_BASE_URL,
                                         auth_token=AUTH_TOKEN, from_number=shop.owner_phone, api_key=shop.api_key))


async def test_the_call_over_the_limit_hears_busy_and_the_slot_comes_back(server: RunningServer, pool: Any) -> None:
    shop = await create_demo_shop(pool)
    first = caller(server, shop)
    await first.place_call()
    await first.connect()
    try:
        assert (await first.wait_for_greeting(timeout_s=15)).reply_mulaw
        second = caller(server, shop)
        busy = await second.place_call()
        assert not busy.connects and busy.hangs_up and any("busy" in s for s in busy.says)
    finally:
        await first.hangup()
    await first.wait_closed(10)
    from tests.support.polling import wait_until

    assert await wait_until(lambda: server.app.state.call_slots.active == 0, 10)
    third = caller(server, shop)
    assert (await third.place_call()).connects
