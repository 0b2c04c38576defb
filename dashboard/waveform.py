"""The recording's waveform on the call page: peaks computed on the server from the WAV,
cached beside the data, drawn as inline SVG with a marker per turn that seeks the
page's <audio> element (`static/call.js`).

Peaks are the loudest sample of either channel (caller left, bot right) in each of
`BUCKETS` equal slices, read slice by slice so a long call never sits in memory.
The cache (`DATA_DIR/waveforms/<call id>.json`) is keyed by the WAV's size, so a
recording still growing is recomputed; once the local WAV is gone (uploaded and
pruned) the cached peaks still draw. Blocking file work runs in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from business.turns import CallTurn
from workers.recordings import resolve_path

log = logging.getLogger(__name__)

BUCKETS = 480
WIDTH, HEIGHT = 960, 96
SEEK_LEAD_S = 2.0  # a marker starts a little before the caller's speech ended, so their words are heard
CACHE_DIR = "waveforms"


@dataclass(frozen=True)
class Peaks:
    duration_s: float
    values: tuple[float, ...]  # 0..1 per bucket


@dataclass(frozen=True)
class Marker:
    turn_no: int
    at_s: float  # where the audio seeks to
    x: float
    label: str


@dataclass(frozen=True)
class Waveform:
    path: str  # SVG path data: one vertical stroke per bucket
    markers: tuple[Marker, ...]
    duration_s: float
    width: int = WIDTH
    height: int = HEIGHT


def compute_peaks(wav_path: Path, buckets: int = BUCKETS) -> Peaks:
    """Peaks of a 16-bit PCM WAV (blocking)."""
    with wave.open(str(wav_path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError("only 16-bit PCM recordings are drawn")
        rate, frames = w.getframerate(), w.getnframes()
        per = max(1, math.ceil(frames / buckets))
        values: list[float] = []
        while len(values) < buckets:
            chunk = w.readframes(per)
            if not chunk:
                break
            samples = np.frombuffer(chunk[: len(chunk) - len(chunk) % 2], dtype="<i2")
            peak = int(np.abs(samples.astype(np.int32)).max()) if samples.size else 0
            values.append(round(min(peak / 32768.0, 1.0), 3))
    return Peaks(duration_s=frames / rate if rate else 0.0, values=tuple(values))


def cached_peaks(wav_path: Path | None, cache_dir: Path, call_id: int) -> Peaks | None:
    """The call's peaks from the cache when it matches the WAV (or the WAV is gone), else computed
    and cached; None when there is neither (blocking)."""
    cache = cache_dir / f"{int(call_id)}.json"
    size = None
    if wav_path is not None:
        with contextlib.suppress(OSError):
            size = wav_path.stat().st_size
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if size is None or stored.get("size") == size:
            return Peaks(float(stored["duration_s"]), tuple(float(v) for v in stored["values"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if wav_path is None or size is None:
        return None
    try:
        peaks = compute_peaks(wav_path)
    except (OSError, EOFError, ValueError, wave.Error):
        log.warning("waveform: recording unreadable call_id=%s", call_id, exc_info=True)
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"size": size, "duration_s": peaks.duration_s, "values": peaks.values}),
                   encoding="utf-8")
    tmp.replace(cache)  # atomic: two pages drawing at once never read half a file
    return peaks


def turn_start_s(turn: CallTurn) -> float | None:
    """Where on the recording a turn is heard: its earliest stage stamp, less the lead (call clock ms)."""
    stamps = [float(v) for v in turn.timings.values() if isinstance(v, (int, float))]
    if not stamps:
        return None
    lead = SEEK_LEAD_S if "speech_end" in turn.timings else 0.0
    return max(0.0, min(stamps) / 1000.0 - lead)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


def shape(peaks: Peaks, turns: Sequence[CallTurn]) -> Waveform:
    """SVG geometry of the peaks and the turn markers."""
    n = max(len(peaks.values), 1)
    mid = HEIGHT / 2
    step = WIDTH / n
    strokes = []
    for i, v in enumerate(peaks.values):
        half = max(v * (mid - 2), 0.5)
        x = round(i * step + step / 2, 1)
        strokes.append(f"M{x} {round(mid - half, 1)}V{round(mid + half, 1)}")
    markers = []
    for t in turns:
        at = turn_start_s(t)
        if at is None or peaks.duration_s <= 0 or at > peaks.duration_s:
            continue
        markers.append(Marker(t.turn_no, round(at, 2), round(WIDTH * at / peaks.duration_s, 1),
                              f"Turn {t.turn_no} at {_clock(at)}"))
    return Waveform("".join(strokes), tuple(markers), peaks.duration_s)


def seek_points(turns: Sequence[CallTurn]) -> dict[int, float]:
    """turn_no -> seconds into the recording, for the transcript's play buttons."""
    out = {}
    for t in turns:
        at = turn_start_s(t)
        if at is not None:
            out[t.turn_no] = round(at, 2)
    return out


async def for_call_row(request_state: Any, call_id: int, recording_path: str | None,
                       turns: Sequence[CallTurn]) -> tuple[Waveform | None, dict[int, float]]:
    """The waveform and seek points of a call, from the app's settings (recordings and data dirs)."""
    settings = request_state.settings
    wav = (await asyncio.to_thread(resolve_path, Path(settings.recordings_dir), recording_path)
           if recording_path else None)
    try:
        wave_ = await for_call(Path(settings.data_dir), wav, call_id, turns)
    except OSError:  # a full or read-only data dir: the page still plays the recording
        log.warning("waveform: cache unwritable call_id=%s", call_id, exc_info=True)
        wave_ = None
    return wave_, seek_points(turns)


async def for_call(
    data_dir: Path, wav_path: Path | None, call_id: int, turns: Sequence[CallTurn]
) -> Waveform | None:
    """The call page's waveform (None: no recording to draw)."""
    peaks = await asyncio.to_thread(cached_peaks, wav_path, data_dir / CACHE_DIR, call_id)
    return None if peaks is None or not peaks.values else shape(peaks, turns)
