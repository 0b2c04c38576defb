"""The simulated caller against a Twilio-protocol loopback server running the embedded engines.

Real time, real WebSocket, real pipecat pipeline: what the caller says is
synthesised by espeak-ng, goes through the phone codec, Silero VAD and the
embedded recogniser, and comes back as espeak-ng speech.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from bot.voice import ShopVocabulary
from bot.voice.audio import read_wav
from telephony.simulated_caller import CallerOptions, SimulatedCaller
from tests.integration.voice.loopback import running_loopback

VOCAB = ShopVocabulary.of(["Rahul", "Sunil", "Vikas"], ["chini", "doodh"])
TOKEN = "test-twilio-token"

pytestmark = pytest.mark.slow


def _options(url: str, public: str, **kw: object) -> CallerOptions:
    kw.setdefault("auth_token", TOKEN)
    return CallerOptions(server_url=url, public_base_url=public, **kw)  # type: ignore[arg-type]


async def test_a_call_round_trip(voice_cache: Path, tmp_path: Path) -> None:
    async with running_loopback(voice_cache, VOCAB) as (url, public, log):
        caller = SimulatedCaller(_options(url, public))
        answer = await caller.place_call()
        assert answer.connects and answer.parameters == {"shop": "demo"}
        assert log.webhooks[0]["From"] == "+919800000001"
        await caller.connect()
        greeting = await caller.wait_for_greeting()
        assert greeting.reply_seconds > 0.8

        turn = await caller.say("Rahul ka balance batao")
        await caller.wait_for_reply(turn)
        assert [t.text for t in log.transcripts] == ["rahul ka balance batao"]
        assert turn.latency_s is not None and turn.latency_s > 0  # how long: benchmarks/bench_calls.py
        assert turn.reply_seconds > 0.8

        await caller.send_dtmf("1")
        await caller.wait_for_reply(caller.turns[-1], timeout_s=3)
        assert log.dtmf == ["1"]

        await caller.hangup()
        assert log.starts[0]["callSid"] == caller.call_sid
        assert log.starts[0]["customParameters"] == {"shop": "demo"}
        assert caller.events.frames_sent > 100
        caller.write_wav(tmp_path / "bot.wav")
        pcm, rate = read_wav(tmp_path / "bot.wav")
        assert rate == 8000 and len(pcm) / 2 / rate > 2.0


async def test_forged_signature_is_refused(voice_cache: Path) -> None:
    async with running_loopback(voice_cache, VOCAB) as (url, public, log):
        caller = SimulatedCaller(_options(url, public, auth_token="wrong-token"))
        with pytest.raises(httpx.HTTPStatusError) as err:
            await caller.place_call()
        assert err.value.response.status_code == 403
        assert log.forged == 1 and not log.webhooks


async def test_start_with_another_call_sid_is_closed_1008(voice_cache: Path) -> None:
    async with running_loopback(voice_cache, VOCAB) as (url, public, log):
        caller = SimulatedCaller(_options(url, public))
        await caller.place_call()
        await caller.connect(start_call_sid="CA" + "f" * 32)
        assert await caller.wait_closed(timeout_s=5) == 1008
        await caller.hangup()
        assert not log.starts


async def test_hang_up_mid_sentence_and_raw_messages(voice_cache: Path) -> None:
    async with running_loopback(voice_cache, VOCAB) as (url, public, log):
        caller = SimulatedCaller(_options(url, public))
        await caller.place_call()
        await caller.connect()
        await caller.wait_for_greeting()
        await caller.send_raw("{not json")
        await caller.send_raw(json.dumps({"event": "whatever"}))
        turn = await caller.hang_up_mid_sentence("Sunil ne do sau rupaye cash diye", fraction=0.4)
        assert turn.cut and caller.closed
        await asyncio.sleep(0.5)
        assert len(caller.turns) == 2


async def test_execora_call_command_prints_turns(
    voice_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.commands.call import _parser, _run

    async with running_loopback(voice_cache, VOCAB) as (url, public, log):
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
        monkeypatch.setenv("PUBLIC_BASE_URL", public)
        monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
        wav = tmp_path / "bot.wav"
        args = _parser().parse_args(["Rahul ka balance batao", "--server", url, "--wav-out", str(wav)])
        assert await _run(args) == 0
    out = capsys.readouterr().out
    assert "[1] caller: Rahul ka balance batao" in out
    heard = next(line for line in out.splitlines() if "bot (heard):" in line)
    assert "rahul ka balance batao" in heard  # the loopback repeats what it heard
    assert "latency end of speech -> first bot audio:" in out and "n/a" not in out.split("[1]")[1]
    assert wav.exists()
    assert log.transcripts[0].text == "rahul ka balance batao"


def test_execora_call_needs_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    from app.commands.call import main

    assert main([]) == 2
    assert "at least one sentence" in capsys.readouterr().err
