"""Plivo's side of a live call: the V3-signed answer webhook, answer XML with a
bidirectional `<Stream>`, the Audio Stream WebSocket (start, media, dtmf, stop
in; playAudio, clearAudio out) and hang-up through Plivo's REST API.
Everything else is the shared call core's.
"""
