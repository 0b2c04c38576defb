"""Direct SIP's pure rules: SIP_LISTEN and friends, who may call (trusted CIDR, digest), caller numbers,
the audio bridge's framing, and the pcap the SIPp tests replay."""

from __future__ import annotations

import asyncio
import hashlib
import struct
from pathlib import Path

import pytest

from telephony.sip import access
from telephony.sip.bridge import FRAME_BYTES, CallBridge
from telephony.sip.config import SipConfig, parse_listen, parse_networks, parse_port_range
from telephony.sip.identity import call_sid_for, caller_number, header_value, user_part
from tests.support.rtp_pcap import RtpTrack, write_pcap

SECRET = "test-secret-0123456789abcdef-0123456789"


def _cfg(**kw: object) -> SipConfig:
    fields: dict[str, object] = {"public_base_url": "https://x.test", "app_secret": SECRET,
                                 "listen": parse_listen("udp:0.0.0.0:5060")}
    fields.update(kw)
    return SipConfig(**fields)  # type: ignore[arg-type]


def test_settings_values_parse_or_fail_loudly() -> None:
    assert parse_listen("") is None
    listen = parse_listen("udp:10.0.0.5:5070")
    assert listen is not None and (listen.transport, listen.host, listen.port) == ("udp", "10.0.0.5", 5070)
    for bad in ("tcp:0.0.0.0:5060", "udp:0.0.0.0", "udp::5060", "udp:0.0.0.0:99999"):
        with pytest.raises(ValueError):
            parse_listen(bad)
    assert [str(n) for n in parse_networks("203.0.113.0/24, 198.51.100.7")] == ["203.0.113.0/24", "198.51.100.7/32"]
    assert parse_port_range("40000-40999") == (40000, 1000)
    with pytest.raises(ValueError):
        parse_port_range("80-90")


def test_a_trusted_peer_is_allowed_and_anyone_else_forbidden_without_digest() -> None:
    cfg = _cfg(trusted_peers=parse_networks("203.0.113.0/24"))
    assert access.decide(cfg, "203.0.113.9", "").verdict is access.Verdict.ALLOW
    assert access.decide(cfg, "198.51.100.1", "").verdict is access.Verdict.FORBID
    assert access.decide(cfg, "not-an-ip", "").verdict is access.Verdict.FORBID


def _authorization(cfg: SipConfig, nonce: str, password: str, uri: str = "sip:service@10.0.0.5") -> str:
    def md5(t: str) -> str:
        return hashlib.md5(t.encode(), usedforsecurity=False).hexdigest()

    ha1, ha2 = md5(f"{cfg.username}:{access.REALM}:{password}"), md5(f"INVITE:{uri}")
    response = md5(f"{ha1}:{nonce}:00000001:abc:auth:{ha2}")
    return (f'Digest username="{cfg.username}", realm="{access.REALM}", nonce="{nonce}", uri="{uri}", '
            f'response="{response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"')


def test_digest_challenges_then_checks_the_password_and_the_nonce() -> None:
    cfg = _cfg(username="pbx", password="s3cret-password")
    first = access.decide(cfg, "198.51.100.1", "")
    assert first.verdict is access.Verdict.CHALLENGE and 'realm="execora"' in first.challenge
    nonce = access.digest_params(first.challenge.replace("Digest", "Digest", 1))["nonce"]
    assert access.decide(cfg, "198.51.100.1", _authorization(cfg, nonce, "s3cret-password")).verdict \
        is access.Verdict.ALLOW
    assert access.decide(cfg, "198.51.100.1", _authorization(cfg, nonce, "guess")).verdict is access.Verdict.FORBID
    forged = nonce.split(".")[0] + ".0000"
    assert access.decide(cfg, "198.51.100.1", _authorization(cfg, forged, "s3cret-password")).verdict \
        is access.Verdict.CHALLENGE  # a right password on a nonce we never made: stale, asked again
    old = access.make_nonce(SECRET, now=1_000_000.0)
    assert access.digest_valid(cfg, _authorization(cfg, old, "s3cret-password"), "INVITE") == (False, True)


