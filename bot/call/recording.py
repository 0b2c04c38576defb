"""The call's two-channel recording: WAV on disk, registered, upload enqueued.

pipecat's AudioBufferProcessor (caller left, bot right) hands over the whole
call's audio when recording stops (at the end of the call). Writing the file
runs in a thread; the upload itself is the worker's job.
"""

from __future__ import annotations

import asyncio
import logging
import wave
from dataclasses import dataclass
from pathlib import Path

from bot.call.logs import call_log
from bot.call.ports import CallStore
from business.ports import JobQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedRecording:
    path: Path
    duration_s: float
    size_bytes: int
    call_id: int | None


def write_wav(path: Path, audio: bytes, sample_rate: int, num_channels: int) -> float:
    """Write 16-bit PCM as a WAV file (atomically: temp file then rename); returns seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".wav.part")
    with wave.open(str(tmp), "wb") as wf:
        wf.setnchannels(num_channels)
        wf.setsampwidth(2)
        wf.setframerate(sample_rate)
        wf.writeframes(audio)
    tmp.replace(path)
    frames = len(audio) // (2 * max(num_channels, 1))
    return frames / float(sample_rate) if sample_rate else 0.0


def silence_spans(
    audio: bytes, spans: list[tuple[float, float | None]], sample_rate: int, num_channels: int
) -> bytes:
    """The call's 16-bit PCM with the spans the caller asked not to record (ms from the start,
    an open span runs to the end) replaced by silence; the length, and so the timeline, stays."""
    if not spans or not audio:
        return audio
    frame = 2 * max(num_channels, 1)
    out = bytearray(audio)
    for start_ms, end_ms in spans:
        a = min(len(out), int(start_ms * sample_rate / 1000) * frame)
        b = len(out) if end_ms is None else min(len(out), int(end_ms * sample_rate / 1000) * frame)
        if b > a:
            out[a:b] = bytes(b - a)
    return bytes(out)


def recording_path(recordings_dir: Path, shop_id: int | None, call_sid: str) -> Path:
    """recordings/<shop>/<CallSid>.wav (CallSid is [A-Za-z0-9] only by Twilio's format)."""
    safe_sid = "".join(ch for ch in call_sid if ch.isalnum())[:64] or "call"
    return recordings_dir / str(shop_id or "unknown") / f"{safe_sid}.wav"


async def save_recording(
    *,
    audio: bytes,
    sample_rate: int,
    num_channels: int,
    recordings_dir: Path,
    shop_id: int | None,
    call_sid: str,
    store: CallStore,
    jobs: JobQueue | None,
) -> SavedRecording | None:
    """Write the WAV off the event loop, register it on the call row, enqueue its upload."""
    if not audio:
        return None
    path = recording_path(recordings_dir, shop_id, call_sid)
    duration = await asyncio.to_thread(write_wav, path, audio, sample_rate, num_channels)
    size = path.stat().st_size
    call_id = await store.register_recording(call_sid, path, duration, size)
    if call_id is not None and jobs is not None:
        try:
            # RQ enqueueing is a blocking Redis call: keep it off the loop.
            await asyncio.to_thread(jobs.enqueue_recording_upload, call_id)
        except Exception:  # the upload sweep will find it; the call must still close cleanly
            call_log(__name__, call_sid, shop_id).exception("recording upload not enqueued")
    call_log(__name__, call_sid, shop_id).info("recording saved (%.1f s)", duration)
    return SavedRecording(path=path, duration_s=duration, size_bytes=size, call_id=call_id)
