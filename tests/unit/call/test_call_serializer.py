"""The guarded Twilio serializer drops junk instead of raising inside the transport."""

from __future__ import annotations

import base64
import json

import pytest
from pipecat.frames.frames import InputAudioRawFrame, InputDTMFFrame

from telephony.twilio.serializer import GuardedTwilioFrameSerializer
from tests.support.pipecat import set_up_for_phone


async def _serializer() -> GuardedTwilioFrameSerializer:
    s = GuardedTwilioFrameSerializer(stream_sid="MZ1", call_sid="CA1", account_sid="AC1", auth_token="t",
                                     base_url="http://127.0.0.1:9")
    await set_up_for_phone(s)  # 8 kHz in, as the pipeline's setup would give it
    return s


@pytest.mark.parametrize(
    "message",
    [
        "not json", "[]", "null", b"\x00binary",
        json.dumps({"event": "media"}),
        json.dumps({"event": "media", "media": {"payload": "%%%"}}),
        json.dumps({"event": "media", "media": {"payload": 5}}),
        json.dumps({"event": "dtmf", "dtmf": {}}),
        json.dumps({"event": "dtmf", "dtmf": {"digit": "x"}}),
        json.dumps({"event": "nope"}),
        "x" * 100_000,
    ],
)
async def test_junk_is_ignored(message: str | bytes) -> None:
    s = await _serializer()
    assert await s.deserialize(message) is None


async def test_real_messages_still_work() -> None:
    s = await _serializer()
    audio = await s.deserialize(json.dumps(
        {"event": "media", "media": {"track": "inbound", "payload": base64.b64encode(b"\xff" * 160).decode()}}))
    assert isinstance(audio, InputAudioRawFrame) and len(audio.audio) == 320
    dtmf = await s.deserialize(json.dumps({"event": "dtmf", "dtmf": {"digit": "1"}}))
    assert isinstance(dtmf, InputDTMFFrame)
    assert await s.deserialize(json.dumps({"event": "stop", "stop": {}})) is None and s.stopped
