"""The shared-session Silero VAD behaves like pipecat's own, per call."""

from __future__ import annotations

import numpy as np
from pipecat.audio.vad.vad_analyzer import VADParams, VADState

from bot.call.shared_vad import SharedSileroVADAnalyzer
from bot.voice import espeak
from bot.voice.audio import PHONE_RATE, noise, resample


def _speech() -> bytes:
    utt = espeak.synthesize("Suresh ka balance batao", "en-us", 150)
    return resample(utt.pcm, utt.sample_rate, PHONE_RATE)


async def _states(vad: SharedSileroVADAnalyzer, pcm: bytes) -> list[VADState]:
    step = vad.num_frames_required() * 2
    return [await vad.analyze_audio(pcm[i : i + step]) for i in range(0, len(pcm) - step, step)]


async def test_two_calls_share_the_session_but_not_the_state() -> None:
    a = SharedSileroVADAnalyzer(sample_rate=PHONE_RATE, params=VADParams(stop_secs=0.2))
    b = SharedSileroVADAnalyzer(sample_rate=PHONE_RATE, params=VADParams(stop_secs=0.2))
    a.set_sample_rate(PHONE_RATE)  # what the pipeline's setup does
    b.set_sample_rate(PHONE_RATE)
    assert a.model.session is b.model.session
    assert a.model is not b.model
    line = noise(PHONE_RATE, 40, seed=3)
    states_a = await _states(a, line + _speech() + line)
    assert VADState.SPEAKING in states_a
    assert states_a[-1] == VADState.QUIET
    # b never heard speech: its state is its own.
    assert VADState.SPEAKING not in await _states(b, line)
    assert np.any(a.recurrent_state != b.recurrent_state)
