"""The payment-reminder template: parameters in the order the approved template expects.

Body parameters: {{1}} customer name, {{2}} amount in rupees ("₹1,250" /
"₹12.50"), {{3}} shop name, and when the shop set `upi_vpa`, {{4}} a upi://pay link for
the amount (the shop's approved template then has four parameters). Template name and language are the shop's
`ShopSettings.whatsapp_template` / `whatsapp_template_language` (defaults and
older stored spellings are handled by `business.shop_settings`).
"""

from __future__ import annotations

from business.money import format_rupees
from business.shop_settings import ShopSettings
from business.upi import reminder_reference, upi_link
from telephony.whatsapp.sender import TemplateMessage

__all__ = ["format_rupees", "reminder_message", "whatsapp_number"]


def whatsapp_number(phone: str) -> str:
    """E.164 (+919876543210) or spaced forms to the digits the API wants."""
    return "".join(ch for ch in phone if ch.isdigit())


# WhatsApp refuses template parameters with new lines, tabs or 4+ spaces in a row; names are short.
MAX_PARAMETER_CHARS = 60


def template_text(value: str, limit: int = MAX_PARAMETER_CHARS) -> str:
    """A name as a template parameter: one line, single spaces, at most `limit` characters."""
    flat = " ".join(str(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def reminder_message(
    *,
    reminder_id: int,
    phone: str,
    customer_name: str,
    amount_paise: int,
    shop_name: str,
    shop_settings: ShopSettings,
) -> TemplateMessage:
    """The template message for one reminder, tagged `reminder:<id>` for the webhook."""
    parameters: tuple[str, ...] = (template_text(customer_name), format_rupees(amount_paise), template_text(shop_name))
    if shop_settings.upi_vpa:
        link = upi_link(shop_settings.upi_vpa, shop_name, amount_paise, reminder_reference(reminder_id))
        parameters += (link,)  # not shortened: a cut link pays nobody (it is well under WhatsApp's limit)
    return TemplateMessage(
        to=whatsapp_number(phone),
        template_name=shop_settings.whatsapp_template,
        language=shop_settings.whatsapp_template_language,
        parameters=parameters,
        callback_data=f"reminder:{reminder_id}",
    )
