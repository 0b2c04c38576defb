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

# Only for codes `bot.replies` lacks (PIN entry, unsupported actions); everything else is rendered there.
_FALLBACK = {
    "pin_prompt": "Namaste. Apna PIN dabaiye, phir hash.",
    "pin_ok": "Dhanyavaad. Boliye.",
    "pin_locked": "PIN galat hai. Call band kar raha hoon.",
    "not_supported": "Yeh kaam phone par abhi nahi hota.",
    "internal_error": "Maaf kijiye, kuch gadbad ho gayi. Dobara boliye.",
}


class Speaker:
    """Renders reply codes and read-backs in the call's language (which may change mid-call)."""

    def __init__(self, render: RenderFn, language: str):
        self._render = render
        self.language = language

    def say(self, code: str, **params: Any) -> str:
        try:
            text = self._render(code, self.language, **params)
            if text:
                return str(text)
        except KeyError as exc:  # a code the replies do not have (yet): our own phrase below
            if type(exc).__name__ != "UnknownReplyCode":
                log.warning("reply %r not rendered (%s); using fallback", code, type(exc).__name__)
        except Exception:  # a broken template must not silence the call
            log.warning("reply %r not rendered; using fallback", code, exc_info=True)
        template = _FALLBACK.get(code)
        if template is None and code != "internal_error":
            return self.say("internal_error")
        if template is None:
            return _FALLBACK["internal_error"]
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return _FALLBACK["internal_error"]

    def summary(self, kind: str, **params: Any) -> str:
        from bot.call.readbacks import readback

        return readback(kind, self.language, **params)

    def join(self, parts: list[str]) -> str:
        """"A, B aur C" in the call's language (several read-backs in one question)."""
        from bot.replies import spoken

        return spoken.join_list([p for p in parts if p], self.language)
