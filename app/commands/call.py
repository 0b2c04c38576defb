"""`execora call "Rahul ka balance batao" ["Rahul ne 200 cash diye" ...]`: a simulated phone call.

Places a call on a running server exactly as Twilio would (signed webhook,
Media Streams over the WebSocket in real time), or with `--carrier exotel|plivo`
as Exotel's Voicebot applet or Plivo's Audio Stream would, and prints, per turn, what was
said, the bot's reply and the latency from the end of speech to the bot's
first audio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from app.commands.seed import demo_owner_phone, demo_pin
from app.local_secrets import with_local_secrets
from app.settings import load_settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="execora call", description="Place a simulated Twilio call on a running server.")
    p.add_argument("sentences", nargs="*", help="what the caller says, one turn each")
    p.add_argument("--from", dest="from_number", default="+919800000001", help="caller number (default: demo owner)")
    p.add_argument("--to", dest="to_number", default="+14155550100", help="the shop's Twilio number")
    p.add_argument("--server", default="http://127.0.0.1:3000", help="server base URL")
    p.add_argument("--dtmf", default="", help="DTMF digits to press after the greeting (default from the demo "
                   "phone: the demo owner's PIN and #)")
    p.add_argument("--hangup-mid-sentence", action="store_true", help="hang up half-way through the last sentence")
    p.add_argument("--voice", default="en-us", help="espeak-ng voice of the caller (e.g. en-us, en-us+f3, hi)")
    p.add_argument("--speed", type=int, default=150, help="words per minute")
    p.add_argument("--wav-out", default="", help="write the bot's audio to this WAV file")
    p.add_argument("--both-sides", action="store_true", help="WAV with caller (left) and bot (right)")
    p.add_argument("--api-key", default=os.environ.get("EXECORA_API_KEY", ""), help="shop API key to read turns")
    p.add_argument("--no-recognise", action="store_true", help="do not recognise the bot's replies")
    p.add_argument("--reply-timeout", type=float, default=10.0, help="seconds to wait for each reply")
    p.add_argument("--carrier", choices=("twilio", "exotel", "plivo"), default="twilio",
                   help="speak this carrier's protocol (Exotel/Plivo need their settings on the server)")
    return p


async def _run(args: argparse.Namespace) -> int:
    from telephony.simulated_caller import CallerOptions, SimulatedCaller
    from telephony.simulated_caller.listen import reply_recognizer

    settings = with_local_secrets(load_settings())
    if not args.dtmf and args.from_number == demo_owner_phone():
        pin = demo_pin(settings.data_dir)  # the demo owner's PIN, as `execora up` printed it
        args.dtmf = f"{pin}#" if pin else ""
    from telephony.simulated_caller.lines import EXOTEL, PLIVO, TWILIO

    line = {"twilio": TWILIO, "exotel": EXOTEL, "plivo": PLIVO}[args.carrier]
    plivo = args.carrier == "plivo"
    options = CallerOptions(
        server_url=args.server,
        public_base_url=settings.public_base_url,
        auth_token=(settings.plivo_auth_token if plivo else settings.twilio_auth_token).get_secret_value(),
        account_sid=settings.plivo_auth_id if plivo else settings.twilio_account_sid or "AC" + "0" * 32,
        stream_user=settings.exotel_stream_user,
        stream_password=settings.exotel_stream_password.get_secret_value(),
        from_number=args.from_number,
        to_number=args.to_number,
        voice=args.voice,
        rate_wpm=args.speed,
        api_key=args.api_key,
    )
    caller = SimulatedCaller(options, line=line)
    ears = None
    if not args.no_recognise:
        # Built before dialling: building a model is CPU-bound and would starve the real-time line.
        ears = await asyncio.to_thread(reply_recognizer, list(args.sentences), settings.data_dir / "voice-cache")
    try:
        answer = await caller.place_call()
    except Exception as exc:
        print(f"call failed: the voice webhook answered {exc}", file=sys.stderr)
        return 1
    if not answer.connects:
        said = " ".join(answer.says) or "(nothing)"
        print(f"call refused: {said}")
        return 3
    try:
        await caller.connect()
    except Exception as exc:
        print(f"call failed: could not open the media stream ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    try:
        await caller.wait_for_greeting(timeout_s=args.reply_timeout)
        if args.dtmf:
            await caller.send_dtmf(args.dtmf)
            await caller.wait_for_reply(timeout_s=args.reply_timeout)
        sentences = list(args.sentences)
        last_cut = args.hangup_mid_sentence and sentences
        for i, sentence in enumerate(sentences):
            if caller.closed:
                break
            if last_cut and i == len(sentences) - 1:
                await caller.hang_up_mid_sentence(sentence)
                break
            turn = await caller.say(sentence)
            await caller.wait_for_reply(turn, timeout_s=args.reply_timeout)
        if not caller.closed and not args.hangup_mid_sentence:
            await caller.pause(0.5)
    finally:
        await caller.hangup()
    server_turns = await caller.fetch_server_turns()
    _print_report(caller, ears, server_turns)
    if args.wav_out:
        caller.write_wav(Path(args.wav_out), both_sides=args.both_sides)
        print(f"bot audio written to {args.wav_out}")
    return 0


def _print_report(caller: object, ears: object, server_turns: list[dict[str, object]] | None) -> None:
    from bot.voice.recognizer import Recognizer
    from telephony.simulated_caller import SimulatedCaller
    from telephony.simulated_caller.listen import hear

    assert isinstance(caller, SimulatedCaller)
    recognise = (lambda pcm: hear(ears, pcm)) if isinstance(ears, Recognizer) else None
    for line in caller.report_lines(server_turns, recognise):
        print(line)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.sentences and not args.dtmf:
        _parser().print_usage(sys.stderr)
        print("execora call: give at least one sentence (or --dtmf)", file=sys.stderr)
        return 2
    return asyncio.run(_run(args))
