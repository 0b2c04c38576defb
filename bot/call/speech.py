"""Reply text for the call: `bot.replies.render`, with a last-resort phrase.

Every sentence the bot says comes from the replies package (data files, one
per language). If a code is missing there, the caller still hears something
sensible rather than silence, and the gap is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

RenderFn = Callable[..., str]

_FALLBACK = {
    "greeting": "Namaste {name}, boliye.",
    "goodbye": "Theek hai, namaste.",
    "silence_prompt": "Hello, aap line par hain?",
    "silence_hangup": "Koi awaaz nahi aa rahi, call band kar raha hoon. Namaste.",
    "not_understood": "Maaf kijiye, samajh nahi aaya. Dobara boliye.",
    "error": "Maaf kijiye, kuch gadbad ho gayi. Dobara boliye.",
    "cancelled_by_caller": "Theek hai, kuch nahi kiya.",
    "confirm_prompt": "{summary}. Pakka karoon? Haan ke liye 1, nahi ke liye 2 dabaiye.",
    "which_customer": "Kaunse {name}: {options}?",
    "ask_customer": "Kiske liye?",
    "ask_amount": "Kitne rupaye?",
    "ask_items": "Kya kya dena hai?",
    "pin_prompt": "Apna PIN dabaiye, phir hash.",
    "pin_wrong": "PIN galat hai. Dobara dabaiye.",
    "pin_locked": "PIN galat hai. Call band kar raha hoon.",
    "pin_ok": "Dhanyavaad. Boliye.",
    "not_supported": "Yeh kaam phone par abhi nahi hota.",
    "unknown_caller": "Maaf kijiye, yeh number kisi dukaan se juda nahi hai.",
}


class Speaker:
    """Renders reply codes in the call's language."""

    def __init__(self, render: RenderFn, language: str):
        self._render = render
        self.language = language

    def say(self, code: str, **params: Any) -> str:
        try:
            text = self._render(code, self.language, **params)
            if text:
                return str(text)
        except Exception:  # a missing template or parameter must not silence the call
            log.warning("reply %r not rendered; using fallback", code, exc_info=True)
        template = _FALLBACK.get(code)
        if template is None:
            return _FALLBACK["error"]
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return _FALLBACK["error"]
