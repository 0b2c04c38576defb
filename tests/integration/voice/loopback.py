"""A minimal Twilio-protocol voice server for testing the engines and the simulated caller.

Not Execora's call path (that is telephony/twilio): a signed-webhook check, a
`<Connect><Stream>` answer, and a pipecat 1.14 pipeline (Twilio serializer,
Silero VAD, the embedded recogniser, a repeat-back replier, espeak-ng) so the
embedded engines are exercised over the real protocol, in real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request, Response, WebSocket
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.frames.frames import Frame, InputDTMFFrame, TranscriptionFrame, TTSSpeakFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.serializers.twilio import TwilioFrameSerializer
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from pipecat.workers.runner import WorkerRunner
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Connect, VoiceResponse

from bot.voice import ShopVocabulary, VoiceConfig
from bot.voice.factory import make_stt, make_tts
from tests.support.polling import wait_until

GREETING = "Namaste Sharma ji, boliye"


@dataclass
class LoopbackLog:
    """What the loopback server saw, for assertions."""

    webhooks: list[dict[str, str]] = field(default_factory=list)
    starts: list[dict[str, object]] = field(default_factory=list)
    transcripts: list[TranscriptionFrame] = field(default_factory=list)
    dtmf: list[str] = field(default_factory=list)
    forged: int = 0


class RepeatBack(FrameProcessor):
    """Answers every transcript with "suna: <text>" and every DTMF digit with its name."""

    def __init__(self, log: LoopbackLog) -> None:
        super().__init__()
        self._log = log

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, TranscriptionFrame):
            self._log.transcripts.append(frame)
            await self.push_frame(TTSSpeakFrame(f"suna {frame.text}", append_to_context=False))
        elif isinstance(frame, InputDTMFFrame):
            digit = str(getattr(frame.button, "value", frame.button))
            self._log.dtmf.append(digit)
            await self.push_frame(TTSSpeakFrame(f"button {digit}", append_to_context=False))
        else:
            await self.push_frame(frame, direction)


def create_loopback_app(
    *, auth_token: str, public_base_url: str, vocabulary: ShopVocabulary, config: VoiceConfig, log: LoopbackLog
) -> FastAPI:
    app = FastAPI()
    validator = RequestValidator(auth_token)

    @app.post("/twilio/voice")
    async def voice(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        signature = request.headers.get("X-Twilio-Signature", "")
        if not validator.validate(public_base_url.rstrip("/") + "/twilio/voice", form, signature):
            log.forged += 1
            return Response(status_code=403)
        log.webhooks.append(form)
        host = public_base_url.split("://", 1)[1].rstrip("/")
        response = VoiceResponse()
        connect = Connect()
        stream = connect.stream(url=f"wss://{host}/twilio/stream/tok-{form['CallSid']}")
        stream.parameter(name="shop", value="demo")
        response.append(connect)
        return Response(content=str(response), media_type="application/xml")

    @app.websocket("/twilio/stream/{token}")
    async def stream(websocket: WebSocket, token: str) -> None:
        await websocket.accept()
        start: dict[str, object] = {}
        for _ in range(2):
            msg = json.loads(await websocket.receive_text())
            if msg.get("event") == "start":
                start = msg["start"]
                break
        if not start or token != f"tok-{start.get('callSid')}":
            await websocket.close(code=1008)
            return
        log.starts.append(start)
        serializer = TwilioFrameSerializer(
            stream_sid=str(start["streamSid"]),
            call_sid=str(start["callSid"]),
            params=TwilioFrameSerializer.InputParams(auto_hang_up=False),
        )
        transport = FastAPIWebsocketTransport(
            websocket=websocket,
            params=FastAPIWebsocketParams(
                audio_in_enabled=True, audio_out_enabled=True, add_wav_header=False, serializer=serializer
            ),
        )
        vad = VADProcessor(vad_analyzer=SileroVADAnalyzer(sample_rate=8000, params=VADParams(stop_secs=0.2)))
        pipeline = Pipeline(
            [transport.input(), vad, make_stt(config, vocabulary), RepeatBack(log), make_tts(config), transport.output()]
        )
        worker = PipelineWorker(pipeline, params=PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000))

        @transport.event_handler("on_client_connected")
        async def _connected(_t: object, _ws: object) -> None:
            await worker.queue_frame(TTSSpeakFrame(GREETING, append_to_context=False))

        @transport.event_handler("on_client_disconnected")
        async def _gone(_t: object, _ws: object) -> None:
            await worker.cancel()

        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        await runner.run()

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def running_loopback(tmp: Path, vocabulary: ShopVocabulary, auth_token: str = "test-twilio-token"):  # type: ignore[no-untyped-def]
    """Serve the loopback app on a free port; yields (server_url, public_base_url, log)."""
    port = free_port()
    public = "https://execora.test"
    log = LoopbackLog()
    app = create_loopback_app(
        auth_token=auth_token,
        public_base_url=public,
        vocabulary=vocabulary,
        config=VoiceConfig(cache_dir=tmp / "voice-cache"),
        log=log,
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started, 5, 0.05)
    try:
        yield f"http://127.0.0.1:{port}", public, log
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
