"""One live call's conversation, transport-agnostic: the pipecat pipeline,
the processors (`IntentRouter`, `TurnRecorder`, `SilenceWatchdog`), per-call
state and the logic that turns heard sentences into business actions.

`bot.call` never imports `db` or `app`: it receives the `Books` facade, a
`CallStore` (for turns and the recording) and a `JobQueue`.
"""
