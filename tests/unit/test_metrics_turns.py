"""How a turn is counted: its outcome, what it booked, and its stage times (bot.metrics)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.metrics import booked_actions, stage_seconds, turn_outcome
from business.turns import CallTurn


def turn(intent: str | None = "record_payment", action: str | None = None, heard: str = "x", **result: Any) -> CallTurn:
    return CallTurn(turn_no=1, heard=heard, source="speech", intent=intent, entities={}, action=action,
                    result=result, reply="ok")


@pytest.mark.parametrize(
    ("t", "outcome"),
    [
        (turn(action="record_payment", payment_id=7), "booked"),
        (turn(action="record_payment", confirmed=True, payment_id=7), "booked"),
        (turn(action="record_payment", awaiting_confirmation=True), "asked_again"),
        (turn(asked="ask_amount"), "asked_again"),
        (turn(error="ambiguous_customer", candidates=[1, 2]), "asked_again"),
        (turn(action="create_invoice", error="insufficient_stock"), "failed"),
        (turn(intent="unknown"), "not_understood"),
        (turn(intent=None, heard="", error="internal_error"), "failed"),
        (turn(intent="balance", action="balance", balance_paise=100), "answered"),
        (turn(intent=None, heard=""), "other"),
        (turn(action="record_payment", confirmed=False), "other"),
    ],
)
def test_outcomes(t: CallTurn, outcome: str) -> None:
    assert turn_outcome(t) == outcome


def test_a_sentence_of_several_commands_books_each() -> None:
    t = turn(intent="multi", action="multi", commands=[
        {"intent": "add_udhaar", "action": "add_udhaar", "entry_id": 1},
        {"intent": "balance", "action": "balance"},
        {"intent": "record_payment", "action": "record_payment", "error": "customer_not_found"},
        {"intent": "create_invoice", "action": "create_invoice", "invoice_id": 3},
    ])
    assert booked_actions(t) == ["add_udhaar", "create_invoice"]
    assert turn_outcome(t) == "booked"


def test_stages_start_where_the_one_before_ended() -> None:
    timings = {"speech_end": 1000.0, "vad_stop": 1200.0, "transcript_final": 1500.0, "understood": 1510.0,
               "action_done": 1560.0, "first_reply_audio": 1800.0}
    got = stage_seconds(timings)
    assert got == pytest.approx({"vad_stop": 0.2, "transcript": 0.3, "understood": 0.01, "action": 0.05,
                                 "first_reply_audio": 0.24, "total": 0.8})
    # A question answered without an action: the reply audio is timed from understanding.
    got = stage_seconds({"transcript_final": 10.0, "understood": 20.0, "first_reply_audio": 120.0})
    assert got == pytest.approx({"understood": 0.01, "first_reply_audio": 0.1})
    assert stage_seconds({}) == {}
