"""Every Prometheus metric Execora exports, defined once, with small helpers to record them.

Lives in `bot` because bot, telephony, workers and app may all import it
(import-linter's layers), while business and db stay free of it. Metrics are
module-level prometheus-client objects: in multiprocess mode (the entry point
sets PROMETHEUS_MULTIPROC_DIR before anything imports prometheus_client, see
`app.metrics_dir`) each process writes its own files and GET /metrics sums
them; without it they live in this process's default registry.

Label values are small fixed sets (carrier, outcome, stage, service, action):
never a call id, phone number or shop.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from business.turns import CallTurn

NAMESPACE = "execora"

# Seconds: a turn stage is tens of milliseconds to a few seconds.
STAGE_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 86400.0)

ACTIVE_CALLS = Gauge(
    "active_calls", "Live calls by carrier (summed over live processes).", ["carrier"],
    namespace=NAMESPACE, multiprocess_mode="livesum",
)
TURNS = Counter(
    "turns", "Conversation turns by outcome and channel (call or chat).", ["outcome", "channel"],
    namespace=NAMESPACE,
)
TURN_STAGE_SECONDS = Histogram(
    "turn_stage_seconds", "Time spent in one stage of a turn (from the previous stage's end).", ["stage"],
    namespace=NAMESPACE, buckets=STAGE_BUCKETS,
)
SPEECH_ERRORS = Counter(
    "speech_errors", "Errors reported by a speech service (stt or tts), by category.", ["service", "category"],
    namespace=NAMESPACE,
)
SPEECH_FAILOVERS = Counter(
    "speech_failovers", "Switches from a failed speech service to its fallback.", ["service"],
    namespace=NAMESPACE,
)
LLM_ERRORS = Counter(
    "llm_errors", "LLM fallback calls that failed (timeout, HTTP or protocol error).", ["reason"],
    namespace=NAMESPACE,
)
BOOKINGS = Counter(
    "bookings", "Business actions that changed the books, by action, from calls and chats.", ["action"],
    namespace=NAMESPACE,
)
REMINDER_SENDS = Counter(
    "reminder_sends", "Reminder jobs run by the worker, by what happened.", ["outcome"],
    namespace=NAMESPACE,
)
RECORDING_UPLOAD_LAG_SECONDS = Histogram(
    "recording_upload_lag_seconds", "From a call's end to its recording stored (uploaded or kept locally).",
    namespace=NAMESPACE, buckets=LAG_BUCKETS,
)

# --- turns -------------------------------------------------------------------------

TURN_OUTCOMES = ("booked", "answered", "asked_again", "not_understood", "failed", "other")

# Actions that read the books or change only the call; every other action books something.
READ_ACTIONS = frozenset({
    "balance", "check_stock", "customer_info", "daily_summary", "list_outstanding", "list_reminders",
    "total_outstanding", "switch_language", "start_recording", "stop_recording",
})

# Stage name -> (from timing, to timing); each stage starts where the one before it ended.
# `first_reply_audio` starts at the action's end, or at understanding when nothing was done.
STAGES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("vad_stop", ("speech_end",), "vad_stop"),
    ("transcript", ("vad_stop", "speech_end"), "transcript_final"),
    ("understood", ("transcript_final",), "understood"),
    ("action", ("understood",), "action_done"),
    ("first_reply_audio", ("action_done", "understood"), "first_reply_audio"),
    ("total", ("speech_end",), "first_reply_audio"),
)


def _commands(result: dict[str, Any]) -> list[dict[str, Any]]:
    commands = result.get("commands")
    if isinstance(commands, list):
        return [c for c in commands if isinstance(c, dict)]
    return [result]


def booked_actions(turn: CallTurn) -> list[str]:
    """The actions this turn booked (a multi-command sentence may book several)."""
    booked = []
    for i, c in enumerate(_commands(turn.result)):
        action = c.get("action") or (turn.action if i == 0 and "commands" not in turn.result else None)
        if not action or action in READ_ACTIONS or action == "multi":
            continue
        if c.get("error") or c.get("awaiting_confirmation") or c.get("asked") or c.get("confirmed") is False:
            continue
        booked.append(str(action))
    return booked


def turn_outcome(turn: CallTurn) -> str:
    """One of TURN_OUTCOMES: what the caller got from this turn."""
    commands = _commands(turn.result)
    if booked_actions(turn):
        return "booked"
    if turn.intent == "unknown":
        return "not_understood"  # its result carries the `unknown` handler's error code: not a failure
    if any(c.get("error") and not c.get("candidates") for c in commands):
        return "failed"
    if any(c.get("awaiting_confirmation") or c.get("asked") or c.get("candidates") for c in commands):
        return "asked_again"
    if turn.intent is None and turn.heard.strip():
        return "not_understood"
    if turn.action in READ_ACTIONS:
        return "answered"
    return "other"  # the greeting, PIN and silence prompts, a read-back the caller said no to


def stage_seconds(timings: dict[str, float]) -> dict[str, float]:
    """Each stage's duration in seconds, for the stages whose both ends were timed."""
    out: dict[str, float] = {}
    for stage, starts, end in STAGES:
        if end not in timings:
            continue
        start = next((timings[s] for s in starts if s in timings), None)
        if start is not None and timings[end] >= start:
            out[stage] = (timings[end] - start) / 1000.0
    return out


