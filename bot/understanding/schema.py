"""The spec's entity schema, as JSON Schema pieces and a validator.

Used twice: to describe one tool per intent to the LLM fallback, and to check
any result (template or LLM) before anything acts on it. A result that does
not validate is treated as `unknown`.
"""

from __future__ import annotations

from typing import Any

from bot.understanding.data import Data, default_data

UNITS = ["kg", "g", "litre", "ml", "packet", "piece", "dozen", "bottle", "bag", "case", "crate"]
MODES = ["cash", "upi", "card", "cheque", "bank"]
_NUM = {"type": "number"}
_STR = {"type": "string"}
_BOOL = {"type": "boolean"}
_WHEN = {
    "type": "object",
    "properties": {
        "phrase": _STR, "day_offset": {"type": "integer"}, "hour": {"type": "integer", "minimum": 0, "maximum": 23},
        "minute": {"type": "integer", "minimum": 0, "maximum": 59},
        "weekday": {"type": "string", "enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]},
        "day_of_month": {"type": "integer", "minimum": 1, "maximum": 31},
        "part_of_day": {"type": "string", "enum": ["morning", "afternoon", "evening", "night"]},
        "relative_minutes": {"type": "integer", "minimum": 0},
        "recurrence": {"type": "object", "properties": {
            "freq": {"type": "string", "enum": ["daily", "weekly", "monthly"]}, "interval": {"type": "integer", "minimum": 1},
            "weekday": _STR, "day_of_month": {"type": "integer", "minimum": 1, "maximum": 31}}, "required": ["freq"]},
        "at": _STR,
    },
    "required": ["phrase"],
}
_PERIOD = {
    "type": "object",
    "properties": {"phrase": _STR, "day_offset": {"type": "integer"},
                   "range": {"type": "string", "enum": ["this_week", "last_week", "this_month", "last_month"]},
                   "month": {"type": "integer", "minimum": 1, "maximum": 12}, "fy": _STR},
    "required": ["phrase"],
}
_ITEM = {
    "type": "object",
    "properties": {"product": _STR, "quantity": {"type": ["number", "null"]}, "unit": {"type": ["string", "null"], "enum": [*UNITS, None]},
                   "amount": _NUM},
    "required": ["product"],
}

ENTITY_SCHEMA: dict[str, dict[str, Any]] = {
    "customer": _STR, "customer_hint": _STR, "customer_ref": {"type": "string", "enum": ["active"]}, "walk_in": _BOOL,
    "items": {"type": "array", "items": _ITEM, "minItems": 1},
    "amount": _NUM, "payment_mode": {"type": "string", "enum": MODES},
    "splits": {"type": "array", "items": {"type": "object", "properties": {"amount": _NUM, "payment_mode": {"type": "string", "enum": MODES}},
                                          "required": ["amount", "payment_mode"]}},
    "settle_full": _BOOL, "when": _WHEN, "period": _PERIOD, "note": _STR,
    "product": _STR, "quantity": _NUM, "unit": {"type": "string", "enum": UNITS},
    "operation": {"type": "string", "enum": ["add", "remove", "set"]},
    "reason": {"type": "string", "enum": ["damaged", "returned", "own_use", "other"]}, "low_stock": _BOOL,
    "percent": _NUM, "target_total": _NUM,
    "target": {"type": "string", "enum": ["draft", "all_drafts", "last_invoice", "invoice"]},
    "invoice_no": {"type": "integer"}, "draft_ref": {"type": "string", "enum": ["first", "second", "third"]},
    "phone_confirmed": _BOOL, "with_gst": _BOOL, "supply_type": {"type": "string", "enum": ["intrastate", "interstate"]},
    "tier": {"type": "string", "enum": ["retail", "wholesale", "dealer"]},
    "price_tier": {"type": "string", "enum": ["retail", "wholesale", "dealer"]},
    "channel": {"type": "string", "enum": ["whatsapp", "sms", "email"]}, "auto_send": _BOOL,
    "email": _STR, "phone": _STR, "gstin": _STR, "address": _STR, "nickname": _STR, "name": _STR,
    "opening_balance": _NUM, "price": _NUM, "language": _STR, "field": _STR,
}

_EXTRACTOR_KEYS: dict[str, list[str]] = {
    "customer": ["customer", "customer_hint", "customer_ref"], "walk_in": ["walk_in"], "items": ["items"],
    "amount": ["amount"], "payment": ["amount", "payment_mode", "splits", "settle_full"], "when": ["when"],
    "note": ["note"], "discount": ["percent", "amount", "product", "target_total"], "with_gst": ["with_gst"],
    "supply_type": ["supply_type"], "tier": ["tier"], "channel": ["channel"],
    "invoice_target": ["target", "invoice_no", "draft_ref"], "invoice_target_send": ["target", "invoice_no"],
    "draft_ref": ["draft_ref"], "email": ["email"], "stock_query": ["product", "low_stock"],
    "stock_update": ["product", "quantity", "unit", "operation", "reason"], "product_new": ["product", "price", "unit"],
    "customer_new": ["customer", "customer_hint", "phone", "opening_balance", "price_tier", "email", "address", "nickname", "gstin"],
    "customer_fields": ["phone", "gstin", "email", "price_tier", "address", "name", "nickname", "phone_confirmed"],
    "field": ["field"],
    "period": ["period"], "language": ["language"], "bill_modifiers": ["with_gst", "price_tier", "payment_mode"],
}


def intent_keys(data: Data | None = None) -> dict[str, list[str]]:
    """Entity names each intent may carry."""
    data = data or default_data()
    out: dict[str, list[str]] = {}
    for name, spec in data.intents.items():
        keys: list[str] = []
        for ex in spec.extractors:
            keys += [k for k in _EXTRACTOR_KEYS[ex] if k not in keys]
        for alias in data.aliases.get(name, {}).values():
            if alias not in keys:
                keys.append(alias)
        out[name] = keys
    return out


def _check(value: Any, schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    kinds = types if isinstance(types, list) else [types]
    ok = False
    for kind in kinds:
        if kind == "null" and value is None:
            ok = True
        elif kind == "string" and isinstance(value, str):
            ok = True
        elif kind == "boolean" and isinstance(value, bool):
            ok = True
        elif kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        elif kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            ok = True
        elif kind == "array" and isinstance(value, list):
            ok = all(_check(v, schema["items"]) for v in value) and len(value) >= schema.get("minItems", 0)
        elif kind == "object" and isinstance(value, dict):
            props = schema.get("properties", {})
            ok = all(k in props and _check(v, props[k]) for k, v in value.items()) and all(r in value for r in schema.get("required", []))
    if not ok:
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return False
        if "maximum" in schema and value > schema["maximum"]:
            return False
    return True


def validate(result: Any, data: Data | None = None) -> bool:
    """True when `result` has the spec's shape: a known intent and well-typed, allowed entities."""
    if not isinstance(result, dict) or not isinstance(result.get("entities"), dict):
        return False
    intent = result.get("intent")
    if intent == "unknown":
        return True
    if intent == "multi":
        cmds = result["entities"].get("commands")
        return isinstance(cmds, list) and len(cmds) >= 1 and all(isinstance(c, dict) and c.get("intent") not in ("multi",) and validate(c, data) for c in cmds)
    allowed = intent_keys(data).get(str(intent))
    if allowed is None:
        return False
    for key, value in result["entities"].items():
        if key not in allowed and key != "field":
            return False
        if not _check(value, ENTITY_SCHEMA[key]):
            return False
    return True


def tool_definitions(data: Data | None = None) -> list[dict[str, Any]]:
    """One OpenAI function tool per intent, with that intent's entity schema."""
    descriptions = {
        "create_invoice": "Bill items to a customer or a walk-in", "confirm_invoice": "Yes, finalise the bill being drafted",
        "show_draft": "Read the bill being drafted back", "cancel_invoice": "Drop a draft or cancel an issued invoice",
        "apply_discount": "Reduce a draft's total", "toggle_gst": "Bill with or without GST",
        "set_supply_type": "Intra-state (CGST+SGST) or inter-state (IGST)", "set_price_tier": "Retail / wholesale / dealer prices",
        "send_invoice": "Send an invoice on WhatsApp/SMS/email", "provide_email": "Dictate an email address",
        "add_udhaar": "Customer took goods/money on credit, no item list", "record_payment": "Customer paid",
        "check_balance": "How much one customer owes", "list_outstanding": "Who owes money",
        "total_outstanding": "Total owed to the shop", "schedule_reminder": "Remind a customer to pay, at a time",
        "modify_reminder": "Change a reminder's time", "cancel_reminder": "Cancel a reminder", "list_reminders": "List reminders",
        "check_stock": "How much of a product is left, or what is running low", "update_stock": "Stock received / removed / set",
        "add_product": "A new product with a price", "add_customer": "A new customer", "update_customer": "Change a customer's details",
        "get_customer_info": "A customer's details", "delete_customer": "Remove a customer", "daily_summary": "Sales and collections for a period",
        "export_gst_report": "GST report", "export_pnl": "Profit and loss report", "switch_language": "Reply in another language",
        "start_recording": "Start recording", "stop_recording": "Stop recording", "greeting": "Greeting", "help": "What can you do",
        "goodbye": "End the call",
    }
    tools = []
    for intent, keys in intent_keys(data).items():
        props = {k: ENTITY_SCHEMA[k] for k in keys}
        tools.append({"type": "function", "function": {
            "name": intent, "description": descriptions.get(intent, intent),
            "parameters": {"type": "object", "properties": props, "additionalProperties": False}}})
    return tools
