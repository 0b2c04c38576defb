"""Price tiers: retail (the product's own price), wholesale and dealer.

A bill uses the tier asked for, else the customer's default tier, else retail;
a product with no price for that tier is sold at its retail price. Pure: the
tier prices are read by the caller and passed in.
"""

from __future__ import annotations

from collections.abc import Mapping

from business.errors import ValidationError
from business.models import Product

RETAIL = "retail"
PRICE_TIERS: tuple[str, ...] = (RETAIL, "wholesale", "dealer")


def price_tier(value: object) -> str:
    """A checked tier name ("Wholesale " -> "wholesale"). Raises ValidationError."""
    tier = value.strip().lower() if isinstance(value, str) else value
    if tier not in PRICE_TIERS:
        raise ValidationError(f"price tier must be one of {PRICE_TIERS}", "price_tier")
    return str(tier)


def bill_tier(asked: str | None, customer_tier: str | None) -> str:
    """The tier a bill uses: the one asked for, else the customer's, else retail."""
    if asked is not None:
        return price_tier(asked)
    return price_tier(customer_tier) if customer_tier else RETAIL


def unit_price(product: Product, tier: str, tier_prices: Mapping[int, int]) -> int:
    """The product's price per unit on a `tier` bill (`tier_prices`: product id -> paise
    for that tier); retail, or a tier the product has no price for, is the retail price."""
    if tier == RETAIL:
        return product.price_paise
    return tier_prices.get(product.id, product.price_paise)
