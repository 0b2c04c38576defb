"""Payment reminders: schedule, move, cancel, list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from bot.commands import values as v
from bot.commands.base import Command, CustomerCommand
from bot.commands.refs import CustomerRef
from bot.commands.when import ResolvedTime, resolve_when


@dataclass(frozen=True)
class ScheduleReminder(CustomerCommand):
    """"Rahul ko 500 ka reminder kal shaam 7 baje bhejna"."""

    intent: ClassVar[str] = "schedule_reminder"
    amount_paise: int | None = None
    when: ResolvedTime | None = None
    required: ClassVar[tuple[str, ...]] = ("customer", "when")

    @property
    def at(self) -> datetime | None:
        return self.when.at if self.when else None

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e), amount_paise=v.paise(e.get("amount")),
                   when=resolve_when(e.get("when"), now))


@dataclass(frozen=True)
class ModifyReminder(Command):
    """"Rahul ka reminder parso kar do": the customer's (or the only) scheduled reminder, to a new time."""

    intent: ClassVar[str] = "modify_reminder"
    customer: CustomerRef | None = None
    when: ResolvedTime | None = None
    old_at: datetime | None = None  # "5 baje wala": the time it was set for, when said
    required: ClassVar[tuple[str, ...]] = ("when",)

    @property
    def at(self) -> datetime | None:
        return self.when.at if self.when else None

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        old = resolve_when(e.get("old_when"), now)
        return cls(customer=CustomerRef.from_entities(e), when=resolve_when(e.get("when"), now),
                   old_at=old.at if old else None)


@dataclass(frozen=True)
class CancelReminder(Command):
    intent: ClassVar[str] = "cancel_reminder"
    customer: CustomerRef | None = None
    old_at: datetime | None = None

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        old = resolve_when(e.get("when"), now)
        return cls(customer=CustomerRef.from_entities(e), old_at=old.at if old else None)


@dataclass(frozen=True)
class ListReminders(Command):
    intent: ClassVar[str] = "list_reminders"
    customer: CustomerRef | None = None

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e))
