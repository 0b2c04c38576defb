"""The number-confirmation rules: when a reminder asks, waits or gives up, and what counts as yes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from business import phone_confirmation as rules
from business.phone_confirmation import LastRequest, Step, verdict
from business.reminders import Action, ReminderState, decide

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # 11:30 IST, inside the send window


def test_confirmed_sends_and_first_time_asks() -> None:
    assert verdict(True, None, NOW).step is Step.SEND
    v = verdict(False, None, NOW)
    assert (v.step, v.due_at) == (Step.ASK, NOW + rules.CONFIRM_WAIT)


@pytest.mark.parametrize(
    ("status", "ago", "step"),
    [
        ("sent", timedelta(hours=3), Step.WAIT),
        ("sending", timedelta(hours=23), Step.WAIT),
        ("sent", timedelta(hours=25), Step.GIVE_UP),
        ("unknown", timedelta(days=2), Step.GIVE_UP),
        ("sent", timedelta(days=31), Step.ASK),
        ("failed", timedelta(hours=1), Step.GIVE_UP),
        ("failed", timedelta(days=31), Step.ASK),
        ("not_sent", timedelta(minutes=5), Step.WAIT),
        ("not_sent", timedelta(minutes=20), Step.ASK),
    ],
)
def test_after_a_request(status: str, ago: timedelta, step: Step) -> None:
    assert verdict(False, LastRequest(status, NOW - ago), NOW).step is step


def test_waiting_ends_a_day_after_the_request() -> None:
    asked = NOW - timedelta(hours=5)
    assert verdict(False, LastRequest("sent", asked), NOW).due_at == asked + rules.CONFIRM_WAIT


@pytest.mark.parametrize("text", ["YES", "yes", "Yes!", " haan ji ", "हाँ", "Haan", "ok", "yes please 🙏"])
def test_yes(text: str) -> None:
    assert rules.is_yes(text)


@pytest.mark.parametrize("text", ["no", "STOP", "nahi", "yesterday", "", "kaun?"])
def test_not_yes(text: str) -> None:
    assert not rules.is_yes(text)


def _state(**kw: object) -> ReminderState:
    base: dict[str, object] = dict(status="scheduled", due_at=NOW, amount_paise=None, balance_paise=5000,
                                   opted_in=True, phone="+919812345678")
    base.update(kw)
    return ReminderState(**base)  # type: ignore[arg-type]


def test_decide_asks_waits_and_fails_with_reasons() -> None:
    assert decide(_state(), NOW).action is Action.SEND  # the default: confirmed
    ask = decide(_state(phone_confirmed=False), NOW)
    assert (ask.action, ask.detail) == (Action.ASK_CONFIRMATION, rules.WAITING_REASON)
    wait = decide(_state(phone_confirmed=False, last_confirmation=LastRequest("sent", NOW)), NOW)
    assert (wait.action, wait.due_at) == (Action.POSTPONE, NOW + rules.CONFIRM_WAIT)
    late = LastRequest("sent", NOW - timedelta(days=2))
    fail = decide(_state(phone_confirmed=False, last_confirmation=late), NOW)
    assert (fail.action, fail.reason) == (Action.FAIL, rules.NOT_CONFIRMED_CODE)
    # Paid up or not opted in still wins over asking.
    assert decide(_state(phone_confirmed=False, balance_paise=0), NOW).action is Action.SKIP_PAID
    assert decide(_state(phone_confirmed=False, opted_in=False), NOW).action is Action.FAIL
