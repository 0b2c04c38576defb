"""Which carrier the simulated caller speaks: Twilio (default), Exotel or Plivo.

The caller's line (20 ms of audio at a time, DTMF, marks played back, the
playback timeline) is the same whoever carries the call; only the words on
the wire differ. A `LineProtocol` holds those words: how the call is placed
(Twilio's and Plivo's signed webhooks, Exotel's fixed applet URL), the
upgrade's headers, each message the carrier sends, and how to read what the
bot sends back. Audio crosses this boundary as 8 kHz mu-law frames.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.voice.audio import mulaw_decode, mulaw_encode
from telephony.simulated_caller import exotel_wire as ex
from telephony.simulated_caller import plivo_wire as pl
from telephony.simulated_caller import protocol as tw
from telephony.simulated_caller.options import CallerOptions
from telephony.simulated_caller.webhook import post_voice_webhook


class LineProtocol:
    """Twilio Media Streams; subclasses speak other carriers."""

    name = "twilio"

    def new_call_sid(self) -> str:
        return tw.new_call_sid()

    def new_stream_sid(self) -> str:
        return tw.new_stream_sid()

    async def place_call(
        self, options: CallerOptions, call_sid: str, signature: str | None, extra_form: dict[str, str] | None
    ) -> tw.Answer:
        return await post_voice_webhook(options, call_sid, signature=signature, extra_form=extra_form)

    def upgrade_headers(self, options: CallerOptions, public_url: str) -> dict[str, str]:
        return {"X-Twilio-Signature": tw.sign_webhook(public_url, {}, options.auth_token)}

    def connected(self) -> str | None:
        return tw.connected_message()

    def start(self, stream_sid: str, call_sid: str, options: CallerOptions, params: dict[str, str], seq: int) -> str:
        return tw.start_message(stream_sid, call_sid, options.account_sid, params, seq)

    def media(self, stream_sid: str, seq: int, chunk: int, timestamp_ms: int, mulaw: bytes) -> str:
        return tw.media_message(stream_sid, seq, chunk, timestamp_ms, mulaw)

    def dtmf(self, stream_sid: str, seq: int, digit: str) -> str:
        return tw.dtmf_message(stream_sid, seq, digit)

    def played(self, stream_sid: str, seq: int, name: str) -> str:
        """A mark (checkpoint) we were sent, echoed once its audio has played."""
        return tw.mark_message(stream_sid, seq, name)

    def after_clear(self, stream_sid: str, seq: int) -> str | None:
        """What the carrier answers to a clear (nothing, for Twilio)."""
        return None

    def stop(self, stream_sid: str, seq: int, call_sid: str, options: CallerOptions) -> str:
        return tw.stop_message(stream_sid, seq, call_sid, options.account_sid)

    def inbound(self, message: dict[str, Any]) -> tuple[str, Any]:  # Any: bytes for media, str otherwise
        """("media", mu-law) | ("clear", None) | ("mark", name) | ("other", event) for a message the bot sent."""
        event = message.get("event")
        if event == "media":
            return "media", tw.decode_media_payload(message)
        if event == "clear":
            return "clear", None
        if event == "mark":
            return "mark", str((message.get("mark") or {}).get("name", ""))
        return "other", str(event)


class ExotelProtocol(LineProtocol):
    """Exotel's Voicebot applet: no webhook, Basic auth on the upgrade, 16-bit PCM media."""

    name = "exotel"
    path = "/exotel/stream"

    def new_call_sid(self) -> str:
        return ex.new_call_sid()

    def new_stream_sid(self) -> str:
        return ex.new_stream_sid()

    async def place_call(
        self, options: CallerOptions, call_sid: str, signature: str | None, extra_form: dict[str, str] | None
    ) -> tw.Answer:
        """The applet dials the one configured URL: there is nothing to ask the server first."""
        base = (options.public_base_url or options.server_url).rstrip("/")
        scheme = "wss" if base.startswith("https://") else "ws"
        return tw.Answer(stream_url=f"{scheme}://{base.split('://', 1)[1]}{self.path}")

    def upgrade_headers(self, options: CallerOptions, public_url: str) -> dict[str, str]:
        if not options.stream_user and not options.stream_password:
            return {}
        return {"Authorization": ex.basic_auth(options.stream_user, options.stream_password)}

    def connected(self) -> str | None:
        return ex.connected_message()

    def start(self, stream_sid: str, call_sid: str, options: CallerOptions, params: dict[str, str], seq: int) -> str:
        return ex.start_message(stream_sid, call_sid, options.account_sid, options.from_number, options.to_number,
                                params, seq)

    def media(self, stream_sid: str, seq: int, chunk: int, timestamp_ms: int, mulaw: bytes) -> str:
        return ex.media_message(stream_sid, seq, chunk, timestamp_ms, mulaw_decode(mulaw))

    def dtmf(self, stream_sid: str, seq: int, digit: str) -> str:
        return ex.dtmf_message(stream_sid, seq, digit)

    def played(self, stream_sid: str, seq: int, name: str) -> str:
        return ex.mark_message(stream_sid, seq, name)

    def stop(self, stream_sid: str, seq: int, call_sid: str, options: CallerOptions) -> str:
        return ex.stop_message(stream_sid, seq, call_sid, options.account_sid)

    def inbound(self, message: dict[str, Any]) -> tuple[str, Any]:
        if message.get("event") == "media":
            pcm = ex.decode_media_payload(message)
            return "media", mulaw_encode(pcm[: len(pcm) // 2 * 2])
        return super().inbound(message)


class PlivoProtocol(LineProtocol):
    """Plivo's Audio Stream: a V3-signed answer webhook, then mu-law media and its own event names."""

    name = "plivo"
    answer_path = "/plivo/answer"

    def new_call_sid(self) -> str:
        return pl.new_call_uuid()

    def new_stream_sid(self) -> str:
        return pl.new_stream_id()

    async def place_call(
        self, options: CallerOptions, call_sid: str, signature: str | None, extra_form: dict[str, str] | None
    ) -> tw.Answer:
        form = pl.answer_form(call_sid, options.account_sid, options.from_number, options.to_number)
        form.update(extra_form or {})
        public = (options.public_base_url or options.server_url).rstrip("/") + self.answer_path
        sig, nonce = pl.sign_v3(public, form, options.auth_token)
        headers = {"X-Plivo-Signature-V3": signature if signature is not None else sig,
                   "X-Plivo-Signature-V3-Nonce": nonce}
        async with httpx.AsyncClient(timeout=10.0) as client:
            response = await client.post(options.server_url.rstrip("/") + self.answer_path, data=form,
                                         headers=headers)
        response.raise_for_status()
        return tw.Answer(stream_url=pl.stream_url_of(response.text), raw=response.text,
                         says=pl.speaks_of(response.text), hangs_up="<Hangup" in response.text)

    def upgrade_headers(self, options: CallerOptions, public_url: str) -> dict[str, str]:
        return {}

    def connected(self) -> str | None:
        return None

    def start(self, stream_sid: str, call_sid: str, options: CallerOptions, params: dict[str, str], seq: int) -> str:
        return pl.start_message(stream_sid, call_sid, options.account_sid, seq)

    def media(self, stream_sid: str, seq: int, chunk: int, timestamp_ms: int, mulaw: bytes) -> str:
        return pl.media_message(stream_sid, seq, chunk, timestamp_ms, mulaw)

    def dtmf(self, stream_sid: str, seq: int, digit: str) -> str:
        return pl.dtmf_message(stream_sid, seq, digit)

    def played(self, stream_sid: str, seq: int, name: str) -> str:
        return pl.played_stream_message(stream_sid, seq, name)

    def after_clear(self, stream_sid: str, seq: int) -> str | None:
        return pl.cleared_audio_message(stream_sid, seq)

    def stop(self, stream_sid: str, seq: int, call_sid: str, options: CallerOptions) -> str:
        return pl.stop_message(stream_sid, seq, call_sid)

    def inbound(self, message: dict[str, Any]) -> tuple[str, Any]:
        event = message.get("event")
        if event == "playAudio":
            return "media", pl.decode_play_audio(message)
        if event == "clearAudio":
            return "clear", None
        if event == "checkpoint":
            return "mark", str(message.get("name", ""))
        return "other", str(event)


TWILIO = LineProtocol()
EXOTEL = ExotelProtocol()
PLIVO = PlivoProtocol()
