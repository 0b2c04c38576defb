"""What the owner hears about disputed entries at the start of a call or chat.

"Rahul ne kal wali entry par sawaal uthaya hai." once per dispute: the books
mark each one told as they hand it over, so the next call does not repeat it.
A failure here must never spoil the greeting: it is logged and skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.call.speech import Speaker
from business.books import Books
from business.disputes import when_word
from business.shoptime import shop_date

log = logging.getLogger(__name__)

_WHEN = {
    "hi": {"aaj": "आज", "kal": "कल", "parson": "परसों"},
    "en": {"aaj": "today", "kal": "yesterday", "parson": "the day before yesterday"},
}


async def dispute_notice(books: Books, shop_id: int, speaker: Speaker, now: datetime) -> str:
    """The sentences for disputes not yet told ('' when none)."""
    try:
        disputes = await books.take_untold_disputes(shop_id)
    except Exception:  # the greeting goes on without it
        log.exception("untold disputes not read shop_id=%s", shop_id)
        return ""
    today = shop_date(now)
    lang = speaker.language if speaker.language in _WHEN else "hinglish"
    sentences = []
    for d in disputes:
        word = when_word(d.entry_at, today)
        word = _WHEN.get(lang, {}).get(word, word)
        sentences.append(speaker.say("dispute_raised", customer=d.customer_name, when=word))
    if disputes:
        log.info("told %d disputes shop_id=%s", len(disputes), shop_id)
    return " ".join(sentences)
