"""Every intent of the spec is carried out by the call: one command type and one handler each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.call.handlers import HANDLERS
from bot.commands import COMMANDS
from bot.understanding.schema import intent_keys

# shared/spec/intents.md, the table of intents (the contract; names must not drift).
SPEC_INTENTS = frozenset({
    "create_invoice", "confirm_invoice", "show_draft", "cancel_invoice", "apply_discount", "toggle_gst",
    "set_supply_type", "set_price_tier", "send_invoice", "provide_email", "add_udhaar", "record_payment",
    "check_balance", "list_outstanding", "total_outstanding", "schedule_reminder", "modify_reminder",
    "cancel_reminder", "list_reminders", "check_stock", "update_stock", "add_product", "add_customer",
    "update_customer", "get_customer_info", "delete_customer", "daily_summary", "export_gst_report", "export_pnl",
    "switch_language", "start_recording", "stop_recording", "greeting", "help", "goodbye", "unknown",
})
SPEC_FILE = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "intents.md"


def test_every_spec_intent_has_a_handler_and_a_command() -> None:
    assert SPEC_INTENTS - HANDLERS.keys() == set(), "intents the call would answer 'not supported'"
    assert SPEC_INTENTS - COMMANDS.keys() == set()
    assert HANDLERS.keys() - SPEC_INTENTS == set(), "handlers for intents the spec does not name"


def test_everything_the_understanding_can_say_is_handled() -> None:
    assert set(intent_keys()) - HANDLERS.keys() == set()


@pytest.mark.skipif(not SPEC_FILE.exists(), reason="the shared spec sits beside the checkout only on dev machines")
def test_the_list_above_is_the_spec_table() -> None:
    table = SPEC_FILE.read_text(encoding="utf-8").split("## Intents", 1)[1].split("## Entities", 1)[0]
    named = set()
    for row in table.splitlines():
        if row.startswith("| ") and not row.startswith(("| intent", "|---")):
            named |= set(re.findall(r"[a-z_]+", row.split("|")[1]))
    assert named == SPEC_INTENTS
