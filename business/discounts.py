"""Discounts on a bill: a percent, an amount, or a spoken target total ("800 kar do").

A discount comes off the taxable value before GST. On the whole bill it is shared
among the lines pro rata to their value (largest remainder, so the line shares add
up to the discount exactly); with `product` it applies only to that product's
lines. A target total is the discount that brings the bill's total (after GST, before
the round-off) down to the target. A bill never goes below zero: a discount larger
than the lines it applies to is an `InvalidDiscount`. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from business.errors import InvalidAmount, InvalidDiscount
from business.money import round_half_up, validate_amount

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Discount:
    """Exactly one of `percent` (0 < p <= 100), `amount_paise` (> 0) or `target_total_paise`
    (>= 0, the bill's new total); `product` (id or spoken name) limits it to that item."""

    percent: Decimal | None = None
    amount_paise: int | None = None
    product: int | str | None = None
    target_total_paise: int | None = None


def check(d: Discount) -> Discount:
    """The discount with its percent as a Decimal, each part checked. Raises InvalidDiscount."""
    given = [x for x in (d.percent, d.amount_paise, d.target_total_paise) if x is not None]
    if len(given) != 1:
        raise InvalidDiscount("one_kind", "give one of percent, amount_paise or target_total_paise")
    percent = d.percent
    if percent is not None:
        try:
            percent = Decimal(str(percent))
        except InvalidOperation as exc:
            raise InvalidDiscount("bad_percent") from exc
        if isinstance(d.percent, bool) or not percent.is_finite() or not Decimal(0) < percent <= HUNDRED:
            raise InvalidDiscount("bad_percent", "a discount percent is more than 0 and at most 100")
    for value, allow_zero in ((d.amount_paise, False), (d.target_total_paise, True)):
        if value is not None:
            try:
                validate_amount(value, field="discount", allow_zero=allow_zero)
            except InvalidAmount as exc:
                raise InvalidDiscount("bad_amount") from exc
    if d.product is not None and (isinstance(d.product, bool) or d.product == ""):
        raise InvalidDiscount("not_on_bill", "a discount's product is an id or a name")
    return Discount(percent, d.amount_paise, d.product, d.target_total_paise)


def share(amount_paise: int, values: Sequence[int]) -> list[int]:
    """Split `amount_paise` over `values` pro rata (largest remainder; ties to the earlier line)."""
    base = sum(values)
    if base <= 0:
        return [0 for _ in values]
    floors = [amount_paise * v // base for v in values]
    remainders = [amount_paise * v % base for v in values]
    left = amount_paise - sum(floors)
    for i in sorted(range(len(values)), key=lambda i: (-remainders[i], i))[:left]:
        floors[i] += 1
    return floors


def spread(amount_paise: int, gross: Sequence[int], eligible: Sequence[bool]) -> list[int]:
    """Per-line shares of a discount amount over the eligible lines. Raises InvalidDiscount
    (too_large) when it is more than those lines are worth."""
    base_values = [g if ok else 0 for g, ok in zip(gross, eligible, strict=True)]
    base = sum(base_values)
    if amount_paise > base:
        raise InvalidDiscount("too_large", "the discount is more than the bill", limit_paise=base)
    return share(amount_paise, base_values)


def per_line(
    d: Discount, gross: Sequence[int], eligible: Sequence[bool], total_after: Callable[[list[int]], int]
) -> list[int]:
    """Each line's discount in paise. `total_after(line_discounts)` is the bill's total with
    those discounts, GST included, before the round-off to the rupee; a target total takes the
    smallest discount that brings it to the target or just under (so the round-off lands on it)."""
    base = sum(g for g, ok in zip(gross, eligible, strict=True) if ok)
    if d.percent is not None:
        return spread(round_half_up(Decimal(base) * d.percent / HUNDRED), gross, eligible)
    if d.amount_paise is not None:
        return spread(d.amount_paise, gross, eligible)
    assert d.target_total_paise is not None, "check() the discount first"
    target = d.target_total_paise
    undiscounted = total_after([0 for _ in gross])
    if target > undiscounted:
        raise InvalidDiscount("target_above_total", "the target is above the bill", limit_paise=undiscounted)
    if total_after(spread(base, gross, eligible)) > target:  # even all of it off does not reach
        raise InvalidDiscount("too_large", "the target needs more off than the lines are worth",
                              limit_paise=base)
    lo, hi = 0, base  # the smallest discount whose total is at or under the target
    while lo < hi:
        mid = (lo + hi) // 2
        if total_after(spread(mid, gross, eligible)) <= target:
            hi = mid
        else:
            lo = mid + 1
    return spread(lo, gross, eligible)
