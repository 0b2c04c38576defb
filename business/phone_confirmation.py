"""Is a customer's WhatsApp number really theirs? The rules for confirming it.

Pure: no I/O. A shop's API key (or a mistyped number) could otherwise point the
platform's one WhatsApp sender at anyone, so reminders and khata entry notes go
only to a confirmed number. A number is confirmed when the customer answers our
first message ("Reply YES to get payment reminders from <shop>") or when the
shop owner says so (by phone, chat or an explicit API field). Changing the
phone resets it.

A reminder due for an unconfirmed number asks at once and waits: the
confirmation message goes out, the reminder is postponed up to `CONFIRM_WAIT`
(a YES moves it back to now), and if nobody answered by then it fails with a
reason the shopkeeper can read. A number that got no answer is asked again only
after `ASK_AGAIN_AFTER`, so a stranger's number is not messaged every day.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

CONFIRM_WAIT = timedelta(days=1)
ASK_AGAIN_AFTER = timedelta(days=30)
# A "not_sent" request (nothing reached WhatsApp) is retried this soon.
RETRY_NOT_SENT_AFTER = timedelta(minutes=15)
# A YES answers a request made at most this long ago.
REPLY_VALID_FOR = timedelta(days=7)

VIA: tuple[str, ...] = ("customer", "owner", "existing")

# Why a reminder waits or fails, as stored on the reminder row (last_error / error_code).
WAITING_REASON = "waiting for the customer to confirm their WhatsApp number (asked on WhatsApp, up to a day)"
NOT_CONFIRMED_CODE = "phone_not_confirmed"
NOT_CONFIRMED_TITLE = "customer did not confirm their WhatsApp number within a day; the owner can confirm it"
UNDELIVERABLE_TITLE = "the confirmation message could not be delivered to this number"
NOTE_SKIP_REASON = "phone not confirmed"


@dataclass(frozen=True)
class LastRequest:
    """The newest confirmation message sent to the customer's current number."""

    status: str  # sending / sent / failed / unknown / not_sent / confirmed
    requested_at: datetime


class Step(enum.StrEnum):
    SEND = "send"  # confirmed: go ahead
    ASK = "ask"  # send the confirmation message now, postpone the reminder
    WAIT = "wait"  # asked recently: postpone until the wait is over
    GIVE_UP = "give_up"  # asked, no answer in time (or undeliverable): fail the reminder


@dataclass(frozen=True)
class Verdict:
    step: Step
    due_at: datetime | None = None
    code: str = ""
    reason: str = ""


def verdict(confirmed: bool, last: LastRequest | None, now: datetime) -> Verdict:
    """What a reminder due `now` does about its customer's number."""
    if confirmed:
        return Verdict(Step.SEND)
    if last is None or (last.status == "not_sent" and now - last.requested_at >= RETRY_NOT_SENT_AFTER):
        return Verdict(Step.ASK, due_at=now + CONFIRM_WAIT, reason=WAITING_REASON)
    if last.status == "not_sent":
        return Verdict(Step.WAIT, due_at=last.requested_at + RETRY_NOT_SENT_AFTER, reason=WAITING_REASON)
    if last.status == "failed":
        if now - last.requested_at >= ASK_AGAIN_AFTER:
            return Verdict(Step.ASK, due_at=now + CONFIRM_WAIT, reason=WAITING_REASON)
        return Verdict(Step.GIVE_UP, code=NOT_CONFIRMED_CODE, reason=UNDELIVERABLE_TITLE)
    waited = now - last.requested_at
    if waited < CONFIRM_WAIT:
        return Verdict(Step.WAIT, due_at=last.requested_at + CONFIRM_WAIT, reason=WAITING_REASON)
    if waited >= ASK_AGAIN_AFTER:
        return Verdict(Step.ASK, due_at=now + CONFIRM_WAIT, reason=WAITING_REASON)
    return Verdict(Step.GIVE_UP, code=NOT_CONFIRMED_CODE, reason=NOT_CONFIRMED_TITLE)


_YES = frozenset({
    "yes", "y", "yes please", "yess", "yea", "yeah", "yep", "ok", "okay", "haan", "han", "haa", "ha", "haanji",
    "haan ji", "ji", "ji haan", "ji han", "theek hai", "thik hai", "confirm", "confirmed", "हाँ", "हां", "हा",
    "जी", "जी हाँ", "जी हां", "हाँ जी", "हां जी", "ठीक है",
})


def is_yes(text: str) -> bool:
    """A customer's answer that means yes ("YES", "haan ji", "हाँ", "Yes!", a YES button)."""
    t = unicodedata.normalize("NFC", text or "").casefold().strip()
    t = re.sub(r"[\s.!,?🙏👍]+", " ", t).strip()
    return t in _YES or t.startswith("yes ")


def confirmation_parameters(shop_name: str) -> tuple[str, ...]:
    """The template's parameters: {{1}} the shop's name."""
    return (shop_name,)


def confirmation_text(shop_name: str) -> str:
    """What the approved template says (for the local outbox and the docs)."""
    return f"Reply YES to get payment reminders from {shop_name}."