def observe_turn(turn: CallTurn, channel: str) -> None:
    """Count a finished turn of a `call` or a `chat`, its bookings and its stage times (once per turn)."""
    TURNS.labels(outcome=turn_outcome(turn), channel=channel).inc()
    for action in booked_actions(turn):
        BOOKINGS.labels(action=action).inc()
    for stage, seconds in stage_seconds(turn.timings).items():
        TURN_STAGE_SECONDS.labels(stage=stage).observe(seconds)


# --- calls, speech, LLM, workers ---------------------------------------------------


@contextlib.contextmanager
def active_call(carrier: str) -> Iterator[None]:
    """Count a live call of `carrier` for as long as the block runs."""
    gauge = ACTIVE_CALLS.labels(carrier=carrier)
    gauge.inc()
    try:
        yield
    finally:
        gauge.dec()


def speech_service_kind(service: object) -> str:
    """stt or tts for a pipecat service (by its class), else other."""
    names = {cls.__name__ for cls in type(service).__mro__}
    if "STTService" in names:
        return "stt"
    if "TTSService" in names:
        return "tts"
    return "other"


def speech_error(service: object, category: object) -> None:
    value = getattr(category, "value", None) or "unknown"
    SPEECH_ERRORS.labels(service=speech_service_kind(service), category=str(value)).inc()


def speech_failover(service: object) -> None:
    SPEECH_FAILOVERS.labels(service=speech_service_kind(service)).inc()


def llm_error(exc: BaseException) -> None:
    reason = "timeout" if isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__ else "error"
    LLM_ERRORS.labels(reason=reason).inc()


def reminder_send(result: str) -> None:
    """`run_reminder`'s result ("sent", "noop:sent", "postpone", ...) with the noop's status dropped."""
    REMINDER_SENDS.labels(outcome=result.split(":", 1)[0]).inc()


def recording_stored(lag_s: float) -> None:
    RECORDING_UPLOAD_LAG_SECONDS.observe(max(0.0, lag_s))


# --- read at scrape time -----------------------------------------------------------


class QueueDepthCollector(Collector):
    """RQ queue depths read when /metrics is scraped (values handed in by the app)."""

    def __init__(self, depths: dict[str, int]) -> None:
        self._depths = depths

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            f"{NAMESPACE}_queue_depth", "Jobs waiting in an RQ queue (ready, scheduled, failed).",
            labels=["queue", "state"],
        )
        for key, depth in sorted(self._depths.items()):
            queue, _, state = key.partition("/")
            family.add_metric([queue, state or "ready"], float(depth))
        yield family
