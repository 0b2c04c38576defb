"""The command base: what every typed command can say about itself and how it is completed.

A command holds only what was said (missing pieces are None or empty). The
conversation asks for `missing()[0]` and completes the command with the
answer (`with_amount`, `with_customer`, `with_items`, `with_when`, or
`filled_from(answer_command)`), then runs it again.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, ClassVar, Self

from bot.commands.refs import CustomerRef, Item
from bot.commands.when import ResolvedTime

# What a missing piece is called (asked for) -> the field that holds it.
PIECES: dict[str, str] = {
    "customer": "customer", "amount": "amount_paise", "items": "items", "when": "when", "product": "product",
    "quantity": "quantity", "name": "name", "price": "price_paise", "email": "email", "language": "language",
    "supply_type": "supply_type", "price_tier": "price_tier", "with_gst": "with_gst", "discount": "discount",
}


def _empty(value: Any) -> bool:
    return value is None or value == () or value == ""


@dataclass(frozen=True)
class Command:
    """One thing the shopkeeper asked for. Subclasses set `intent` and `required`."""

    intent: ClassVar[str] = "unknown"
    required: ClassVar[tuple[str, ...]] = ()  # piece names (keys of PIECES), in asking order

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        """Build from the parser's entities (already a dict); no entity is read by default."""
        return cls()

    def missing(self) -> tuple[str, ...]:
        """The required pieces not said yet, in the order to ask for them ("customer", "amount", ...)."""
        return tuple(p for p in self.required if _empty(getattr(self, PIECES[p], None)))

    @property
    def complete(self) -> bool:
        return not self.missing()

    def _with(self, name: str, value: Any) -> Self:
        if name not in {f.name for f in fields(self)}:
            raise TypeError(f"{type(self).__name__} has no {name!r}")
        return replace(self, **{name: value})

    def with_customer(self, ref: CustomerRef) -> Self:
        return self._with("customer", ref)

    def with_amount(self, paise: int) -> Self:
        return self._with("amount_paise", paise)

    def with_items(self, items: tuple[Item, ...] | list[Item]) -> Self:
        return self._with("items", tuple(items))

    def with_when(self, when: ResolvedTime) -> Self:
        return self._with("when", when)

    def filled_from(self, answer: Command) -> Self:
        """This command with its empty fields taken from `answer` (a fragment parsed as another command)."""
        mine = {f.name for f in fields(self)}
        theirs = {f.name for f in fields(answer)}
        changes = {
            name: getattr(answer, name) for name in mine & theirs
            if _empty(getattr(self, name)) and not _empty(getattr(answer, name))
        }
        return replace(self, **changes) if changes else self


@dataclass(frozen=True)
class CustomerCommand(Command):
    """A command about one customer (named, "uska", or to be asked)."""

    customer: CustomerRef | None = None
    required: ClassVar[tuple[str, ...]] = ("customer",)

    @classmethod
    def from_entities(cls, e: dict[str, Any], now: datetime) -> Self:
        return cls(customer=CustomerRef.from_entities(e))
