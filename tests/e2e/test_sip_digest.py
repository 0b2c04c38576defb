"""Direct SIP with digest authentication (SIP_USERNAME / SIP_PASSWORD) and no trusted peers, placed by SIPp.

SIPp answers the 401 challenge itself (`-au`/`-ap`, `[authentication]`): the
right password gets a call (a row, answered, ended by the caller's BYE); a
wrong one gets 403 and no call row. Own module: PJSIP runs one endpoint per
process, so this server (digest on) and test_sip_call's (trusted peer) never
run at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from telephony.sip.identity import call_sid_for
from tests.e2e.call_harness import RunningServer, call_rows, call_settings, create_demo_shop, running_server
from tests.support.polling import wait_until
from tests.support.sipp import free_udp_port, run_sipp, sipp_usable

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sipp_usable(), reason="needs sipp (sip-tester) and root")]

USER, PASSWORD = "pbx-trunk", "test-sip-password-0123456789"


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("sip-digest")
    rtp = 20000 + secrets.randbelow(20000) // 2 * 2
    settings = call_settings(database_url, redis_url, data_dir).model_copy(update={
        "sip_listen": f"udp:127.0.0.1:{free_udp_port()}",
        "sip_username": USER,
        "sip_password": SecretStr(PASSWORD),  # model_copy does not validate
        "sip_rtp_ports": f"{rtp}-{rtp + 99}",
    })
    with running_server(settings) as srv:
        yield srv


def _target(server: RunningServer) -> str:
    return server.settings.sip_listen.removeprefix("udp:")


async def test_the_right_password_gets_a_call(server: RunningServer, pool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    callid = "digest-" + secrets.token_hex(6)
    run = await run_sipp("auth_call.xml", _target(server), cwd=tmp_path, callid=callid,
                         keys={"caller": shop.owner_phone}, pause_ms=3000, extra=("-au", USER, "-ap", PASSWORD))
    assert run.rc == 0, run.output
    call_sid = call_sid_for(f"{callid}-1")
    assert await wait_until(lambda: _ended(pool, call_sid), 15)
    row, _ = await call_rows(pool, call_sid)
    assert row["channel"] == "sip" and row["shop_id"] == shop.shop_id and row["ended_reason"] == "caller", dict(row)


async def test_a_wrong_password_gets_403_and_no_call(server: RunningServer, pool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    callid = "badpass-" + secrets.token_hex(6)
    run = await run_sipp("auth_call.xml", _target(server), cwd=tmp_path, callid=callid,
                         keys={"caller": shop.owner_phone}, extra=("-au", USER, "-ap", "not-the-password"))
    assert run.rc != 0 and "SIP/2.0 403" in run.output, run.output
    row, _ = await call_rows(pool, call_sid_for(f"{callid}-1"))
    assert row is None


async def _ended(pool, call_sid: str) -> bool:  # type: ignore[no-untyped-def]
    row, _ = await call_rows(pool, call_sid)
    return bool(row and row["ended_at"])
