"""A pipecat transport over one SIP call's `CallBridge` (8 kHz 16-bit PCM both ways, RFC 4733 DTMF in).

Input pumps the bridge's asyncio queue into the pipeline (audio, DTMF as
`InputDTMFFrame`); the caller's BYE fires `on_client_disconnected` as the
WebSocket transports do, so `bot.call.session.run_call` ends the call the same
way. Output hands PCM to the bridge and paces itself by the media clock that
drains it (never more than ~100 ms ahead, so barge-in clears little and
"bot stopped speaking" means heard); an interruption clears the buffer, and
the end of the call waits for the goodbye to be played out.
"""

from __future__ import annotations

import asyncio
import time

from pipecat.audio.dtmf.types import KeypadEntry
from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    InputDTMFFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    StartFrame,
)
from pipecat.processors.frame_processor import FrameDirection
from pipecat.transports.base_input import BaseInputTransport
from pipecat.transports.base_output import BaseOutputTransport
from pipecat.transports.base_transport import BaseTransport, TransportParams

from telephony.sip.bridge import HUNG_UP, CallBridge

SAMPLE_RATE = 8000
AHEAD_BYTES = 1600  # ~100 ms of audio queued ahead of the media clock
DRAIN_TIMEOUT_S = 5.0
_DIGITS = {e.value for e in KeypadEntry}


class SipInputTransport(BaseInputTransport):
    def __init__(self, transport: SipTransport, params: TransportParams) -> None:
        super().__init__(params)
        self._transport = transport
        self._pump: asyncio.Task[None] | None = None

    async def start(self, frame: StartFrame) -> None:
        await super().start(frame)
        await self.set_transport_ready(frame)
        if self._pump is None:
            self._pump = self.create_task(self._read(), "sip-input")

    async def _read(self) -> None:
        bridge = self._transport.bridge
        while True:
            item = await bridge.inbound.get()
            if item is HUNG_UP:
                await self._transport.disconnected()
                return
            if isinstance(item, bytes):
                await self.push_audio_frame(InputAudioRawFrame(audio=item, sample_rate=SAMPLE_RATE, num_channels=1))
            elif item in _DIGITS:
                await self.push_frame(InputDTMFFrame(KeypadEntry(item)))

    async def _stop_pump(self) -> None:
        if self._pump is not None:
            await self.cancel_task(self._pump)
            self._pump = None

    async def stop(self, frame: EndFrame) -> None:
        await super().stop(frame)
        await self._stop_pump()

    async def cancel(self, frame: CancelFrame) -> None:
        await super().cancel(frame)
        await self._stop_pump()


class SipOutputTransport(BaseOutputTransport):
    def __init__(self, transport: SipTransport, params: TransportParams) -> None:
        super().__init__(params)
        self._bridge = transport.bridge

    async def start(self, frame: StartFrame) -> None:
        await super().start(frame)
        await self.set_transport_ready(frame)

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        if self._bridge.ended:
            return False
        self._bridge.play(frame.audio)
        while self._bridge.queued_bytes() > AHEAD_BYTES and not self._bridge.ended:  # noqa: ASYNC110 - drained by PJSIP's media thread
            await asyncio.sleep(0.01)
        return True

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, InterruptionFrame):
            self._bridge.clear()

    async def stop(self, frame: EndFrame) -> None:
        await super().stop(frame)  # the media senders hand over what they still hold
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        while self._bridge.queued_bytes() and not self._bridge.ended and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)  # let the caller hear the goodbye before the BYE


class SipTransport(BaseTransport):
    """Event handlers: on_client_disconnected(transport, None) when the caller hangs up (BYE/CANCEL)."""

    def __init__(self, bridge: CallBridge) -> None:
        super().__init__(name="SipTransport")
        self.bridge = bridge
        self._params = TransportParams(
            audio_in_enabled=True, audio_out_enabled=True,
            audio_in_sample_rate=SAMPLE_RATE, audio_out_sample_rate=SAMPLE_RATE,
        )
        self._input: SipInputTransport | None = None
        self._output: SipOutputTransport | None = None
        self._disconnected = False
        self._register_event_handler("on_client_disconnected")

    def input(self) -> SipInputTransport:
        if self._input is None:
            self._input = SipInputTransport(self, self._params)
        return self._input

    def output(self) -> SipOutputTransport:
        if self._output is None:
            self._output = SipOutputTransport(self, self._params)
        return self._output

    async def disconnected(self) -> None:
        if not self._disconnected:
            self._disconnected = True
            await self._call_event_handler("on_client_disconnected", None)

    def __repr__(self) -> str:
        return f"SipTransport(ended={self.bridge.ended})"
