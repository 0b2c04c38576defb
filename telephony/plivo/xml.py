"""Answer XML built with the plivo SDK's plivoxml (never with f-strings)."""

from __future__ import annotations

from plivo import plivoxml

CONTENT_TYPE = "audio/x-mulaw;rate=8000"


def connect_stream(stream_url: str) -> str:
    """A bidirectional `<Stream>` that keeps the call up while the socket is open."""
    response = plivoxml.ResponseElement()
    response.add(plivoxml.StreamElement(stream_url, bidirectional=True, keepCallAlive=True, contentType=CONTENT_TYPE))
    return str(response.to_string(False))


def refuse(message: str) -> str:
    """A short spoken sorry, then the call ends."""
    response = plivoxml.ResponseElement()
    response.add(plivoxml.SpeakElement(message, language="en-GB"))
    response.add(plivoxml.HangupElement())
    return str(response.to_string(False))
