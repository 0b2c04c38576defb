"""Answer TwiML, built with the twilio package (never with f-strings)."""

from __future__ import annotations

from twilio.twiml.voice_response import Connect, Gather, Say, Stream, VoiceResponse


def connect_stream(stream_url: str, parameters: dict[str, str]) -> str:
    """`<Connect><Stream>`: a bidirectional media stream (not `<Start>`, which is listen-only)."""
    response = VoiceResponse()
    connect = Connect()
    stream = Stream(url=stream_url)
    for name, value in parameters.items():
        stream.parameter(name=name, value=value)
    connect.append(stream)
    response.append(connect)
    return str(response)


def refuse(message: str, language: str = "en-IN") -> str:
    """A short spoken sorry, then the call ends."""
    response = VoiceResponse()
    response.append(Say(message, language=language))
    response.hangup()
    return str(response)


def gather_digits(
    prompt: str, action_url: str, *, timeout_s: int = 8, fallback: str = "", language: str = "en-IN"
) -> str:
    """`<Gather input="dtmf" finishOnKey="#">` posting the keyed digits to `action_url`.

    If the caller keys nothing, Twilio goes on past the Gather: `fallback` is
    said and the call ends, so a silent line is never left open.
    """
    response = VoiceResponse()
    gather = Gather(input="dtmf", finish_on_key="#", action=action_url, method="POST", timeout=timeout_s)
    gather.append(Say(prompt, language=language))
    response.append(gather)
    if fallback:
        response.append(Say(fallback, language=language))
    response.hangup()
    return str(response)
