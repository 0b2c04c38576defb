"""One way to start a call's conversation, whatever the channel (a phone call, typed chat).

Kept free of pipecat so the typed channel starts fast and carriers share it.
"""

from __future__ import annotations

from bot.call.clock import CallClock
from bot.call.conversation import Conversation, ParseFn
from bot.call.speech import RenderFn, Speaker
from bot.call.state import CallState
from business.books import Books
from business.models import CallerShop


def greeting_name(caller: CallerShop) -> str:
    """"Sharma" for "Sharma Kirana Store" (the greeting adds the "ji")."""
    return (caller.shop.name.split() or [""])[0]


def new_conversation(
    *,
    books: Books,
    caller: CallerShop,
    parse: ParseFn,
    render: RenderFn,
    call_sid: str,
    clock: CallClock,
    language: str,
    require_pin: bool = False,
    first_turn_no: int = 0,
    book_confidence: float = 0.9,
) -> Conversation:
    """A conversation for `caller`'s shop, remembering nothing yet."""
    shop = caller.shop
    state = CallState(
        shop_id=shop.id,
        caller_phone=caller.phone,
        language=language,
        confirm_limit_paise=shop.settings.confirm_limit_paise,
        needs_pin=require_pin,
        turn_no=first_turn_no,
    )
    return Conversation(
        books=books,
        parse=parse,
        speaker=Speaker(render, language),
        state=state,
        call_sid=call_sid,
        clock=clock,
        greeting_name=greeting_name(caller),
        book_confidence=book_confidence,
        tell_disputes=caller.role == "owner",
    )
