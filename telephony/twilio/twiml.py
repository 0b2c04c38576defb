"""Answer TwiML, built with the twilio package (never with f-strings)."""

from __future__ import annotations

from twilio.twiml.voice_response import Connect, Say, Stream, VoiceResponse


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
