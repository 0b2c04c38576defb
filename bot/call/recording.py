"""The call's two-channel recording: written to disk as it grows, registered, upload enqueued.

pipecat's AudioBufferProcessor (caller left, bot right) hands over about a
second of audio at a time; `RecordingFile` appends each piece to the WAV in a
thread, in order, so a call holds seconds of audio in memory, not the whole
call. Spans the caller asked not to record are silenced as they are written.
The upload itself is the worker's job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import wave
from dataclasses import dataclass
from pathlib import Path

from bot.call.logs import call_log
from bot.call.ports import CallStore
from business.ports import JobQueue

log = logging.getLogger(__name__)

Spans = list[tuple[float, float | None]]  # ms on the call clock; an open span runs on


@dataclass(frozen=True)
class SavedRecording:
    path: Path
    duration_s: float
    size_bytes: int
    call_id: int | None


def silence_spans(audio: bytes, spans: Spans, sample_rate: int, num_channels: int, offset: int = 0) -> bytes:
    """16-bit PCM with the spans (ms from the call's start) replaced by silence. `offset` is where
    `audio` starts in the whole recording, in bytes; the length, and so the timeline, stays."""
    if not spans or not audio:
        return audio
    frame = 2 * max(num_channels, 1)
    out = bytearray(audio)
    for start_ms, end_ms in spans:
        a = int(start_ms * sample_rate / 1000) * frame - offset
        b = len(out) if end_ms is None else int(end_ms * sample_rate / 1000) * frame - offset
        a, b = max(0, a), min(len(out), b)
        if b > a:
            out[a:b] = bytes(b - a)
    return bytes(out)


def recording_path(recordings_dir: Path, shop_id: int | None, call_sid: str) -> Path:
    """recordings/<shop>/<CallSid>.wav (CallSid is [A-Za-z0-9] only by Twilio's format)."""
    safe_sid = "".join(ch for ch in call_sid if ch.isalnum())[:64] or "call"
    return recordings_dir / str(shop_id or "unknown") / f"{safe_sid}.wav"


class RecordingFile:
    """A WAV that grows while the call runs: `add` (from the audio buffer's handler, in order),
    then `close` once the call ended. Written as `<name>.wav.part`, renamed when complete."""

    def __init__(self, path: Path, paused: Spans) -> None:
        self.path = path
        self._tmp = path.with_suffix(".wav.part")
        self._paused = paused  # the call state's list: spans added later still apply
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._wav: wave.Wave_write | None = None
        self._rate = 0
        self._channels = 0
        self._written = 0

    def add(self, pcm: bytes, sample_rate: int, num_channels: int) -> None:
        """Queue one piece (synchronous, so pieces keep the order the buffer gave them)."""
        if not pcm:
            return
        self._rate, self._channels = sample_rate, num_channels
        self._queue.put_nowait(pcm)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        while (pcm := await self._queue.get()) is not None:
            chunk = silence_spans(pcm, self._paused, self._rate, self._channels, self._written)
            self._written += len(chunk)
            await asyncio.to_thread(self._append, chunk)

    def _append(self, chunk: bytes) -> None:
        if self._wav is None:
            self._tmp.parent.mkdir(parents=True, exist_ok=True)
            wav = wave.open(str(self._tmp), "wb")
            wav.setnchannels(self._channels)
            wav.setsampwidth(2)
            wav.setframerate(self._rate)
            self._wav = wav
        self._wav.writeframes(chunk)

    def _finish(self) -> tuple[float, int] | None:
        if self._wav is None:
            return None
        self._wav.close()
        self._wav = None
        self._tmp.replace(self.path)
        frames = self._written // (2 * max(self._channels, 1))
        return (frames / float(self._rate) if self._rate else 0.0), self.path.stat().st_size

    async def close(self) -> tuple[float, int] | None:
        """Write what is queued and finish the file: (seconds, bytes), or None when nothing was heard."""
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
        return await asyncio.to_thread(self._finish)

    def abandon(self) -> None:
        """Drop a half-written file (the call failed before it could be closed)."""
        if self._wav is not None:
            with contextlib.suppress(Exception):
                self._wav.close()
            self._wav = None
        with contextlib.suppress(FileNotFoundError):
            self._tmp.unlink()


async def register_recording(
    *, path: Path, duration_s: float, size_bytes: int, shop_id: int | None, call_sid: str, store: CallStore,
    jobs: JobQueue | None,
) -> SavedRecording:
    """Register the finished WAV on the call row and enqueue its upload."""
    call_id = await store.register_recording(call_sid, path, duration_s, size_bytes)
    if call_id is not None and jobs is not None:
        try:
            # RQ enqueueing is a blocking Redis call: keep it off the loop.
            await asyncio.to_thread(jobs.enqueue_recording_upload, call_id)
        except Exception:  # the upload sweep will find it; the call must still close cleanly
            call_log(__name__, call_sid, shop_id).exception("recording upload not enqueued")
    call_log(__name__, call_sid, shop_id).info("recording saved (%.1f s)", duration_s)
    return SavedRecording(path=path, duration_s=duration_s, size_bytes=size_bytes, call_id=call_id)
