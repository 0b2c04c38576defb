"""Products and stock: the catalogue, scheduled GST rates, and stock moves outside sales."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from business import fields, pricing, search, units
from business.actions.runner import ActionRunner, AfterCommit, off_loop
from business.actions.shops import load_shop
from business.errors import InsufficientStock, ProductNotFound, StockShortfall, ValidationError
from business.models import GstRate, NewStockMove, Product, ProductMatch, StockChange
from business.money import validate_amount
from business.ports import UnitOfWork

QuantityLike = Decimal | int | str

# Why stock went out other than by sale (stored on the move; a stock count is "count").
REMOVE_REASONS: tuple[str, ...] = ("damaged", "returned", "own_use", "other")


async def load_product(uow: UnitOfWork, shop_id: int, ref: int | str) -> Product:
    """A product by id (int or digit string) or spoken name. Raises ProductNotFound, AmbiguousProduct."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        p = await uow.products.get(shop_id, ref)
        if p is None:
            raise ProductNotFound(ref)
        return p
    if not isinstance(ref, str) or not ref.strip():
        raise ValidationError("product must be an id or a name", "product")
    if ref.strip().isdigit():
        return await load_product(uow, shop_id, int(ref.strip()))
    return search.resolve_product(ref, await uow.products.list_all(shop_id))


async def tier_prices(uow: UnitOfWork, p: Product) -> dict[str, int]:
    """Every tier's price of a product (missing tiers at the retail price)."""
    own = await uow.prices.for_product(p.shop_id, p.id)
    return {t: pricing.unit_price(p, t, {p.id: own[t]} if t in own else {}) for t in pricing.PRICE_TIERS}


