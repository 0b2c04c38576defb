"""Clauses joined by commas: borrowed predicates, one mode for all, restated commands (issue 9)."""

from __future__ import annotations

from bot.understanding import parse


def _intents(text: str) -> list[str]:
    got = parse(text)
    return [c["intent"] for c in got["entities"]["commands"]] if got["intent"] == "multi" else [got["intent"]]


def test_a_clause_that_borrows_the_one_before_it() -> None:
    got = parse("Mishra sir ka balance, Pandey ji ka balance, aur Singh sahab ka bhi")
    assert [c["entities"]["customer"] for c in got["entities"]["commands"]] == ["Mishra", "Pandey", "Singh"]


def test_one_mode_for_every_payment() -> None:
    got = parse("Verma uncle ne 1000 diye, Tiwari ji ne 500, dono cash")
    assert [c["entities"].get("payment_mode") for c in got["entities"]["commands"]] == ["cash", "cash"]


def test_a_clause_that_only_restates_the_command_is_not_a_second_one() -> None:
    assert _intents("2 packet bread kharab ho gaye, stock se hatao") == ["update_stock"]
    assert _intents("gave 200 rupees to Farhan, add it to his khata") == ["add_udhaar"]
    # a real question after a write stays a question
    assert _intents("Rahul ne 200 diye, uska balance batao") == ["record_payment", "check_balance"]
    assert _intents("maida 10 packet aaya, stock kitna hai") == ["update_stock", "check_stock"]


def test_a_reminder_moved_by_its_old_time_keeps_no_amount() -> None:
    got = parse("Pinky wala reminder shaam 6 se hata ke shaam 8 baje kar do")
    assert got["intent"] == "modify_reminder"
    assert got["entities"]["when"]["hour"] == 20 and "amount" not in got["entities"]
    assert parse("rahul ko kal shaam 7 baje 500 ka reminder")["entities"]["amount"] == 500
