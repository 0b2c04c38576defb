"""Twilio's side of a live call: the signed voice webhook, answer TwiML, the
Media Streams WebSocket and its handshake, and the Postgres-backed call store
the conversation writes its turns through.

`telephony` never imports `app`: everything it needs arrives as a plain
`TwilioConfig` (and the shared resources on `app.state`).
"""
