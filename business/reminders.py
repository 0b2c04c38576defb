"""The reminder's rules: its statuses, what may move where, and the fire-time send decision.

Pure: no I/O. `db` guards each UPDATE with the `Transition` it applies (the
row moves only from the listed statuses), `workers` asks `decide` what to do
with a locked row, `Books` checks `CANCEL` / `RESCHEDULE` before changing one.
Statuses only move forward: a timeout goes to `unknown`, which is never resent (the status
webhook reconciles it); WhatsApp delivery goes sent < delivered < read, and
`failed` does not override `read`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from business import phone_confirmation as confirmation
from business.shoptime import IST

REMINDER_STATUSES: tuple[str, ...] = (
    "scheduled", "sending", "sent", "delivered", "read", "failed", "cancelled", "skipped_paid", "unknown",
)


@dataclass(frozen=True)
class Transition:
    """A status change and the statuses it may start from."""

    to: str
    from_statuses: tuple[str, ...]

    def allowed(self, current: str) -> bool:
        return current in self.from_statuses


CANCEL = Transition("cancelled", ("scheduled",))  # the shopkeeper cancels a pending reminder
SKIP_PAID = Transition("skipped_paid", ("scheduled",))  # the customer owes nothing now
CLAIM = Transition("sending", ("scheduled",))  # the job holds it; committed before the API call
POSTPONE = Transition("scheduled", ("scheduled",))  # quiet hours: due later, still scheduled
RESCHEDULE = Transition("scheduled", ("scheduled",))  # the shopkeeper moves a pending reminder
FAIL = Transition("failed", ("scheduled", "sending"))  # cannot be sent, or rejected by the API
RETRY = Transition("scheduled", ("sending",))  # nothing reached WhatsApp: the retry may send
LOSE = Transition("unknown", ("sending",))  # timeout or dead worker: maybe sent, never resent
ACCEPT = Transition("sent", ("sending", "unknown"))  # the API (or a status callback) gave a wamid
# Statuses in which a message may have reached WhatsApp (a status callback may name the reminder).
HANDED_OVER: tuple[str, ...] = ("sending", "unknown", "sent", "delivered", "read", "failed")

# Status ranks for WhatsApp delivery: a reminder's status only moves forward.
DELIVERY_RANK = {"sending": 0, "unknown": 0, "sent": 1, "delivered": 2, "read": 3}


def advance_delivery(current: str, incoming: str) -> str | None:
    """The reminder status after a WhatsApp status callback, or None to leave it.

    sent < delivered < read; `failed` beats anything below `read`; `read` and
    `failed` are final. Statuses we do not track (e.g. "deleted") change nothing.
    """
    if current in ("read", "failed") or current not in DELIVERY_RANK:
        return None
    if incoming == "failed":
        return "failed"
    if incoming not in DELIVERY_RANK or DELIVERY_RANK[incoming] <= DELIVERY_RANK[current]:
        return None
    return incoming


# --- the send window (quiet hours) -------------------------------------------------

# A job that fires this much before the row's due_at (row was moved later) waits.
EARLY_TOLERANCE = timedelta(seconds=2)


@dataclass(frozen=True)
class SendWindow:
    """When reminders may go out, in Asia/Kolkata minutes of the day.

    Default 09:00-21:00; outside it a reminder moves to the next `resume`
    (10:00). `end` may be 1440 (24:00); start > end wraps past midnight.
    """

    start: int = 9 * 60
    end: int = 21 * 60
    resume: int = 10 * 60

    @classmethod
    def parse(cls, window: str = "09:00-21:00", resume: str = "10:00") -> SendWindow:
        """From "HH:MM-HH:MM" and "HH:MM" (settings REMINDER_SEND_WINDOW / REMINDER_RESUME_AT)."""
        start_s, sep, end_s = window.partition("-")
        if not sep:
            raise ValueError(f"send window must look like 09:00-21:00, got {window!r}")
        parsed = cls(_minutes(start_s), _minutes(end_s), _minutes(resume))
        if parsed.resume >= 1440:
            raise ValueError("resume time must be before 24:00")
        return parsed

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(IST)
        m = local.hour * 60 + local.minute
        if self.start <= self.end:
            return self.start <= m < self.end
        return m >= self.start or m < self.end

    def next_resume(self, moment: datetime) -> datetime:
        """The next `resume` time (10:00 IST) strictly after `moment`."""
        local = moment.astimezone(IST)
        candidate = local.replace(hour=self.resume // 60, minute=self.resume % 60, second=0, microsecond=0)
        if candidate <= local:
            candidate += timedelta(days=1)
        return candidate


def _minutes(text: str) -> int:
    hh, _, mm = text.strip().partition(":")
    value = int(hh) * 60 + int(mm or 0)
    if not 0 <= value <= 1440 or not 0 <= int(mm or 0) < 60:
        raise ValueError(f"bad time of day {text!r}")
    return value


DEFAULT_WINDOW = SendWindow()


# --- the fire-time decision ----------------------------------------------------------


class Action(enum.StrEnum):
    NOOP = "noop"  # no longer scheduled (sent, cancelled, another job has it)
    WAIT = "wait"  # fired early: re-enqueue at the row's due_at
    POSTPONE = "postpone"  # quiet hours: move due_at to the next 10:00 IST
    SKIP_PAID = "skip_paid"  # customer owes nothing
    FAIL = "fail"  # cannot be sent (no opt-in, no phone, number never confirmed)
    ASK_CONFIRMATION = "ask_confirmation"  # number unconfirmed: ask the customer, wait up to a day
    SEND = "send"


@dataclass(frozen=True)
class ReminderState:
    status: str
    due_at: datetime
    amount_paise: int | None  # None: remind of the whole balance
    balance_paise: int
    opted_in: bool
    phone: str | None
    phone_confirmed: bool = True
    last_confirmation: confirmation.LastRequest | None = None  # the newest request to this phone


@dataclass(frozen=True)
class Decision:
    action: Action
    due_at: datetime | None = None
    amount_paise: int | None = None
    reason: str = ""
    detail: str = ""  # the sentence stored on the row (FAIL title, POSTPONE reason), when not `reason`


def message_amount(amount_paise: int | None, balance_paise: int) -> int:
    """What to ask for: the reminder's amount, never more than is owed now."""
    if amount_paise is None:
        return balance_paise
    return min(amount_paise, balance_paise)


