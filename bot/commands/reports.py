"""Reports: the day's (or a period's) sales and collections, GST and profit-and-loss documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from bot.commands.base import Command
from bot.commands.period import Period, resolve_period


@dataclass(frozen=True)
class DailySummary(Command):
    """"Aaj kitna sale hua?", "kal kitna dhandha hua", "is hafte ki bikri"; no period: today."""

    intent: ClassVar[str] = "daily_summary"
    period: Period | None = None

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(period=resolve_period(e.get("period"), now))


@dataclass(frozen=True)
class ExportGstReport(DailySummary):
    intent: ClassVar[str] = "export_gst_report"


@dataclass(frozen=True)
class ExportPnl(DailySummary):
    intent: ClassVar[str] = "export_pnl"
