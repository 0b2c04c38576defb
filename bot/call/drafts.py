"""Changing the bill being read back: discount, GST, rate, supply type, more items, or dropping it.

The pending read-back *is* the draft. A modifier said while it waits is
folded into the draft's own command (as the understanding gave it) and the
bill is quoted and read back again; nothing is booked until a yes.
"""

from __future__ import annotations

from typing import Any

from bot.call.state import Parsed

# Intents that change (or read, or drop) the draft while it is read back.
DRAFT_MODIFIERS = frozenset({
    "apply_discount", "toggle_gst", "set_supply_type", "set_price_tier", "show_draft", "cancel_invoice",
    "create_invoice",
})
_FLAGS = ("with_gst", "supply_type", "payment_mode", "price_tier")


def modifies_draft(draft: Parsed, parsed: Parsed) -> bool:
    """Whether `parsed`, said while `draft` is read back, is about that draft (not a new command)."""
    intent = parsed.get("intent")
    e = _entities(parsed)
    if intent not in DRAFT_MODIFIERS:
        return False
    if intent == "cancel_invoice":  # "ye bill hata do"; "bill number 105 cancel karo" is another bill
        return e.get("invoice_no") is None and e.get("target") in (None, "draft", "all_drafts")
    if intent == "create_invoice":  # "aur ek bread bhi": items for the same customer
        mine = _entities(draft).get("customer")
        theirs = e.get("customer")
        return bool(e.get("items")) and (theirs is None or str(theirs).casefold() == str(mine or "").casefold()
                                         or e.get("customer_ref") == "active")
    if intent == "set_price_tier":
        return e.get("customer") is None
    return True


def modify_draft(draft: Parsed, parsed: Parsed) -> Parsed | None:
    """The draft's command with the change folded in; None when the draft is dropped."""
    intent = parsed.get("intent")
    e = _entities(parsed)
    out = dict(_entities(draft))
    if intent == "cancel_invoice":
        return None
    if intent == "show_draft":
        return draft
    if intent == "apply_discount":
        out["discount"] = {k: e[k] for k in ("percent", "amount", "target_total", "product") if e.get(k) is not None}
        return {"intent": draft.get("intent"), "entities": out}
    if intent == "create_invoice":
        out["items"] = _merged_items(out.get("items"), e.get("items"))
    out.update({flag: e[flag] for flag in _FLAGS if e.get(flag) is not None})
    if intent == "set_price_tier" and e.get("tier") is not None and e.get("price_tier") is None:
        out["price_tier"] = e["tier"]
    return {"intent": draft.get("intent"), "entities": out}


def _merged_items(old: Any, new: Any) -> list[dict[str, Any]]:
    """The draft's items with the new ones added; a product said again takes its new quantity."""
    items = [dict(x) for x in old or [] if isinstance(x, dict)]
    for item in new or []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("product") or "").casefold()
        same = next((i for i, x in enumerate(items) if str(x.get("product") or "").casefold() == name), None)
        if same is None:
            items.append(dict(item))
        else:
            items[same] = dict(item)
    return items


def _entities(parsed: Parsed) -> dict[str, Any]:
    e = parsed.get("entities")
    return e if isinstance(e, dict) else {}
