"""The call page's waveform: peaks from a real WAV (a loud second in a quiet call), cached in
the data dir, and a marker per turn whose seek time the page's script uses."""

from __future__ import annotations

import asyncio
import math
import re
import struct
import wave
from pathlib import Path

import httpx
from fastapi import FastAPI

from dashboard import waveform
from db import calls as call_rows
from tests.integration.dashboard.conftest import DashShop, add_call, sign_in, turn

RATE = 8000


def write_call_wav(path: Path, seconds: int = 10, loud: tuple[float, float] = (4.0, 5.0)) -> Path:
    """Two channels of 16-bit PCM: near silence, a loud tone on the caller's side in `loud` (blocking)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for i in range(seconds * RATE):
        t = i / RATE
        amp = 20000 if loud[0] <= t < loud[1] else 100
        s = int(amp * math.sin(2 * math.pi * 440 * t))
        frames += struct.pack("<hh", s, 0)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))
    return path


def test_peaks_find_the_loud_second(tmp_path: Path) -> None:
    peaks = waveform.compute_peaks(write_call_wav(tmp_path / "c.wav"), buckets=100)
    assert peaks.duration_s == 10.0 and len(peaks.values) == 100
    loud = [i for i, v in enumerate(peaks.values) if v > 0.5]
    assert loud and min(loud) >= 39 and max(loud) <= 50
    assert max(peaks.values[:35]) < 0.01


async def test_call_page_draws_the_waveform_with_turn_markers_and_caches_it(
    app: FastAPI, http: httpx.AsyncClient, shop: DashShop
) -> None:
    turns = [turn(0, source="system", reply="Namaste", timings={"first_reply_audio": 300.0}),
             turn(1, heard="do doodh", timings={"speech_end": 6500.0, "first_reply_audio": 6900.0})]
    sid = await add_call(app, shop.shop_id, turns=turns)
    wav = await asyncio.to_thread(write_call_wav, Path(app.state.settings.recordings_dir) / f"{sid}.wav")
    async with app.state.pool.acquire() as conn:
        call_id = await call_rows.register_recording(conn, call_sid=sid, path=str(wav), duration_s=10.0,
                                                     size_bytes=wav.stat().st_size)
    await sign_in(http, shop)
    page = (await http.get(f"/dashboard/calls/{sid}")).text
    assert 'id="waveform"' in page and '<path class="wave" d="M' in page
    markers = re.findall(r'<g class="marker" data-seek="([\d.]+)" data-turn="(\d+)"', page)
    assert markers == [("0.3", "0"), ("4.5", "1")]  # turn 1: speech ended at 6.5 s, heard from 2 s before
    assert 'class="seek" data-seek="4.5"' in page and 'src="/dashboard/static/call.js"' in page
    assert (await http.get("/dashboard/static/call.js")).status_code == 200
    cache = Path(app.state.settings.data_dir) / "waveforms" / f"{call_id}.json"
    assert cache.is_file()
    wav.unlink()  # uploaded and pruned: the cached peaks still draw
    again = (await http.get(f"/dashboard/calls/{sid}")).text
    assert '<path class="wave" d="M' in again
