"""Calls whose app process died: close their rows and keep what was recorded.

A live call's row is 'in-progress' until its process closes it. A process
killed mid-call (OOM, deploy, power) never does, so the sweep closes any call
in progress for longer than a call may last (`LOST_AFTER`, beyond the bot's
own maximum call length) as failed / 'lost'. The recording grows on disk as
`<CallSid>.wav.part` with its header patched after every piece (Python's
`wave` does that), so what was heard up to the kill is a valid WAV: it is
finished, registered and uploaded like any other; without one the row says
the recording was lost. Runs where the app's recordings directory is
reachable (the same DATA_DIR, as `execora up` arranges).
"""

from __future__ import annotations

import asyncio
import logging
import wave
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg

from bot.call.recording import recording_path
from db.calls import close_lost, mark_recording_lost, register_recording
from workers.context import WorkerConfig
from workers.queue import RQJobQueue

log = logging.getLogger(__name__)

# The bot ends any call at 15 minutes (bot.call.session.CallTuning.max_call_s); a row still in
# progress well past that has no process behind it.
LOST_AFTER = timedelta(minutes=20)


def _finish_part(part: Path) -> tuple[Path, float, int] | None:
    """Rename a surviving `.wav.part` to `.wav`; (path, seconds, bytes), or None if it is unreadable."""
    final = part.with_suffix("")  # x.wav.part -> x.wav
    try:
        with wave.open(str(part), "rb") as wav:
            seconds = wav.getnframes() / float(wav.getframerate() or 1)
    except (wave.Error, EOFError, OSError):
        return None
    part.replace(final)
    return final, seconds, final.stat().st_size


async def close_lost_calls(
    conn: asyncpg.Connection, cfg: WorkerConfig, jobs: RQJobQueue, now: datetime
) -> list[str]:
    """Close calls left in progress by a dead process; returns their CallSids."""
    async with conn.transaction():
        lost = await close_lost(conn, started_before=now - LOST_AFTER)
    for call_sid, shop_id in lost:
        part = recording_path(cfg.recordings_dir, shop_id, call_sid).with_suffix(".wav.part")
        finished = await asyncio.to_thread(_finish_part, part) if part.exists() else None
        if finished is None:
            await mark_recording_lost(conn, call_sid)
            log.warning("call %s: its process died; closed, no recording survived", call_sid)
            continue
        path, seconds, size = finished
        call_id = await register_recording(
            conn, call_sid=call_sid, path=str(path), duration_s=seconds, size_bytes=size
        )
        if call_id is not None and cfg.s3.enabled:
            jobs.enqueue_recording_upload(call_id)
        log.warning("call %s: its process died; closed, %.1f s of recording kept", call_sid, seconds)
    return [sid for sid, _ in lost]
