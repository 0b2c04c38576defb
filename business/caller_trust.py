"""Who may open a shop's books by phone: the caller-ID and PIN rule, in one place (pure).

Caller ID is easy to forge, so by default a registered phone opens the books
only after its PIN; a phone with no PIN is refused. A shop may choose to trust
caller ID alone (`ShopSettings.trust_caller_id`, off by default).
"""

from __future__ import annotations

import enum

from business.shop_settings import ShopSettings


class CallerAccess(enum.Enum):
    OPEN = "open"  # trusted on caller ID
    ASK_PIN = "ask_pin"  # the phone's PIN first
    REFUSE = "refuse"  # no PIN to ask for, and caller ID alone is not trusted


def caller_access(settings: ShopSettings, *, has_pin: bool) -> CallerAccess:
    if settings.trust_caller_id:
        return CallerAccess.OPEN
    return CallerAccess.ASK_PIN if has_pin else CallerAccess.REFUSE