class ProductActions(ActionRunner):
    async def add_product(
        self, shop_id: int, name: str, *, unit: str, price_paise: int, gst_rate_bp: int = 0, hsn: str = "",
        aliases: Sequence[str] | None = (), low_stock_level: QuantityLike | None = 0,
        stock: QuantityLike | None = 0,
        idempotency_key: str | None = None,
    ) -> Product:
        """Add a product; `price_paise` is per `unit` and excludes GST; an opening `stock`
        (in `unit`) posts an `opening` stock move. Raises ValidationError, InvalidUnit, DuplicateProduct."""
        name = fields.text(name, "name", required=True)
        canon = units.product_unit(unit)
        validate_amount(price_paise, field="price_paise", allow_zero=True)
        gst_rate_bp = gst_rate(gst_rate_bp)
        hsn = hsn_code(hsn)
        low = units.to_milli(low_stock_level or 0, None, canon, allow_zero=True)
        opening = units.to_milli(stock or 0, None, canon, allow_zero=True)
        alias_list = fields.names(aliases)

        async def body(uow: UnitOfWork, after: AfterCommit) -> Product:
            await load_shop(uow, shop_id)
            now = self._clock.now()
            p = await uow.products.add(
                shop_id=shop_id, name=name, aliases=alias_list, unit=canon, price_paise=price_paise,
                gst_rate_bp=gst_rate_bp, hsn=hsn, low_stock_milli=low, created_at=now,
            )
            if opening:
                _, p = await uow.stock_moves.post(
                    shop_id=shop_id, move=NewStockMove(p.id, "opening", opening, note="opening stock"),
                    created_at=now,
                )
            return p

        return await self._action(shop_id, idempotency_key, "add_product", Product, body)

    async def update_product(
        self, shop_id: int, product: int | str, *, name: str | None = None, aliases: Sequence[str] | None = None,
        price_paise: int | None = None, gst_rate_bp: int | None = None, hsn: str | None = None,
        low_stock_level: QuantityLike | None = None, idempotency_key: str | None = None,
    ) -> Product:
        """Change catalogue fields ("doodh ka rate 30 karo"); stock changes only through stock moves.
        Issued invoices keep the price they were made with. Raises ProductNotFound, ValidationError."""
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = fields.text(name, "name", required=True, max_len=200)
        if aliases is not None:
            changes["aliases"] = fields.names(aliases)
        if price_paise is not None:
            changes["price_paise"] = validate_amount(price_paise, field="price_paise", allow_zero=True)
        if gst_rate_bp is not None:
            changes["gst_rate_bp"] = gst_rate(gst_rate_bp)
        if hsn is not None:
            changes["hsn"] = hsn_code(hsn)

        async def body(uow: UnitOfWork, after: AfterCommit) -> Product:
            p = await load_product(uow, shop_id, product)
            if low_stock_level is not None:
                changes["low_stock_milli"] = units.to_milli(low_stock_level, None, p.unit, allow_zero=True)
            updated = await uow.products.update(shop_id, p.id, changes)
            if updated is None:
                raise ProductNotFound(product)
            return updated

        return await self._action(shop_id, idempotency_key, "update_product", Product, body)

    async def schedule_gst_rate(
        self, shop_id: int, product: int | str, rate_bp: int, effective_from: date
    ) -> GstRate:
        """A new GST rate for a product from an Asia/Kolkata date on (e.g. the 22 Sep 2025 revision);
        bills dated earlier keep the old rate. Raises ProductNotFound, ValidationError."""
        rate_bp = gst_rate(rate_bp)
        if not isinstance(effective_from, date) or isinstance(effective_from, datetime):
            raise ValidationError("effective_from must be a date", "effective_from")

        async def body(uow: UnitOfWork, after: AfterCommit) -> GstRate:
            p = await load_product(uow, shop_id, product)
            return await uow.products.set_gst_rate(
                shop_id=shop_id, product_id=p.id, rate_bp=rate_bp, effective_from=effective_from
            )

        return await self._action(shop_id, None, "schedule_gst_rate", GstRate, body)

    async def set_product_price(
        self, shop_id: int, product: int | str, tier: str, price_paise: int, *, idempotency_key: str | None = None
    ) -> dict[str, int]:
        """Set a product's price for a tier ("dealer rate 40 rupaye"); retail is the product's own
        price (as update_product). Returns every tier's price (tier -> paise, missing tiers sold at
        retail). Raises ProductNotFound, AmbiguousProduct, ValidationError, InvalidAmount."""
        checked = pricing.price_tier(tier)
        validate_amount(price_paise, field="price_paise", allow_zero=True)

        async def body(uow: UnitOfWork, after: AfterCommit) -> dict[str, int]:
            p = await load_product(uow, shop_id, product)
            if checked == pricing.RETAIL:
                updated = await uow.products.update(shop_id, p.id, {"price_paise": price_paise})
                p = updated or p
            else:
                await uow.prices.set(
                    shop_id=shop_id, product_id=p.id, tier=checked, price_paise=price_paise, at=self._clock.now()
                )
            return await tier_prices(uow, p)

        return await self._action(shop_id, idempotency_key, "set_product_price", dict[str, int], body)

    async def product_prices(self, shop_id: int, product: int | str) -> dict[str, int]:
        """Tier -> price per unit (paise) for every tier; a tier with no price of its own shows
        the retail price it falls back to. Raises ProductNotFound, AmbiguousProduct."""

        async def run(uow: UnitOfWork) -> dict[str, int]:
            return await tier_prices(uow, await load_product(uow, shop_id, product))

        return await self._read(run)

    async def get_product(self, shop_id: int, product_id: int) -> Product:
        """Raises ProductNotFound."""
        return await self._read(lambda uow: load_product(uow, shop_id, product_id))

    async def list_products(self, shop_id: int) -> list[Product]:
        return await self._read(lambda uow: uow.products.list_all(shop_id))

    async def search_products(self, shop_id: int, query: str, *, limit: int = 5) -> list[ProductMatch]:
        """Ranked candidates by name and aliases (fuzzy, sound-alike, Devanagari)."""
        if not query or not query.strip():
            return []
        products = await self.list_products(shop_id)
        return await off_loop(len(products), search.rank_products, query, products, max(1, min(limit, 50)))

    async def resolve_product(self, shop_id: int, ref: int | str) -> Product:
        """A product by id or spoken name. Raises ProductNotFound (with weak candidates) or AmbiguousProduct."""
        return await self._read(lambda uow: load_product(uow, shop_id, ref))

    async def low_stock(self, shop_id: int) -> list[Product]:
        """Products at or below their low-stock level, emptiest first."""
        return await self._read(lambda uow: uow.products.low_stock(shop_id))

    # --- stock moves outside sales ---------------------------------------------------

    async def _stock_change(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None, mode: str,
        note: str, key: str | None, reason: str | None = None,
    ) -> StockChange:
        async def body(uow: UnitOfWork, after: AfterCommit) -> StockChange:
            shop = await load_shop(uow, shop_id)
            p = await load_product(uow, shop_id, product)
            milli = units.to_milli(quantity, unit, p.unit, allow_zero=(mode == "set"))
            p = (await uow.products.lock(shop_id, [p.id]))[p.id]
            if mode == "receive":
                kind, delta = "purchase", milli
            elif mode == "remove":
                kind, delta = "adjustment", -milli
                if p.stock_milli < milli and not shop.settings.allow_negative_stock:
                    raise InsufficientStock([shortfall(p, milli)])
            else:
                kind, delta = "adjustment", milli - p.stock_milli
            if delta == 0:
                return StockChange(p, None)
            move, after_move = await uow.stock_moves.post(
                shop_id=shop_id, move=NewStockMove(p.id, kind, delta, note=fields.text(note, "note"), reason=reason),
                created_at=self._clock.now(),
            )
            return StockChange(after_move, move)

        return await self._action(shop_id, key, f"{mode}_stock", StockChange, body)

    async def receive_stock(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None = None, *,
        note: str = "", idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock came in (purchase move)."""
        return await self._stock_change(shop_id, product, quantity, unit, "receive", note, idempotency_key)

    async def remove_stock(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None = None, *,
        note: str = "", reason: str | None = None, idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock went out other than by sale: a negative adjustment whose move records `reason`
        ("damaged", "returned" to the supplier, "own_use", "other"; None is "other") beside the note.
        Raises InsufficientStock unless the shop allows negative stock, ValidationError."""
        why = remove_reason(reason)
        return await self._stock_change(shop_id, product, quantity, unit, "remove", note, idempotency_key, why)

    async def set_stock(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None = None, *,
        note: str = "", idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock count: post the adjustment (reason "count") that brings stock to `quantity`."""
        return await self._stock_change(shop_id, product, quantity, unit, "set", note, idempotency_key, "count")


# --- input checks (pure) -----------------------------------------------------------


def gst_rate(rate_bp: object) -> int:
    """A GST rate in basis points, 0..2800 (28%)."""
    if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or not 0 <= rate_bp <= 2800:
        raise ValidationError("gst_rate_bp must be an integer 0..2800 (basis points)", "gst_rate_bp")
    return rate_bp


def remove_reason(reason: object) -> str:
    """A stock removal's reason ("own use" -> "own_use"); None is "other". Raises ValidationError."""
    if reason is None:
        return "other"
    value = "_".join(reason.strip().lower().replace("-", " ").split()) if isinstance(reason, str) else reason
    if value not in REMOVE_REASONS:
        raise ValidationError(f"reason must be one of {REMOVE_REASONS}", "reason")
    return str(value)


def hsn_code(hsn: str | None) -> str:
    """An HSN code: up to 8 digits, or empty."""
    value = (hsn or "").strip()
    if not (value.isdigit() or value == "") or len(value) > 8:
        raise ValidationError("hsn must be up to 8 digits", "hsn")
    return value


def shortfall(p: Product, needed_milli: int) -> StockShortfall:
    """What InsufficientStock reports for one product: needed vs in stock, in its unit."""
    return StockShortfall(p.id, p.name, p.unit, units.from_milli(needed_milli), units.from_milli(p.stock_milli))
