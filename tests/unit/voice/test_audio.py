import warnings

import numpy as np
import pytest

from bot.voice import audio

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop


def _ramp() -> bytes:
    return np.linspace(-32768, 32767, 4000).astype(np.int16).tobytes()


def test_mulaw_encode_matches_g711_reference() -> None:
    pcm = _ramp()
    assert audio.mulaw_encode(pcm) == audioop.lin2ulaw(pcm, 2)


def test_mulaw_decode_matches_g711_reference() -> None:
    codes = bytes(range(256))
    assert audio.mulaw_decode(codes) == audioop.ulaw2lin(codes, 2)


def test_mulaw_round_trip_error_is_small_relative_to_level() -> None:
    x = (8000 * np.sin(np.linspace(0, 60, 8000))).astype(np.int16)
    y = np.frombuffer(audio.mulaw_decode(audio.mulaw_encode(x.tobytes())), dtype=np.int16)
    err = np.abs(x.astype(int) - y.astype(int))
    assert err.max() <= 256  # G.711 step at the top segment
    assert audio.mulaw_encode(b"") == b""


def test_resample_changes_length_by_the_rate_ratio() -> None:
    pcm = np.zeros(22050, dtype=np.int16).tobytes()
    out = audio.resample(pcm, 22050, 8000)
    assert abs(len(out) // 2 - 8000) <= 2
    assert audio.resample(pcm, 8000, 8000) is pcm


def test_stream_resampler_releases_audio_promptly() -> None:
    rs = audio.StreamResampler(8000, 16000, quality="QQ")
    first = rs.process(np.ones(160, dtype=np.int16).tobytes())
    assert len(first) >= 2 * 200  # most of the 20 ms comes straight back, not in 100 ms bursts
    rest = rs.process(b"", last=True)
    assert abs((len(first) + len(rest)) // 2 - 320) <= 4


def test_noise_has_requested_level() -> None:
    assert audio.rms(audio.noise(16000, 50.0, seed=1)) == pytest.approx(50.0, rel=0.05)


@pytest.mark.parametrize("snr", [30, 20, 10])
def test_add_noise_snr_hits_the_target(snr: float) -> None:
    x = (6000 * np.sin(np.linspace(0, 2000, 16000))).astype(np.int16).tobytes()
    y = audio.add_noise_snr(x, snr, seed=3)
    noise = np.frombuffer(y, dtype=np.int16).astype(float) - np.frombuffer(x, dtype=np.int16)
    p_sig = np.mean(np.frombuffer(x, dtype=np.int16).astype(float) ** 2)
    measured = 10 * np.log10(p_sig / np.mean(noise**2))
    assert measured == pytest.approx(snr, abs=1.0)


def test_wav_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pcm = _ramp()
    path = tmp_path / "x.wav"
    audio.write_wav(path, pcm, 8000)
    assert audio.read_wav(path) == (pcm, 8000)
