"""What the platform tells a shop's owner about the shop itself (pure).

Today one kind: a PIN lock-out began for a calling number, the sign that
someone is guessing the shop's PIN. The owner learns it on WhatsApp (or in the
local outbox) with the last digits of the number and when the lock ends.
Notices are bucketed by the hour so an attacker cycling numbers sends the
owner one message an hour, not one per number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from business.phones import mask_phone
from business.shoptime import IST

PIN_LOCKOUT = "pin_lockout"


@dataclass(frozen=True)
class NewOwnerNotice:
    """A notice to write in the transaction that caused it."""

    shop_id: int
    kind: str
    bucket: str
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class OwnerNotice:
    """A stored notice, as the delivery job reads it."""

    id: int
    shop_id: int
    kind: str
    to_phone: str
    parameters: tuple[str, ...]
    status: str


def pin_lockout_notice(shop_id: int, shop_name: str, caller: str, locked_until: datetime) -> NewOwnerNotice:
    """Template parameters: {{1}} shop name, {{2}} the calling number's last digits, {{3}} lock end (IST)."""
    until = locked_until.astimezone(IST)
    return NewOwnerNotice(
        shop_id=shop_id,
        kind=PIN_LOCKOUT,
        bucket=until.strftime("%Y-%m-%dT%H"),
        parameters=(shop_name, mask_phone(caller)[-6:], until.strftime("%d %b %H:%M")),
    )
