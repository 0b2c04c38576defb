"""One registry: intent -> the handler that carries it out on a call.

Every intent in shared/spec/intents.md has an entry (a test checks it).
A handler takes the typed command and the call's `HandlerContext` and
returns a `Result`; it never speaks or changes the conversation itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.call.handlers import customers, documents, invoices, ledger, reminders, reports, session, stock
from bot.call.handlers.context import HandlerContext
from bot.call.results import Result

Handler = Callable[[Any, HandlerContext], Awaitable[Result]]

HANDLERS: dict[str, Handler] = {
    # bills
    "create_invoice": invoices.create_invoice,
    "confirm_invoice": invoices.confirm_invoice,
    "show_draft": invoices.show_draft,
    "cancel_invoice": invoices.cancel_invoice,
    "apply_discount": invoices.bill_modifier,
    "toggle_gst": invoices.bill_modifier,
    "set_supply_type": invoices.bill_modifier,
    "set_price_tier": customers.set_price_tier,
    "send_invoice": documents.send_invoice,
    "provide_email": customers.provide_email,
    # khata
    "add_udhaar": ledger.add_udhaar,
    "record_payment": ledger.record_payment,
    "check_balance": ledger.check_balance,
    "list_outstanding": ledger.list_outstanding,
    "total_outstanding": ledger.total_outstanding,
    # reminders
    "schedule_reminder": reminders.schedule_reminder,
    "modify_reminder": reminders.modify_reminder,
    "cancel_reminder": reminders.cancel_reminder,
    "list_reminders": reminders.list_reminders,
    # stock and products
    "check_stock": stock.check_stock,
    "update_stock": stock.update_stock,
    "add_product": stock.add_product,
    # customers
    "add_customer": customers.add_customer,
    "update_customer": customers.update_customer,
    "get_customer_info": customers.get_customer_info,
    "delete_customer": customers.delete_customer,
    # reports
    "daily_summary": reports.daily_summary,
    "export_gst_report": documents.export_report,
    "export_pnl": documents.export_report,
    # the conversation
    "switch_language": session.switch_language,
    "start_recording": session.start_recording,
    "stop_recording": session.stop_recording,
    "greeting": session.greeting,
    "help": session.help_,
    "goodbye": session.goodbye,
    "unknown": session.unknown,
}
