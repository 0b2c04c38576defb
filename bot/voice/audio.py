"""Phone-audio helpers: G.711 mu-law, resampling, noise, WAV files.

One place for the sample maths so the recogniser, the synthesiser, the
simulated caller and the benchmark all hear the same phone line.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import soxr

PHONE_RATE = 8000
_BIAS = 0x84
_CLIP14 = 8159
_SEG_END = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF], dtype=np.int32)


def _decode_table() -> np.ndarray:
    codes = np.arange(256, dtype=np.int32)
    b = ~codes & 0xFF
    sign = b & 0x80
    exponent = (b >> 4) & 0x07
    mantissa = b & 0x0F
    sample = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -sample, sample).astype(np.int16)


_DECODE = _decode_table()


def mulaw_encode(pcm: bytes) -> bytes:
    """int16 little-endian PCM -> G.711 mu-law bytes (bit-exact with the classic reference coder)."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.int32) >> 2  # 14-bit, as G.711 specifies
    mask = np.where(x < 0, 0x7F, 0xFF)
    mag = np.minimum(np.abs(x), _CLIP14) + (_BIAS >> 2)
    seg = np.searchsorted(_SEG_END, mag)
    uval = np.where(seg >= 8, 0x7F, (np.minimum(seg, 7) << 4) | ((mag >> (np.minimum(seg, 7) + 1)) & 0x0F))
    return (uval ^ mask).astype(np.uint8).tobytes()


def mulaw_decode(data: bytes) -> bytes:
    """G.711 mu-law bytes -> int16 little-endian PCM."""
    codes = np.frombuffer(data, dtype=np.uint8)
    return _DECODE[codes].astype("<i2").tobytes()


def resample(pcm: bytes, in_rate: int, out_rate: int, quality: str = "HQ") -> bytes:
    """Resample a whole int16 mono buffer (for streams use `StreamResampler`)."""
    if in_rate == out_rate or not pcm:
        return pcm
    x = np.frombuffer(pcm, dtype=np.int16)
    y = soxr.resample(x, in_rate, out_rate, quality=quality)
    return np.asarray(y, dtype=np.int16).tobytes()


class StreamResampler:
    """Chunk-by-chunk int16 resampling that keeps filter state between chunks.

    quality "QQ" releases audio almost at once; soxr's default quality holds
    ~100 ms bursts back, which would delay the end of every utterance.
    """

    def __init__(self, in_rate: int, out_rate: int, quality: str = "QQ") -> None:
        self.in_rate, self.out_rate = in_rate, out_rate
        self._stream = (
            None if in_rate == out_rate else soxr.ResampleStream(in_rate, out_rate, 1, dtype="int16", quality=quality)
        )

    def process(self, pcm: bytes, last: bool = False) -> bytes:
        if self._stream is None:
            return pcm
        x = np.frombuffer(pcm, dtype=np.int16)
        return np.asarray(self._stream.resample_chunk(x, last=last), dtype=np.int16).tobytes()


def noise(num_samples: int, rms: float, seed: int | None = None) -> bytes:
    """White noise at `rms` (int16 units): low-level 'room tone' instead of digital silence."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, rms, num_samples)
    return np.clip(x, -32768, 32767).astype(np.int16).tobytes()


def rms(pcm: bytes) -> float:
    """Root mean square of int16 PCM."""
    x = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0


def add_noise_snr(pcm: bytes, snr_db: float, seed: int | None = None) -> bytes:
    """Add white noise so that speech power / noise power = `snr_db` (speech power over voiced samples)."""
    x = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    if not x.size:
        return pcm
    active = x[np.abs(x) > 0.02 * max(1.0, float(np.abs(x).max()))]
    p_signal = float(np.mean(active * active)) if active.size else float(np.mean(x * x))
    p_noise = p_signal / (10 ** (snr_db / 10))
    rng = np.random.default_rng(seed)
    y = x + rng.normal(0.0, np.sqrt(p_noise), x.size)
    return np.clip(y, -32768, 32767).astype(np.int16).tobytes()


def phone_line(pcm: bytes, rate: int) -> bytes:
    """What a caller's audio becomes on the way in: 8 kHz, G.711 mu-law round trip."""
    return mulaw_decode(mulaw_encode(resample(pcm, rate, PHONE_RATE)))


def wav_bytes(pcm: bytes, rate: int, channels: int = 1) -> bytes:
    """int16 PCM wrapped in a WAV container."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return buf.getvalue()


def write_wav(path: Path | str, pcm: bytes, rate: int, channels: int = 1) -> None:
    """Write int16 PCM to a WAV file."""
    Path(path).write_bytes(wav_bytes(pcm, rate, channels))


def read_wav(path: Path | str) -> tuple[bytes, int]:
    """Read a mono int16 WAV file -> (pcm, rate)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError("expected mono 16-bit WAV")
        return w.readframes(w.getnframes()), w.getframerate()
