"""A customer's history: every change to a field, old -> new, when and by which channel.

`Books.update_customer` (and the nickname / tier actions) append one `CustomerChange`
per field that really changed; the rows are append-only (corrections are new
changes). Pure: `diff` compares two `Customer` snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from business.errors import ValidationError
from business.models import Customer

# The fields a shopkeeper changes (derived name forms follow `name` and are not listed).
TRACKED: tuple[str, ...] = (
    "name", "phone", "nicknames", "landmark", "name_devanagari", "whatsapp_opt_in", "price_tier",
    "email", "phone_confirmed",
)
CHANNELS: tuple[str, ...] = ("api", "phone", "chat", "dashboard", "system", "whatsapp")

Value = str | bool | list[str] | None


@dataclass(frozen=True)
class CustomerChange:
    """One field's change; values are as stored (text, bool, list of nicknames, or None)."""

    id: int
    customer_id: int
    field: str
    old_value: Value
    new_value: Value
    via: str
    changed_at: datetime


@dataclass(frozen=True)
class FieldChange:
    """A change about to be recorded."""

    field: str
    old_value: Value
    new_value: Value


def channel(via: object) -> str:
    """A checked channel name ("phone", "api", ...). Raises ValidationError."""
    if via not in CHANNELS:
        raise ValidationError(f"via must be one of {CHANNELS}", "via")
    return str(via)


def _value(customer: Customer, field: str) -> Value:
    v = getattr(customer, field)
    return list(v) if isinstance(v, tuple) else v  # type: ignore[no-any-return]


def diff(before: Customer, after: Customer) -> list[FieldChange]:
    """The tracked fields whose value differs, in `TRACKED` order."""
    out = []
    for field in TRACKED:
        old, new = _value(before, field), _value(after, field)
        if old != new:
            out.append(FieldChange(field, old, new))
    return out