def decide(state: ReminderState, now: datetime, window: SendWindow = DEFAULT_WINDOW) -> Decision:
    """The fire-time checks, in order; the first that applies wins."""
    if not CLAIM.allowed(state.status):
        return Decision(Action.NOOP, reason=f"status is {state.status}")
    if state.due_at - now > EARLY_TOLERANCE:
        return Decision(Action.WAIT, due_at=state.due_at, reason="not due yet")
    if state.balance_paise <= 0:
        return Decision(Action.SKIP_PAID, reason="customer owes nothing")
    if not state.opted_in:
        return Decision(Action.FAIL, reason="not_opted_in")
    if not state.phone:
        return Decision(Action.FAIL, reason="no_phone")
    if not window.contains(now):
        return Decision(Action.POSTPONE, due_at=window.next_resume(now), reason="quiet hours")
    v = confirmation.verdict(state.phone_confirmed, state.last_confirmation, now)
    if v.step is confirmation.Step.ASK:
        return Decision(Action.ASK_CONFIRMATION, due_at=v.due_at, reason="phone not confirmed", detail=v.reason)
    if v.step is confirmation.Step.WAIT:
        return Decision(Action.POSTPONE, due_at=v.due_at, reason="phone not confirmed", detail=v.reason)
    if v.step is confirmation.Step.GIVE_UP:
        return Decision(Action.FAIL, reason=v.code, detail=v.reason)
    return Decision(Action.SEND, amount_paise=message_amount(state.amount_paise, state.balance_paise))