def test_the_caller_is_the_asserted_identity_else_from() -> None:
    msg = ("INVITE sip:1800@pbx SIP/2.0\r\nFrom: \"Shop\" <sip:+91 98765-43210@trunk>;tag=1\r\n"
           "p-asserted-identity: <tel:+919812345678>\r\nCall-ID: abc@host\r\n\r\nv=0\r\nFrom: body")
    assert caller_number(msg, "<sip:+919876543210@trunk>") == "+919812345678"
    assert caller_number(msg.replace("p-asserted-identity", "X-Other"), "\"Shop\" <sip:+91 98765-43210@trunk>") \
        == "+919876543210"
    assert header_value(msg, "call-id") == "abc@host"
    assert user_part("sip:09876543210@10.0.0.1;user=phone") == "09876543210"
    assert user_part("anonymous") == ""
    sid = call_sid_for("a very@odd;call-id")
    assert sid.startswith("sip-") and len(sid) == 36 and sid == call_sid_for("a very@odd;call-id")


async def test_the_bridge_frames_outgoing_audio_and_clears_on_barge_in() -> None:
    bridge = CallBridge(asyncio.get_running_loop())
    assert bridge.next_frame() == b"\x00" * FRAME_BYTES  # nothing to say: silence
    bridge.play(b"\x01\x02" * 200)
    assert bridge.next_frame() == b"\x01\x02" * 160
    tail = bridge.next_frame()
    assert tail[:80] == b"\x01\x02" * 40 and tail[80:] == b"\x00" * 240
    bridge.play(b"\x05" * 3200)
    bridge.clear()
    assert bridge.queued_bytes() == 0
    bridge.received(b"pcm")
    bridge.digit("5")
    bridge.end()
    bridge.received(b"late")  # after the end nothing more is queued
    await asyncio.wait_for(bridge.hung_up.wait(), 1)
    items = [bridge.inbound.get_nowait() for _ in range(bridge.inbound.qsize())]
    assert items == [b"pcm", "5", None]


def test_the_pcap_holds_rtp_with_rfc4733_digits(tmp_path: Path) -> None:
    track = RtpTrack().silence(0.04).digit("1", duration_ms=60).audio([b"\x7f" * 160])
    data = write_pcap(tmp_path / "t.pcap", track.packets).read_bytes()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4 and struct.unpack("<I", data[20:24])[0] == 1
    packets, offset = [], 24
    while offset < len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[offset:offset + 16])
        packets.append(data[offset + 16 + 42: offset + 16 + incl])  # past Ethernet/IPv4/UDP
        offset += 16 + incl
    pts = [p[1] & 0x7F for p in packets]
    assert pts == [0, 0, 101, 101, 101, 101, 101, 0]  # 3 event steps, the last sent three times
    events = [p for p in packets if p[1] & 0x7F == 101]
    assert events[0][1] & 0x80 and not events[1][1] & 0x80  # marker on the event's first packet
    assert len({struct.unpack("!I", p[4:8])[0] for p in events}) == 1  # one timestamp per event
    assert [struct.unpack("!BBH", p[12:16])[2] for p in events] == [160, 320, 480, 480, 480]
    assert all(struct.unpack("!BBH", p[12:16])[1] & 0x80 for p in events[2:])  # end bit on the last three


def test_only_one_process_holds_the_sip_listener_lock(tmp_path: Path) -> None:
    """Two listeners on one DATA_DIR (two HTTP processes): the second stays off until the first lets go."""
    from telephony.sip.service import SipListener

    first, second = SipListener(None, _cfg(), tmp_path / "sip.lock"), SipListener(None, _cfg(), tmp_path / "sip.lock")
    assert first._take_lock() and not second._take_lock()
    first._release()
    assert second._take_lock()
    second._release()
