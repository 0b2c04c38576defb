"""The reminder rules (business.reminders): statuses, transitions, delivery order, the send decision."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from business import reminders as rules
from business.reminders import (
    EARLY_TOLERANCE,
    REMINDER_STATUSES,
    Action,
    ReminderState,
    SendWindow,
    Transition,
    advance_delivery,
    decide,
    message_amount,
)
from business.shoptime import IST

NOON = datetime(2026, 1, 10, 12, 0, tzinfo=IST)
TRANSITIONS = [v for v in vars(rules).values() if isinstance(v, Transition)]


def state(**overrides: object) -> ReminderState:
    values: dict[str, object] = dict(
        status="scheduled", due_at=NOON, amount_paise=None, balance_paise=30_000, opted_in=True, phone="+919800000001"
    )
    values.update(overrides)
    return ReminderState(**values)  # type: ignore[arg-type]


def test_every_transition_names_known_statuses():
    assert len(TRANSITIONS) >= 9
    for t in TRANSITIONS:
        assert t.to in REMINDER_STATUSES
        assert t.from_statuses and set(t.from_statuses) <= set(REMINDER_STATUSES)
    assert set(rules.HANDED_OVER) <= set(REMINDER_STATUSES)


@pytest.mark.parametrize(
    ("transition", "allowed"),
    [
        (rules.CANCEL, {"scheduled"}),
        (rules.RESCHEDULE, {"scheduled"}),
        (rules.SKIP_PAID, {"scheduled"}),
        (rules.CLAIM, {"scheduled"}),
        (rules.POSTPONE, {"scheduled"}),
        (rules.FAIL, {"scheduled", "sending"}),
        (rules.RETRY, {"sending"}),
        (rules.LOSE, {"sending"}),
        (rules.ACCEPT, {"sending", "unknown"}),
    ],
)
def test_transitions_start_only_from_their_statuses(transition: Transition, allowed: set[str]):
    for status in REMINDER_STATUSES:
        assert transition.allowed(status) is (status in allowed), (transition, status)


def test_nothing_handed_to_whatsapp_goes_back_to_be_resent():
    # unknown / sent / delivered / read never return to scheduled or sending
    for t in TRANSITIONS:
        if t.to in ("scheduled", "sending"):
            assert not set(t.from_statuses) & {"unknown", "sent", "delivered", "read", "failed"}, t


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        ("sending", "sent", "sent"),
        ("unknown", "delivered", "delivered"),
        ("sent", "delivered", "delivered"),
        ("delivered", "read", "read"),
        ("sent", "read", "read"),
        ("delivered", "sent", None),  # late callback: never backwards
        ("read", "delivered", None),
        ("sent", "sent", None),
        ("sent", "failed", "failed"),
        ("delivered", "failed", "failed"),
        ("read", "failed", None),  # read is final
        ("failed", "read", None),  # failed is final
        ("sent", "deleted", None),  # untracked statuses change nothing
        ("cancelled", "sent", None),
        ("scheduled", "delivered", None),
    ],
)
def test_delivery_only_moves_forward(current: str, incoming: str, expected: str | None):
    assert advance_delivery(current, incoming) == expected


def test_message_amount_is_never_more_than_owed():
    assert message_amount(None, 30_000) == 30_000
    assert message_amount(10_000, 30_000) == 10_000
    assert message_amount(50_000, 30_000) == 30_000


def test_decide_sends_the_amount_owed():
    d = decide(state(), NOON)
    assert d.action is Action.SEND and d.amount_paise == 30_000
    assert decide(state(amount_paise=50_000), NOON).amount_paise == 30_000
    assert decide(state(amount_paise=10_000), NOON).amount_paise == 10_000


@pytest.mark.parametrize("status", [s for s in REMINDER_STATUSES if s != "scheduled"])
def test_decide_does_nothing_unless_scheduled(status: str):
    # even a paid-up, not opted-in, early reminder: the status check comes first
    d = decide(state(status=status, balance_paise=0, opted_in=False, due_at=NOON + timedelta(hours=1)), NOON)
    assert d.action is Action.NOOP


def test_decide_waits_when_fired_early_within_tolerance_it_sends():
    later = NOON + timedelta(hours=1)
    d = decide(state(due_at=later, balance_paise=0), NOON)
    assert d.action is Action.WAIT and d.due_at == later
    assert decide(state(due_at=NOON + EARLY_TOLERANCE), NOON).action is Action.SEND
    assert decide(state(due_at=NOON + EARLY_TOLERANCE + timedelta(seconds=1)), NOON).action is Action.WAIT


def test_decide_checks_in_order_paid_then_opt_in_then_phone():
    assert decide(state(balance_paise=0, opted_in=False, phone=None), NOON).action is Action.SKIP_PAID
    assert decide(state(balance_paise=-500), NOON).action is Action.SKIP_PAID
    d = decide(state(opted_in=False, phone=None), NOON)
    assert (d.action, d.reason) == (Action.FAIL, "not_opted_in")
    d = decide(state(phone=None), NOON)
    assert (d.action, d.reason) == (Action.FAIL, "no_phone")
    assert decide(state(phone=""), NOON).reason == "no_phone"


def test_decide_postpones_in_quiet_hours_to_the_next_resume_time():
    night = datetime(2026, 1, 10, 22, 30, tzinfo=IST)
    d = decide(state(due_at=night), night)
    assert d.action is Action.POSTPONE and d.due_at == datetime(2026, 1, 11, 10, 0, tzinfo=IST)
    early = datetime(2026, 1, 10, 7, 0, tzinfo=IST)
    d = decide(state(due_at=early), early)
    assert d.action is Action.POSTPONE and d.due_at == datetime(2026, 1, 10, 10, 0, tzinfo=IST)
    # paid-up or not opted in wins over quiet hours
    assert decide(state(due_at=night, balance_paise=0), night).action is Action.SKIP_PAID
    assert decide(state(due_at=night, opted_in=False), night).action is Action.FAIL


def test_send_window_bounds_and_parse():
    w = SendWindow()
    assert w.contains(datetime(2026, 1, 10, 9, 0, tzinfo=IST))
    assert not w.contains(datetime(2026, 1, 10, 21, 0, tzinfo=IST))
    assert not w.contains(datetime(2026, 1, 10, 8, 59, tzinfo=IST))
    wrap = SendWindow.parse("22:00-06:00", "23:00")
    assert wrap.contains(datetime(2026, 1, 10, 23, 0, tzinfo=IST))
    assert wrap.contains(datetime(2026, 1, 10, 5, 59, tzinfo=IST))
    assert not wrap.contains(datetime(2026, 1, 10, 12, 0, tzinfo=IST))
    assert SendWindow.parse("00:00-24:00").contains(datetime(2026, 1, 10, 23, 59, tzinfo=IST))
    assert decide(state(), NOON, SendWindow.parse("13:00-14:00", "13:00")).action is Action.POSTPONE
    for bad in (("0900-2100", "10:00"), ("09:00-25:00", "10:00"), ("09:70-21:00", "10:00"), ("09:00-21:00", "24:00")):
        with pytest.raises(ValueError):
            SendWindow.parse(*bad)
