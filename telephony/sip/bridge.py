"""One call's audio and events between PJSIP's threads and the call's event loop.

PJSIP's media clock calls `received` / `next_frame` every 20 ms from its own
thread, and its SIP thread reports DTMF, media start and hang-up. Nothing here
blocks: inbound items reach the loop through `call_soon_threadsafe` into an
asyncio queue; outbound PCM waits in a small lock-guarded buffer the media
thread drains 320 bytes (20 ms of 8 kHz 16-bit) at a time, silence when empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

FRAME_BYTES = 320  # 20 ms of 8 kHz mono 16-bit PCM: PJSIP's conference frame, one RTP packet
SILENCE = b"\x00" * FRAME_BYTES
HUNG_UP = None  # the inbound queue's last item

Inbound = bytes | str | None  # PCM, a DTMF digit, or HUNG_UP


class CallBridge:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.inbound: asyncio.Queue[Inbound] = asyncio.Queue()
        self.media_ready = asyncio.Event()
        self.hung_up = asyncio.Event()
        self._out = bytearray()
        self._lock = threading.Lock()
        self.ended = False  # read from either side; only ever goes False -> True

    def _post(self, fn: object, *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop already closed (process shutting down)
            self.loop.call_soon_threadsafe(fn, *args)  # type: ignore[arg-type]

    # --- PJSIP's threads ----------------------------------------------------
    def received(self, pcm: bytes) -> None:
        if not self.ended:
            self._post(self.inbound.put_nowait, pcm)

    def digit(self, digit: str) -> None:
        if not self.ended:
            self._post(self.inbound.put_nowait, digit)

    def media_started(self) -> None:
        self._post(self.media_ready.set)

    def end(self) -> None:
        """The call is gone (BYE, CANCEL, our hang-up or a failure): tell the loop once."""
        if self.ended:
            return
        self.ended = True
        self._post(self._ended_on_loop)

    def next_frame(self) -> bytes:
        with self._lock:
            chunk = bytes(self._out[:FRAME_BYTES])
            del self._out[:FRAME_BYTES]
        return chunk + SILENCE[len(chunk):] if len(chunk) < FRAME_BYTES else chunk

    # --- the event loop -----------------------------------------------------
    def _ended_on_loop(self) -> None:
        self.hung_up.set()
        self.inbound.put_nowait(HUNG_UP)

    def play(self, pcm: bytes) -> None:
        with self._lock:
            self._out += pcm

    def queued_bytes(self) -> int:
        with self._lock:
            return len(self._out)

    def clear(self) -> None:
        """Barge-in: drop what the caller has not heard yet."""
        with self._lock:
            self._out.clear()
