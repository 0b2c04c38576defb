"""The call's WAV grows on disk piece by piece, in order, with paused spans silenced as written."""

from __future__ import annotations

import wave
from pathlib import Path

from bot.call.recording import RecordingFile

RATE = 8000
SECOND = b"\x01\x00\x02\x00" * RATE  # one second of two-channel 16-bit audio


async def test_pieces_are_appended_in_order_and_the_pause_is_silent(tmp_path: Path) -> None:
    paused: list[tuple[float, float | None]] = []
    rec = RecordingFile(tmp_path / "1" / "CA1.wav", paused)
    rec.add(SECOND, RATE, 2)
    paused.append((1500.0, None))  # "recording band karo" half-way through the second piece
    rec.add(SECOND, RATE, 2)
    rec.add(SECOND, RATE, 2)
    paused[-1] = (1500.0, 2500.0)  # "recording shuru karo" before the third piece is written
    seconds, size = await rec.close() or (0.0, 0)
    assert seconds == 3.0 and not (tmp_path / "1" / "CA1.wav.part").exists()
    with wave.open(str(tmp_path / "1" / "CA1.wav")) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes()) == (2, RATE, 3 * RATE)
        audio = wav.readframes(3 * RATE)
    assert size == (tmp_path / "1" / "CA1.wav").stat().st_size
    frame = 4
    assert audio[: int(1.5 * RATE) * frame] == SECOND + SECOND[: RATE // 2 * frame]
    assert audio[int(1.5 * RATE) * frame: int(2.5 * RATE) * frame] == bytes(RATE * frame)
    assert audio[int(2.5 * RATE) * frame:] == SECOND[RATE // 2 * frame:]


async def test_nothing_heard_writes_nothing(tmp_path: Path) -> None:
    rec = RecordingFile(tmp_path / "CA2.wav", [])
    assert await rec.close() is None and not (tmp_path / "CA2.wav").exists()
