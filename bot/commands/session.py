"""The conversation itself: greeting, help, goodbye, language, recording, and what was not understood."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from bot.commands import values as v
from bot.commands.base import Command


@dataclass(frozen=True)
class Greeting(Command):
    intent: ClassVar[str] = "greeting"


@dataclass(frozen=True)
class Help(Command):
    intent: ClassVar[str] = "help"


@dataclass(frozen=True)
class Goodbye(Command):
    intent: ClassVar[str] = "goodbye"


@dataclass(frozen=True)
class SwitchLanguage(Command):
    """"English mein bolo": `language` as the parser names it (en, hi, hinglish, mr, ...)."""

    intent: ClassVar[str] = "switch_language"
    language: str | None = None
    required: ClassVar[tuple[str, ...]] = ("language",)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        lang = v.text(e.get("language"))
        return cls(language=lang.lower() if lang else None)


@dataclass(frozen=True)
class StartRecording(Command):
    intent: ClassVar[str] = "start_recording"


@dataclass(frozen=True)
class StopRecording(Command):
    intent: ClassVar[str] = "stop_recording"


@dataclass(frozen=True)
class Unknown(Command):
    intent: ClassVar[str] = "unknown"
