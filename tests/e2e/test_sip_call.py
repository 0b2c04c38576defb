"""Whole calls over direct SIP, placed by SIPp (real SIP software, Debian's sip-tester).

The app runs with SIP_LISTEN on a local UDP port and 127.0.0.1 as the trusted
peer. SIPp sends an INVITE with SDP, replays the caller's speech (espeak-ng ->
8 kHz mu-law -> RTP in a pcap, `tests.support.rtp_pcap`) and hangs up with BYE;
assertions read Postgres. An INVITE from an untrusted address gets 403 and no
call row. Setup figures of concurrent calls are printed, never asserted.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from telephony.simulated_caller.media_pump import speech_frames
from telephony.sip.identity import call_sid_for
from tests.e2e.call_harness import RunningServer, call_rows, call_settings, create_demo_shop, running_server
from tests.support.polling import wait_until
from tests.support.rtp_pcap import RtpTrack, write_pcap
from tests.support.sipp import free_udp_port, run_sipp, sipp_usable

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sipp_usable(), reason="needs sipp (sip-tester) and root")]

GREETING_S = 6.0  # the caller listens to the greeting before speaking


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("sip-calls")
    rtp = 20000 + secrets.randbelow(20000) // 2 * 2
    settings = call_settings(database_url, redis_url, data_dir).model_copy(update={
        "sip_listen": f"udp:127.0.0.1:{free_udp_port()}",
        "sip_trusted_peers": "127.0.0.1/32",
        "sip_rtp_ports": f"{rtp}-{rtp + 99}",
    })
    with running_server(settings) as srv:
        yield srv


def _target(server: RunningServer) -> str:
    return server.settings.sip_listen.removeprefix("udp:")


def _speech_pcap(path: Path, text: str, after_s: float, confirm: bool = False) -> float:
    """The caller's side: greeting-long silence, `text`, then `after_s` of silence; with `confirm`, the
    caller then keys 1 (RFC 4733) for "yes" to the read-back and listens on. Returns its length."""
    track = RtpTrack().silence(GREETING_S).audio(speech_frames(text, "en-us", 150)).silence(after_s)
    if confirm:
        track.digit("1").silence(1.0)
    write_pcap(path / "speech.pcap", track.packets)
    return track.duration_s


async def _ended(pool, call_sid: str) -> bool:  # type: ignore[no-untyped-def]
    row, _ = await call_rows(pool, call_sid)
    return bool(row and row["ended_at"])


async def test_a_whole_sip_call_books_a_payment(server: RunningServer, pool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    suresh = shop.customers["Suresh"]
    length = _speech_pcap(tmp_path, "Suresh ne bees rupaye diye", after_s=6.0, confirm=True)
    callid = "whole-" + secrets.token_hex(6)
    run = await run_sipp("call.xml", _target(server), cwd=tmp_path,
                         callid=callid, keys={"caller": shop.owner_phone}, pause_ms=int((length + 8) * 1000))
    assert run.rc == 0, run.output
    call_sid = call_sid_for(f"{callid}-1")
    assert await wait_until(lambda: _ended(pool, call_sid), 15)
    row, turns = await call_rows(pool, call_sid)
    assert row["channel"] == "sip" and row["carrier"] == "sip" and row["shop_id"] == shop.shop_id
    assert row["status"] == "completed" and row["ended_reason"] == "caller", dict(row)
    pays = [t for t in turns if t["action"] == "record_payment" and t["result"].get("amount_paise")]
    assert pays and pays[-1]["result"]["amount_paise"] == 2000, [dict(t) for t in turns]  # read back, keyed 1
    for t in turns:
        timings = t["timings"] or {}
        if "speech_end" in timings and "first_reply_audio" in timings:
            print(f"sip turn {t['turn_no']}: server speech end -> first reply audio "
                  f"{timings['first_reply_audio'] - timings['speech_end']:.0f} ms ({t['heard']!r})")
    balance = await pool.fetchval("SELECT balance_paise FROM customers WHERE id = $1", suresh)
    assert balance == -2000
    payments = await pool.fetchval("SELECT count(*) FROM payments WHERE customer_id = $1", suresh)
    assert payments == 1


async def test_an_invite_from_an_untrusted_address_gets_403_and_no_call(server: RunningServer, pool,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    shop = await create_demo_shop(pool)
    callid = "stranger-" + secrets.token_hex(6)
    run = await run_sipp("forbidden.xml", _target(server), cwd=tmp_path, local_ip="127.0.0.3",
                         callid=callid, keys={"caller": shop.owner_phone})
    assert run.rc == 0, run.output  # the scenario fails unless the answer is 403
    row, _ = await call_rows(pool, call_sid_for(f"{callid}-1"))
    assert row is None


async def test_an_unregistered_caller_from_the_trunk_gets_403(server: RunningServer, pool,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    callid = "unknown-" + secrets.token_hex(6)
    run = await run_sipp("forbidden.xml", _target(server), cwd=tmp_path, callid=callid,
                         keys={"caller": "+919000000001"})
    assert run.rc == 0, run.output
    row, _ = await call_rows(pool, call_sid_for(f"{callid}-1"))
    assert row is not None and row["status"] == "refused" and row["ended_reason"] == "unknown_caller"


async def test_hanging_up_mid_command_leaves_the_books_consistent(server: RunningServer, pool,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    shop = await create_demo_shop(pool)
    length = _speech_pcap(tmp_path, "Suresh ko do packet doodh aur ek bread", after_s=0.0)
    callid = "dropped-" + secrets.token_hex(6)
    run = await run_sipp("call.xml", _target(server), cwd=tmp_path,
                         callid=callid, keys={"caller": shop.owner_phone}, pause_ms=int((length - 0.8) * 1000))
    assert run.rc == 0, run.output
    call_sid = call_sid_for(f"{callid}-1")
    assert await wait_until(lambda: _ended(pool, call_sid), 15)
    invoices = await pool.fetch("SELECT id FROM invoices WHERE shop_id = $1", shop.shop_id)
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
    row, _ = await call_rows(pool, call_sid)
    assert row["ended_reason"] == "caller" and row["status"] == "completed", dict(row)


async def test_options_is_answered_and_a_cancelled_invite_closes_its_row(server: RunningServer, pool,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path) -> None:
    options = await run_sipp("options.xml", _target(server), cwd=tmp_path, callid="options-" + secrets.token_hex(6),
                             keys={})
    assert options.rc == 0, options.output
    shop = await create_demo_shop(pool)
    callid = "cancel-" + secrets.token_hex(6)
    run = await run_sipp("cancel.xml", _target(server), cwd=tmp_path, callid=callid,
                         keys={"caller": shop.owner_phone})
    assert run.rc == 0, run.output  # 200 for the CANCEL, 487 for the INVITE
    call_sid = call_sid_for(f"{callid}-1")
    assert await wait_until(lambda: _ended(pool, call_sid), 10)
    row, turns = await call_rows(pool, call_sid)
    assert row["status"] == "canceled" and not turns, dict(row)


async def test_ten_concurrent_calls(server: RunningServer, pool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ten SIPp calls at once from one trunk: each gets a row and an answer (200, or 486 past the call
    limit); figures (answered, INVITE -> 200 setup time, calls that heard their balance) are printed."""
    shop = await create_demo_shop(pool)
    length = _speech_pcap(tmp_path, "Suresh ka balance batao", after_s=6.0)
    callid = "ten-" + secrets.token_hex(6)
    run = await run_sipp("call.xml", _target(server), cwd=tmp_path, callid=callid, calls=10, limit=10, rate=10,
                         keys={"caller": shop.owner_phone}, pause_ms=int((length + 2) * 1000))
    call_sids = [call_sid_for(f"{callid}-{n}") for n in range(1, 11)]
    rows = []
    for sid in call_sids:
        if (await call_rows(pool, sid))[0] is not None:  # a call refused busy (486) gets no row, as on Twilio
            assert await wait_until(functools.partial(_ended, pool, sid), 30), sid
            rows.append(await call_rows(pool, sid))
    answered = [r for r, _ in rows if r["status"] == "completed"]
    busy = run.errors.count("SIP/2.0 486")
    assert len(answered) == len(rows) and run.count("SuccessfulCall(C)") == len(answered), run.output
    assert len(answered) + busy == 10, run.output
    heard = sum(1 for _, turns in rows if any(t["action"] == "balance" for t in turns))
    setup = sorted(run.setup_ms)
    print(f"SIP 10 concurrent calls: {len(answered)} answered, {busy} busy, {heard} heard their balance; "
          f"INVITE->200 ms p50 {setup[len(setup) // 2] if setup else float('nan'):.0f} "
          f"max {setup[-1] if setup else float('nan'):.0f}")


async def test_the_bot_says_goodbye_and_sends_bye(server: RunningServer, pool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shop = await create_demo_shop(pool)
    _speech_pcap(tmp_path, "theek hai bye", after_s=8.0)
    callid = "botbye-" + secrets.token_hex(6)
    run = await run_sipp("bot_hangs_up.xml", _target(server), cwd=tmp_path, callid=callid,
                         keys={"caller": shop.owner_phone})
    assert run.rc == 0, run.output  # the scenario fails unless Execora's BYE comes
    call_sid = call_sid_for(f"{callid}-1")
    assert await wait_until(lambda: _ended(pool, call_sid), 15)
    row, _ = await call_rows(pool, call_sid)
    assert row["status"] == "completed" and row["ended_reason"] == "bot", dict(row)
