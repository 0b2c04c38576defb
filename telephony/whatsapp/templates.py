"""The payment-reminder template: parameters in the order the approved template expects.

Body parameters: {{1}} customer name, {{2}} amount in rupees ("₹1,250" /
"₹12.50"), {{3}} shop name. Template name and language come from the shop's
settings, with the defaults below.
"""

from __future__ import annotations

from typing import Any

from business.money import format_rupees
from telephony.whatsapp.sender import TemplateMessage

DEFAULT_TEMPLATE = "payment_reminder"
DEFAULT_LANGUAGE = "hi"


def whatsapp_number(phone: str) -> str:
    """E.164 (+919876543210) or spaced forms to the digits the API wants."""
    return "".join(ch for ch in phone if ch.isdigit())


def template_settings(shop_settings: dict[str, Any] | None) -> tuple[str, str]:
    """(template name, language code) from a shop's settings, with defaults.

    Accepts flat keys (`whatsapp_template`, `whatsapp_template_language`) or a
    nested `{"whatsapp": {"template": ..., "language": ...}}`.
    """
    s = shop_settings or {}
    raw_nested = s.get("whatsapp")
    nested: dict[str, Any] = raw_nested if isinstance(raw_nested, dict) else {}
    name = (
        s.get("whatsapp_template")
        or s.get("whatsapp_template_name")
        or nested.get("template")
        or nested.get("template_name")
        or DEFAULT_TEMPLATE
    )
    language = (
        s.get("whatsapp_template_language")
        or s.get("whatsapp_language")
        or nested.get("language")
        or nested.get("template_language")
        or DEFAULT_LANGUAGE
    )
    return str(name), str(language)


def reminder_message(
    *,
    reminder_id: int,
    phone: str,
    customer_name: str,
    amount_paise: int,
    shop_name: str,
    shop_settings: dict[str, Any] | None,
) -> TemplateMessage:
    """The template message for one reminder, tagged `reminder:<id>` for the webhook."""
    name, language = template_settings(shop_settings)
    return TemplateMessage(
        to=whatsapp_number(phone),
        template_name=name,
        language=language,
        parameters=(customer_name, format_rupees(amount_paise), shop_name),
        callback_data=f"reminder:{reminder_id}",
    )
