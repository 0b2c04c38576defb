"""Modifiers of a bill are entities of the bill, not commands of their own.

"Mohan ka bill wholesale rate pe banao, 5 kilo maida", "bina GST wala bill
Rakesh ka, do kilo besan", "... bill bana ke WhatsApp kar dena": the clause
analysis reads a price-tier, GST or send clause beside the bill as a second
command. When every other command of a sentence only qualifies its one bill
(GST on or off, a rate tier, send it on a channel), they are folded into the
bill (`with_gst`, `price_tier`, `auto_send` + `channel`), and the bill takes
the customer the modifier clause named ("Mohan ka bill ... banao"). Identical
commands said twice in a row ("ye bill rehne do, cancel kar do") are one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BILL = "create_invoice"


def _modifier(cmd: dict[str, Any]) -> dict[str, Any] | None:
    """The bill entities a command stands for, or None when it is a command in its own right."""
    intent, ents = cmd.get("intent"), cmd.get("entities") or {}
    keys = set(ents) - {"customer", "customer_ref", "coverage"}
    if intent == "toggle_gst" and keys <= {"with_gst"} and "with_gst" in ents:
        return {"with_gst": ents["with_gst"]}
    if intent == "set_price_tier" and keys <= {"tier", "price_tier"} and keys:
        tier = ents.get("price_tier") or ents.get("tier")
        return {"price_tier": tier}
    if intent == "send_invoice" and keys <= {"channel"} and ents.get("target") is None:
        return {"auto_send": True, **({"channel": ents["channel"]} if "channel" in ents else {})}
    return None


def _dedupe(cmds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in cmds:
        if out and out[-1].get("intent") == c.get("intent") and out[-1].get("entities") == c.get("entities"):
            continue
        out.append(c)
    return out


def fold_modifiers(result: dict[str, Any], whole_bill: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    """The parse with bill modifiers folded into the bill; `whole_bill` reads the whole sentence
    as one bill (for the customer or items a modifier clause held)."""
    if result.get("intent") != "multi":
        return result
    cmds = _dedupe(list(result["entities"].get("commands", [])))
    bills = [c for c in cmds if c.get("intent") == BILL]
    mods = [(c, m) for c in cmds if c.get("intent") != BILL and (m := _modifier(c)) is not None]
    if len(bills) == 1 and mods and len(mods) + 1 == len(cmds):
        bill = dict(bills[0])
        ents = dict(bill.get("entities") or {})
        for cmd, extra in mods:
            ents.update(extra)
            named = (cmd.get("entities") or {}).get("customer")
            if named and "customer" not in ents and "customer_ref" not in ents:
                ents["customer"] = named
        if "customer" not in ents and "customer_ref" not in ents and not ents.get("walk_in"):
            whole = whole_bill() or {}
            if whole.get("customer"):
                ents["customer"] = whole["customer"]
        bill["entities"] = ents
        return bill
    if len(cmds) == 1:
        return cmds[0]
    return {**result, "entities": {**result["entities"], "commands": cmds}}
