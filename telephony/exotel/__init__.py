"""Exotel's side of a live call: the Voicebot applet's bidirectional stream.

WS /exotel/stream, Basic auth from the applet URL (`wss://USER:PASSWORD@HOST/exotel/stream`),
Exotel's messages (connected, start, media as 16-bit 8 kHz PCM, dtmf, mark,
stop; we send media, clear) and its chunk rules. Exotel has no per-call
webhook: the call is admitted on `start`, once per call_sid. Everything else
is the shared call core's.
"""
