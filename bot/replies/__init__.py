"""Spoken replies for every action result, business error and conversation turn.

`render(code, language="hinglish", **params) -> str`, languages "hinglish"
(default), "hi" (Devanagari, for Hindi TTS) and "en". The codes, their params
(a trailing "?" marks an optional one) and an example of each are published
in `bot/replies/data/replies.json`; `reply_codes()` lists them. Money params
end in `_paise` (integer paise) and are spoken as rupees ("paanch sau
rupaye"); quantities are spoken the shop way ("dedh kilo"); `due_at` is an
aware datetime or ISO string (pass `now` to say "kal"/"aaj").

Groups of codes:
- action results: invoice_drafted (read-back + "Pakka karoon?"), confirm_prompt,
  draft_read, draft_empty, invoice_confirmed, invoice_cancelled, draft_cancelled,
  drafts_cancelled, discount_applied, gst_on, gst_off, supply_type_set,
  price_tier_set, invoice_sent, email_saved, udhaar_added, payment_recorded,
  payment_settled, balance, balance_clear, balance_advance, outstanding_list,
  outstanding_none, total_outstanding, reminder_scheduled, reminder_modified,
  reminder_cancelled, reminders_list, reminders_none, stock_level,
  low_stock_list, low_stock_none, stock_updated, product_added, customer_added,
  customer_updated, customer_info, customer_deleted, daily_summary,
  gst_report_sent, pnl_report, language_switched, recording_started,
  recording_stopped, done, not_done
- business error codes (business.errors), rendered straight from the error:
  `render(exc.code, lang, **exc.details())`: customer_not_found,
  ambiguous_customer (query + candidates: their hint/landmark is read out),
  product_not_found, ambiguous_product, insufficient_stock (shortfalls),
  invalid_amount, invalid_quantity, invalid_unit, invoice_not_found,
  invoice_already_cancelled, reminder_not_found, reminder_not_cancellable,
  duplicate_customer, duplicate_product, idempotency_key_reused, shop_not_found,
  validation_error, not_found, ambiguous, conflict, auth_error, invalid_pin,
  execora_error, internal_error
- conversation: greeting ("Namaste Sharma ji, boliye"), help, goodbye,
  silence_prompt, unknown_caller, cloud_fallback, not_understood (say it
  another way; used when no LLM key is set), repeat_please, ask_customer,
  ask_amount, ask_product, ask_quantity, ask_when, ask_email, ask_phone
"""

from __future__ import annotations

from typing import Any

from bot.replies import spoken
from bot.replies.templates import (
    MissingReplyParam,
    ReplyDataError,
    UnknownReplyCode,
    default_book,
    render_with,
)


def render(code: str, language: str = "hinglish", **params: Any) -> str:
    """The sentence to speak for `code` in `language`, filled from `params`."""
    return render_with(default_book(), code, language, **params)


def reply_codes() -> dict[str, list[str]]:
    """Every reply code and its params (optional ones end in "?")."""
    book = default_book()
    return {
        code: sorted(t.required) + sorted(f"{p}?" for p in t.optional) for code, t in sorted(book.templates.items())
    }


__all__ = ["MissingReplyParam", "ReplyDataError", "UnknownReplyCode", "render", "reply_codes", "spoken"]
