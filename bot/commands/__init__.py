"""Typed commands: what the understanding heard, as one frozen value per intent.

`command_from_parse` turns the parser's `{"intent", "entities"}` into its
command once, at the boundary; handlers read typed fields (paise, Decimal
quantities, aware times), never entity dicts. `COMMANDS` is the one list of
intents the bot knows; shared/spec/intents.md is its contract.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.commands.base import Command, CustomerCommand
from bot.commands.customers import AddCustomer, DeleteCustomer, GetCustomerInfo, UpdateCustomer
from bot.commands.invoices import (
    ApplyDiscount,
    CancelInvoice,
    ConfirmInvoice,
    CreateInvoice,
    ProvideEmail,
    SendInvoice,
    SetPriceTier,
    SetSupplyType,
    ShowDraft,
    ToggleGst,
)
from bot.commands.ledger import AddUdhaar, CheckBalance, ListOutstanding, RecordPayment, TotalOutstanding
from bot.commands.refs import CustomerRef, Item, Split
from bot.commands.reminders import CancelReminder, ListReminders, ModifyReminder, ScheduleReminder
from bot.commands.reports import DailySummary, ExportGstReport, ExportPnl
from bot.commands.session import (
    Goodbye,
    Greeting,
    Help,
    StartRecording,
    StopRecording,
    SwitchLanguage,
    Unknown,
)
from bot.commands.stock import AddProduct, CheckStock, UpdateStock

_ALL: tuple[type[Command], ...] = (
    CreateInvoice, ConfirmInvoice, ShowDraft, CancelInvoice, ApplyDiscount, ToggleGst, SetSupplyType, SetPriceTier,
    SendInvoice, ProvideEmail, AddUdhaar, RecordPayment, CheckBalance, ListOutstanding, TotalOutstanding,
    ScheduleReminder, ModifyReminder, CancelReminder, ListReminders, CheckStock, UpdateStock, AddProduct,
    AddCustomer, UpdateCustomer, GetCustomerInfo, DeleteCustomer, DailySummary, ExportGstReport, ExportPnl,
    SwitchLanguage, StartRecording, StopRecording, Greeting, Help, Goodbye, Unknown,
)
COMMANDS: dict[str, type[Command]] = {c.intent: c for c in _ALL}


def command_from_parse(parsed: dict[str, Any], now: datetime) -> Command:
    """The typed command for one parsed command; an intent we do not know is `Unknown`."""
    intent = str(parsed.get("intent") or "unknown")
    entities = parsed.get("entities")
    cls = COMMANDS.get(intent, Unknown)
    return cls.from_entities(entities if isinstance(entities, dict) else {}, now)


__all__ = [
    "COMMANDS", "Command", "CustomerCommand", "CustomerRef", "Item", "Split", "command_from_parse",
    *(c.__name__ for c in _ALL),
]
