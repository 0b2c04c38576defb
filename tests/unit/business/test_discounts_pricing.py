"""Pure rules: discount shares add up exactly, targets, tiers, reminder lookup."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from business import discounts, pricing
from business.discounts import Discount
from business.errors import InvalidDiscount, ValidationError


def test_share_adds_up_exactly_largest_remainder() -> None:
    assert discounts.share(100, [1, 1, 1]) == [34, 33, 33]
    assert discounts.share(7, [300, 0, 700]) == [2, 0, 5]
    assert sum(discounts.share(999, [123, 456, 789, 1])) == 999
    assert discounts.share(5, [0, 0]) == [0, 0]


def test_spread_never_below_zero() -> None:
    assert discounts.spread(300, [1000, 500], [False, True]) == [0, 300]
    with pytest.raises(InvalidDiscount) as err:
        discounts.spread(501, [1000, 500], [False, True])
    assert err.value.reason == "too_large" and err.value.limit_paise == 500


def test_per_line_target_without_tax() -> None:
    gross = [10000, 33000]
    d = discounts.check(Discount(target_total_paise=40000))
    off = discounts.per_line(d, gross, [True, True], lambda o: sum(gross) - sum(o))
    assert sum(off) == 3000
    pct = discounts.check(Discount(percent="12.5"))  # type: ignore[arg-type]
    assert pct.percent == Decimal("12.5")
    assert sum(discounts.per_line(pct, gross, [True, True], lambda o: 0)) == 5375


def test_tiers() -> None:
    assert pricing.price_tier(" Dealer ") == "dealer"
    assert pricing.bill_tier(None, None) == "retail"
    assert pricing.bill_tier(None, "wholesale") == "wholesale"
    assert pricing.bill_tier("retail", "wholesale") == "retail"
    with pytest.raises(ValidationError):
        pricing.price_tier("vip")


def test_aware_required() -> None:
    from business.reminder_lookup import aware

    assert aware(datetime.now(UTC), "due_at").tzinfo is not None
    with pytest.raises(ValidationError):
        aware(datetime.now() - timedelta(0), "due_at")
