"""Exotel and Plivo pieces on their own: Basic auth, chunk sizes, start messages, V3 signatures, answer XML."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from pipecat.frames.frames import InputAudioRawFrame, InputDTMFFrame, InterruptionFrame, OutputAudioRawFrame

from telephony.exotel.auth import basic_credentials_match
from telephony.exotel.handshake import parse_start as parse_exotel_start
from telephony.exotel.serializer import GuardedExotelFrameSerializer, exotel_chunk
from telephony.plivo import xml as plivo_xml
from telephony.plivo.handshake import parse_start as parse_plivo_start
from telephony.plivo.rest import call_resource_url
from telephony.plivo.serializer import GuardedPlivoFrameSerializer
from telephony.plivo.signature import is_valid_v3_signature
from telephony.simulated_caller import exotel_wire as ex
from telephony.simulated_caller import plivo_wire as pl
from telephony.stream_handshake import HandshakeError


def _json(payload: str | bytes | None) -> dict[str, Any]:
    assert payload is not None
    decoded: dict[str, Any] = json.loads(payload)
    return decoded


def test_basic_credentials() -> None:
    assert basic_credentials_match(ex.basic_auth("u", "p4ss:word"), "u", "p4ss:word")
    assert not basic_credentials_match(ex.basic_auth("u", "wrong"), "u", "p4ss:word")
    assert not basic_credentials_match(ex.basic_auth("x", "p4ss:word"), "u", "p4ss:word")
    assert not basic_credentials_match(None, "u", "p")
    assert not basic_credentials_match("Basic !!!", "u", "p")
    assert not basic_credentials_match("Basic " + base64.b64encode(b"up").decode(), "u", "p")
    assert not basic_credentials_match(ex.basic_auth("", ""), "", "")  # unset credentials never match


@pytest.mark.parametrize(("size", "expected"), [(1, 3200), (3200, 3200), (3201, 3520), (6400, 6400), (0, 3200)])
def test_exotel_chunks_are_whole_and_long_enough(size: int, expected: int) -> None:
    chunk = exotel_chunk(b"\x01" * size)
    assert len(chunk) == expected and chunk.startswith(b"\x01" * size)


async def test_exotel_serializer_sizes_media_and_guards_input() -> None:
    s = GuardedExotelFrameSerializer(stream_sid="s" * 32, call_sid="c" * 32)
    s._sample_rate = 8000
    out = _json(await s.serialize(OutputAudioRawFrame(audio=b"\x00\x01" * 700, sample_rate=8000, num_channels=1)))
    assert out["event"] == "media" and out["stream_sid"] == "s" * 32
    assert len(base64.b64decode(out["media"]["payload"])) == 3200
    assert _json(await s.serialize(InterruptionFrame())) == {"event": "clear", "stream_sid": "s" * 32}
    frame = await s.deserialize(ex.media_message("s" * 32, 2, 1, 0, b"\x00\x01" * 160))
    assert isinstance(frame, InputAudioRawFrame) and frame.sample_rate == 8000
    assert isinstance(await s.deserialize(ex.dtmf_message("s" * 32, 3, "5")), InputDTMFFrame)
    for bad in ("not json", "[]", json.dumps({"event": "nope"}), json.dumps({"event": "media", "media": {}}),
                json.dumps({"event": "media", "media": {"payload": "%%%"}}), "x" * 70_000):
        assert await s.deserialize(bad) is None
    assert await s.deserialize(ex.mark_message("s" * 32, 4, "m1")) is None and s.marks_played == 1
    assert await s.deserialize(ex.stop_message("s" * 32, 5, "c" * 32, "a")) is None and s.stopped


def test_exotel_start() -> None:
    msg = json.loads(ex.start_message("a" * 32, "b" * 32, "acct", "+919800000001", "+918000000000", {"k": "v"}, 1))
    start = parse_exotel_start(msg)
    assert (start.stream_sid, start.call_sid, start.from_phone) == ("a" * 32, "b" * 32, "09800000001")
    assert start.custom_parameters == {"k": "v"}
    msg["start"]["media_format"]["sample_rate"] = "16000"
    with pytest.raises(HandshakeError):
        parse_exotel_start(msg)
    with pytest.raises(HandshakeError):
        parse_exotel_start({"event": "start", "start": {"stream_sid": "a" * 32}})


def test_plivo_v3_signature_round_trip() -> None:
    url = "https://execora.test/plivo/answer"
    form = pl.answer_form("3f2c-1234-abcd", "MA123", "+919800000001", "+918000000000")
    sig, nonce = pl.sign_v3(url, form, "tok")
    assert is_valid_v3_signature("tok", url, form, nonce, sig)
    assert is_valid_v3_signature("tok", url, form, nonce, "other," + sig)  # rotation: any of several
    assert not is_valid_v3_signature("tok2", url, form, nonce, sig)
    assert not is_valid_v3_signature("tok", url + "x", form, nonce, sig)
    assert not is_valid_v3_signature("tok", url, dict(form, To="1"), nonce, sig)
    assert not is_valid_v3_signature("tok", url, form, None, sig)
    assert not is_valid_v3_signature("", url, form, nonce, sig)
    assert not is_valid_v3_signature("tok", "not a url", form, nonce, sig)


def test_plivo_answer_xml_and_start() -> None:
    xml = plivo_xml.connect_stream("wss://h/plivo/stream/T")
    assert pl.stream_url_of(xml) == "wss://h/plivo/stream/T"
    assert 'bidirectional="true"' in xml and 'keepCallAlive="true"' in xml
    assert 'contentType="audio/x-mulaw;rate=8000"' in xml
    assert "<Hangup" in plivo_xml.refuse("Sorry <b>") and "&lt;b&gt;" in plivo_xml.refuse("Sorry <b>")
    start = parse_plivo_start(json.loads(pl.start_message("stream-id-1", "call-uuid-1", "MA1", 0)))
    assert (start.call_uuid, start.stream_id) == ("call-uuid-1", "stream-id-1")
    assert call_resource_url("http://fake/", "MA1", "u-1") == "http://fake/v1/Account/MA1/Call/u-1/"


async def test_plivo_serializer() -> None:
    s = GuardedPlivoFrameSerializer(stream_id="sid-1234", call_id="call-1234")
    s._sample_rate = 8000
    out = _json(await s.serialize(OutputAudioRawFrame(audio=b"\x00\x01" * 160, sample_rate=8000, num_channels=1)))
    assert out["event"] == "playAudio" and out["media"]["contentType"] == "audio/x-mulaw"
    assert _json(await s.serialize(InterruptionFrame()))["event"] == "clearAudio"
    frame = await s.deserialize(pl.media_message("sid-1234", 1, 1, 0, b"\xff" * 160))
    assert isinstance(frame, InputAudioRawFrame)
    assert isinstance(await s.deserialize(pl.dtmf_message("sid-1234", 2, "1")), InputDTMFFrame)
    assert await s.deserialize(pl.cleared_audio_message("sid-1234", 3)) is None and s.cleared == 1
    assert await s.deserialize("{bad") is None and s.ignored == 1
    assert await s.deserialize(pl.stop_message("sid-1234", 4, "call-1234")) is None and s.stopped
