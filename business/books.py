"""`Books`: the one facade the rest of Execora calls for the shop's books.

One method per business action; each runs in one unit of work (one database
transaction) and accepts `idempotency_key`: a replay with the same key returns
the first result and posts nothing. Errors are `business.errors` subclasses.
Job-queue calls (reminder timers) happen only after the commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from business import credentials, gst, modes, search, units
from business.errors import (
    CustomerNotFound,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidAmount,
    InvalidQuantity,
    InvoiceAlreadyCancelled,
    InvoiceNotFound,
    ProductNotFound,
    ReminderNotCancellable,
    ReminderNotFound,
    ShopNotFound,
    StockShortfall,
    ValidationError,
)
from business.matching import devanagari_to_roman
from business.models import (
    REMINDER_STATUSES,
    Balance,
    CallerShop,
    Customer,
    CustomerMatch,
    DailySummary,
    GstRate,
    Invoice,
    InvoiceLine,
    InvoiceQuote,
    ItemRequest,
    LedgerPosting,
    NewStockMove,
    Outstanding,
    PaymentResult,
    PaymentSplit,
    Product,
    ProductMatch,
    Reminder,
    Shop,
    ShopPhone,
    ShopSettings,
    Statement,
    StatementLine,
    StockChange,
)
from business.money import validate_amount
from business.phones import mask_phone, normalize_phone
from business.ports import Clock, JobQueue, NullJobQueue, SystemClock, UnitOfWork, UnitOfWorkFactory
from business.serde import from_jsonable, to_jsonable
from business.shoptime import day_bounds, financial_year, invoice_number, shop_date

log = logging.getLogger(__name__)

ItemLike = ItemRequest | tuple[int | str, Decimal | int | str] | tuple[int | str, Decimal | int | str, str | None]
QuantityLike = Decimal | int | str
T = TypeVar("T")
AfterCommit = list[Callable[[], None]]

class Books:
    """The shop's books. Build once per process: `Books(PostgresUnitOfWorkFactory(pool), jobs=...)`."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock | None = None, jobs: JobQueue | None = None
    ) -> None:
        self._uow = uow_factory
        self._clock: Clock = clock or SystemClock()
        self._jobs: JobQueue = jobs or NullJobQueue()

    # --- plumbing ---------------------------------------------------------------

    async def _action(
        self,
        shop_id: int,
        key: str | None,
        action: str,
        result_type: Any,
        body: Callable[[UnitOfWork, AfterCommit], Awaitable[T]],
    ) -> T:
        """Run `body` in one transaction, honouring the idempotency key; then the after-commit hooks."""
        if key is not None and not (1 <= len(key) <= 200):
            raise ValidationError("idempotency key must be 1-200 characters", "idempotency_key")
        after: AfterCommit = []
        async with self._uow() as uow:
            if key is not None:
                prior = await uow.idempotency.claim(shop_id, key, action)
                if prior is not None:
                    first_action, stored = prior
                    if first_action != action:
                        raise IdempotencyKeyReused(key, first_action, action)
                    log.info("replayed %s shop_id=%s", action, shop_id)
                    result: T = from_jsonable(result_type, stored)
                    return result
            result = await body(uow, after)
            if key is not None:
                await uow.idempotency.save_result(shop_id, key, to_jsonable(result))
            await uow.commit()
        for hook in after:  # JobQueue calls are blocking (Redis): keep them off the event loop
            try:
                await asyncio.to_thread(hook)
            except Exception:  # the row is the truth; the worker's sweep re-creates lost timers
                log.exception("after-commit hook failed in %s shop_id=%s", action, shop_id)
        return result

    async def _read(self, fn: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        async with self._uow() as uow:
            return await fn(uow)

    async def _read_one(
        self, fetch: Callable[[UnitOfWork], Awaitable[T | None]], missing: Callable[[], Exception]
    ) -> T:
        """One row by a read-only lookup, or the not-found error `missing()` builds."""
        found = await self._read(fetch)
        if found is None:
            raise missing()
        return found

    @staticmethod
    async def _shop(uow: UnitOfWork, shop_id: int) -> Shop:
        shop = await uow.shops.get(shop_id)
        if shop is None:
            raise ShopNotFound(f"no shop {shop_id}")
        return shop

    @staticmethod
    async def _customer(uow: UnitOfWork, shop_id: int, customer_id: int, *, lock: bool = False) -> Customer:
        c = await uow.customers.get(shop_id, customer_id, for_update=lock)
        if c is None:
            raise CustomerNotFound(customer_id)
        return c

    @staticmethod
    async def _product(uow: UnitOfWork, shop_id: int, ref: int | str) -> Product:
        if isinstance(ref, int) and not isinstance(ref, bool):
            p = await uow.products.get(shop_id, ref)
            if p is None:
                raise ProductNotFound(ref)
            return p
        if not isinstance(ref, str) or not ref.strip():
            raise ValidationError("product must be an id or a name", "product")
        if ref.strip().isdigit():
            return await Books._product(uow, shop_id, int(ref.strip()))
        return search.resolve_product(ref, await uow.products.list_all(shop_id))

    # --- shops ------------------------------------------------------------------

    async def create_shop(
        self, name: str, owner_phone: str, pin: str | None = None, *, address: str = "", state: str = "",
        gstin: str | None = None, settings: Mapping[str, Any] | None = None,
    ) -> tuple[Shop, str]:
        """Create a shop and its owner phone; returns the shop and its API key (shown once, only a hash is kept)."""
        name = _text(name, "name", required=True)
        phone = normalize_phone(owner_phone)
        merged = _settings(settings)
        gstin = (gstin or "").strip().upper() or None
        pin_hash = await _pin_hash(pin)
        api_key = credentials.new_api_key()
        async with self._uow() as uow:
            shop = await uow.shops.add(
                name=name, address=address.strip(), state=state.strip(), gstin=gstin,
                settings=asdict(merged), api_key_hash=credentials.hash_api_key(api_key),
                created_at=self._clock.now(),
            )
            await uow.shops.add_phone(shop_id=shop.id, phone=phone, role="owner", pin_hash=pin_hash)
            await uow.commit()
        log.info("created shop shop_id=%s owner=%s", shop.id, mask_phone(phone))
        return shop, api_key

    async def reissue_api_key(self, shop_id: int) -> str:
        """Replace the shop's API key (lost or leaked); the old key stops working at once.
        Returns the new key (shown once). Raises ShopNotFound."""
        api_key = credentials.new_api_key()
        async with self._uow() as uow:
            if not await uow.shops.set_api_key_hash(shop_id, credentials.hash_api_key(api_key)):
                raise ShopNotFound(f"no shop {shop_id}")
            await uow.commit()
        log.info("re-issued api key shop_id=%s", shop_id)
        return api_key

    async def add_shop_phone(
        self, shop_id: int, phone: str, role: str = "staff", pin: str | None = None
    ) -> ShopPhone:
        """Allow another phone (owner/staff) to call for the shop."""
        if role not in ("owner", "staff"):
            raise ValidationError("role must be owner or staff", "role")
        e164 = normalize_phone(phone)
        pin_hash = await _pin_hash(pin)
        async with self._uow() as uow:
            await self._shop(uow, shop_id)
            row = await uow.shops.add_phone(shop_id=shop_id, phone=e164, role=role, pin_hash=pin_hash)
            await uow.commit()
        return row

    async def get_shop(self, shop_id: int) -> Shop:
        """Raises ShopNotFound."""
        return await self._read(lambda uow: self._shop(uow, shop_id))

    async def shop_by_api_key(self, api_key: str) -> Shop | None:
        """The shop an API key belongs to, or None."""
        if not api_key or not api_key.startswith(credentials.API_KEY_PREFIX):
            return None
        digest = credentials.hash_api_key(api_key)
        return await self._read(lambda uow: uow.shops.by_api_key_hash(digest))

    async def shop_by_phone(self, phone: str) -> CallerShop | None:
        """Which shop a caller belongs to (and their role), or None for a stranger."""
        try:
            e164 = normalize_phone(phone)
        except ValidationError:
            return None
        found = await self._read(lambda uow: uow.shops.by_phone(e164))
        if found is None:
            return None
        shop, row, _ = found
        return CallerShop(shop=shop, phone=row.phone, role=row.role, has_pin=row.has_pin)

    async def verify_pin(self, phone: str, pin: str) -> bool:
        """True when the phone has no PIN set or the PIN matches; False otherwise (or unknown phone)."""
        try:
            e164 = normalize_phone(phone)
        except ValidationError:
            return False
        found = await self._read(lambda uow: uow.shops.by_phone(e164))
        if found is None:
            return False
        stored = found[2]
        if stored is None:
            return True
        return await asyncio.to_thread(credentials.check_pin, str(pin).strip(), stored)

    # --- customers --------------------------------------------------------------

    async def add_customer(
        self, shop_id: int, name: str, *, phone: str | None = None, nicknames: Sequence[str] = (),
        landmark: str = "", name_devanagari: str = "", whatsapp_opt_in: bool = False,
        opening_balance_paise: int = 0, idempotency_key: str | None = None,
    ) -> Customer:
        """Add a customer (phone normalised to E.164, Indian numbers by default).

        A non-zero opening balance posts an `opening_balance` ledger entry.
        Raises ValidationError, DuplicateCustomer (same phone in this shop).
        """
        fields = _customer_fields(name, phone, nicknames, landmark, name_devanagari)
        if isinstance(opening_balance_paise, bool) or not isinstance(opening_balance_paise, int):
            raise InvalidAmount(opening_balance_paise, field="opening_balance_paise")
        if abs(opening_balance_paise) > 10**13:
            raise InvalidAmount(opening_balance_paise, field="opening_balance_paise")

        async def body(uow: UnitOfWork, after: AfterCommit) -> Customer:
            await self._shop(uow, shop_id)
            now = self._clock.now()
            c = await uow.customers.add(
                shop_id=shop_id, whatsapp_opt_in=bool(whatsapp_opt_in), created_at=now, **fields
            )
            if opening_balance_paise:
                _, bal = await uow.ledger.post(
                    shop_id=shop_id, customer_id=c.id, kind="opening_balance",
                    amount_paise=opening_balance_paise, created_at=now, note="opening balance",
                )
                c = replace(c, balance_paise=bal)
            return c

        c = await self._action(shop_id, idempotency_key, "add_customer", Customer, body)
        log.info("added customer shop_id=%s customer_id=%s", shop_id, c.id)
        return c

    async def get_customer(self, shop_id: int, customer_id: int) -> Customer:
        """Raises CustomerNotFound (also for another shop's customer)."""
        return await self._read(lambda uow: self._customer(uow, shop_id, customer_id))

    async def list_customers(self, shop_id: int) -> list[Customer]:
        return await self._read(lambda uow: uow.customers.list_all(shop_id))

    async def find_customer_by_phone(self, shop_id: int, phone: str) -> Customer | None:
        e164 = normalize_phone(phone)
        customers = await self.list_customers(shop_id)
        return next((c for c in customers if c.phone == e164), None)

    async def update_customer(
        self, shop_id: int, customer_id: int, *, name: str | None = None, phone: str | None = None,
        nicknames: Sequence[str] | None = None, landmark: str | None = None,
        name_devanagari: str | None = None, whatsapp_opt_in: bool | None = None,
    ) -> Customer:
        """Change the given fields (None = unchanged; phone "" clears it). Raises CustomerNotFound."""
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = _text(name, "name", required=True)
            if name_devanagari is None:  # keep the derived forms in step with the new name
                dev = _has_devanagari(changes["name"])
                changes["name_roman"] = devanagari_to_roman(changes["name"]) if dev else ""
                changes["name_devanagari"] = changes["name"] if dev else ""
        if phone is not None:
            changes["phone"] = normalize_phone(phone) if phone.strip() else None
        if nicknames is not None:
            changes["nicknames"] = _names(nicknames)
        if landmark is not None:
            changes["landmark"] = _text(landmark, "landmark")
        if name_devanagari is not None:
            changes["name_devanagari"] = _text(name_devanagari, "name_devanagari")
        if whatsapp_opt_in is not None:
            changes["whatsapp_opt_in"] = bool(whatsapp_opt_in)

        async def body(uow: UnitOfWork, after: AfterCommit) -> Customer:
            if not changes:
                return await self._customer(uow, shop_id, customer_id)
            c = await uow.customers.update(shop_id, customer_id, changes)
            if c is None:
                raise CustomerNotFound(customer_id)
            return c

        return await self._action(shop_id, None, "update_customer", Customer, body)

    async def search_customers(self, shop_id: int, query: str, *, limit: int = 5) -> list[CustomerMatch]:
        """Ranked candidates (score 0..100) by name, nickname, landmark, phone digits,
        sound-alike spelling and Devanagari; "station road wale Gupta" uses the landmark."""
        if not query or not query.strip():
            return []
        customers = await self.list_customers(shop_id)
        return await _off_loop(len(customers), search.rank_customers, query, customers, max(1, min(limit, 50)))

    async def resolve_customer(self, shop_id: int, name: str, hint: str | None = None) -> Customer:
        """The one customer `name` (plus an optional landmark/nickname `hint`) clearly means.

        Raises CustomerNotFound (nothing strong) or AmbiguousCustomer(candidates);
        never guesses between close candidates.
        """
        query = " ".join(x for x in (name, hint) if x and x.strip())
        if not query:
            raise CustomerNotFound(name)
        customers = await self.list_customers(shop_id)
        return await _off_loop(len(customers), search.resolve_customer, query, customers)

    # --- products and stock -------------------------------------------------------

    async def add_product(
        self, shop_id: int, name: str, *, unit: str, price_paise: int, gst_rate_bp: int = 0, hsn: str = "",
        aliases: Sequence[str] | None = (), low_stock_level: QuantityLike | None = 0,
        stock: QuantityLike | None = 0,
        idempotency_key: str | None = None,
    ) -> Product:
        """Add a product; `price_paise` is per `unit` and excludes GST; an opening `stock`
        (in `unit`) posts an `opening` stock move. Raises ValidationError, InvalidUnit, DuplicateProduct."""
        name = _text(name, "name", required=True)
        canon = units.product_unit(unit)
        validate_amount(price_paise, field="price_paise", allow_zero=True)
        gst_rate_bp = _gst_rate(gst_rate_bp)
        hsn = _hsn(hsn)
        low = units.to_milli(low_stock_level or 0, None, canon, allow_zero=True)
        opening = units.to_milli(stock or 0, None, canon, allow_zero=True)
        alias_list = _names(aliases)

        async def body(uow: UnitOfWork, after: AfterCommit) -> Product:
            await self._shop(uow, shop_id)
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
            changes["name"] = _text(name, "name", required=True, max_len=200)
        if aliases is not None:
            changes["aliases"] = _names(aliases)
        if price_paise is not None:
            changes["price_paise"] = validate_amount(price_paise, field="price_paise", allow_zero=True)
        if gst_rate_bp is not None:
            changes["gst_rate_bp"] = _gst_rate(gst_rate_bp)
        if hsn is not None:
            changes["hsn"] = _hsn(hsn)

        async def body(uow: UnitOfWork, after: AfterCommit) -> Product:
            p = await self._product(uow, shop_id, product)
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
        rate_bp = _gst_rate(rate_bp)
        if not isinstance(effective_from, date) or isinstance(effective_from, datetime):
            raise ValidationError("effective_from must be a date", "effective_from")

        async def body(uow: UnitOfWork, after: AfterCommit) -> GstRate:
            p = await self._product(uow, shop_id, product)
            return await uow.products.set_gst_rate(
                shop_id=shop_id, product_id=p.id, rate_bp=rate_bp, effective_from=effective_from
            )

        return await self._action(shop_id, None, "schedule_gst_rate", GstRate, body)

    async def get_product(self, shop_id: int, product_id: int) -> Product:
        """Raises ProductNotFound."""
        return await self._read(lambda uow: self._product(uow, shop_id, product_id))

    async def list_products(self, shop_id: int) -> list[Product]:
        return await self._read(lambda uow: uow.products.list_all(shop_id))

    async def search_products(self, shop_id: int, query: str, *, limit: int = 5) -> list[ProductMatch]:
        """Ranked candidates by name and aliases (fuzzy, sound-alike, Devanagari)."""
        if not query or not query.strip():
            return []
        products = await self.list_products(shop_id)
        return await _off_loop(len(products), search.rank_products, query, products, max(1, min(limit, 50)))

    async def resolve_product(self, shop_id: int, ref: int | str) -> Product:
        """A product by id or spoken name. Raises ProductNotFound (with weak candidates) or AmbiguousProduct."""
        return await self._read(lambda uow: self._product(uow, shop_id, ref))

    async def low_stock(self, shop_id: int) -> list[Product]:
        """Products at or below their low-stock level, emptiest first."""
        return await self._read(lambda uow: uow.products.low_stock(shop_id))

    async def _stock_change(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None, mode: str,
        note: str, key: str | None,
    ) -> StockChange:
        async def body(uow: UnitOfWork, after: AfterCommit) -> StockChange:
            shop = await self._shop(uow, shop_id)
            p = await self._product(uow, shop_id, product)
            milli = units.to_milli(quantity, unit, p.unit, allow_zero=(mode == "set"))
            p = (await uow.products.lock(shop_id, [p.id]))[p.id]
            if mode == "receive":
                kind, delta = "purchase", milli
            elif mode == "remove":
                kind, delta = "adjustment", -milli
                if p.stock_milli < milli and not shop.settings.allow_negative_stock:
                    raise InsufficientStock([_shortfall(p, milli)])
            else:
                kind, delta = "adjustment", milli - p.stock_milli
            if delta == 0:
                return StockChange(p, None)
            move, after_move = await uow.stock_moves.post(
                shop_id=shop_id, move=NewStockMove(p.id, kind, delta, note=_text(note, "note")),
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
        note: str = "", idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock went out other than by sale (damage, own use): a negative adjustment.
        Raises InsufficientStock unless the shop allows negative stock."""
        return await self._stock_change(shop_id, product, quantity, unit, "remove", note, idempotency_key)

    async def set_stock(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None = None, *,
        note: str = "", idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock count: post the adjustment that brings stock to `quantity`."""
        return await self._stock_change(shop_id, product, quantity, unit, "set", note, idempotency_key)

    # --- invoices -----------------------------------------------------------------

    async def _build_quote(
        self, uow: UnitOfWork, shop: Shop, customer_id: int | None, items: Sequence[ItemLike],
        payment_mode: str, with_gst: bool, supply_type: str, *, lock: bool,
    ) -> InvoiceQuote:
        payment_mode = modes.invoice_payment_mode(payment_mode)
        supply_type = modes.supply_type(supply_type)
        requests = [_item(x) for x in items]
        if not requests:
            raise ValidationError("an invoice needs at least one item", "items")
        if len(requests) > 200:
            raise ValidationError("too many items on one invoice", "items")
        customer_name = ""
        if customer_id is not None:
            customer_name = (await self._customer(uow, shop.id, customer_id)).name
        elif payment_mode == "credit":
            raise ValidationError("a credit sale needs a customer", "customer_id")
        resolved: list[tuple[ItemRequest, Product, int]] = []
        catalogue: list[Product] | None = None
        # Names are resolved against the catalogue first; then every product is locked in one
        # statement in id order, so two invoices never wait on each other in opposite orders.
        wanted: list[int] = []
        for req in requests:
            pid = _product_id(req.product)
            if pid is None:
                if catalogue is None:
                    catalogue = await uow.products.list_all(shop.id)
                pid = search.resolve_product(str(req.product), catalogue).id
            wanted.append(pid)
        rates: dict[int, int] = {}
        if with_gst:  # the rate in force on the bill's date (rates change by notification)
            rates = await uow.products.gst_rates_on(shop.id, wanted, shop_date(self._clock.now()))
        if lock:
            current = await uow.products.lock(shop.id, wanted)
        else:
            current = {pid: await self._product(uow, shop.id, pid) for pid in dict.fromkeys(wanted)}
        for req, pid in zip(requests, wanted, strict=True):
            product = current[pid]
            resolved.append((req, product, units.to_milli(req.quantity, req.unit, product.unit)))
        if not shop.settings.allow_negative_stock:
            need: dict[int, int] = {}
            for _, p, milli in resolved:
                need[p.id] = need.get(p.id, 0) + milli
            short = [_shortfall(current[pid], n) for pid, n in need.items() if current[pid].stock_milli < n]
            if short:
                raise InsufficientStock(short)
        lines: list[InvoiceLine] = []
        taxes: list[gst.LineTax] = []
        for no, (req, p0, milli) in enumerate(resolved, start=1):
            p = current[p0.id]
            rate = rates.get(p.id, p.gst_rate_bp)
            tax = gst.line_tax(
                gst.line_amount(p.price_paise, milli), rate, with_gst=with_gst, supply_type=supply_type
            )
            taxes.append(tax)
            asked_unit = units.canonical_unit(req.unit) if req.unit else p.unit
            lines.append(
                InvoiceLine(
                    line_no=no, product_id=p.id, description=p.name, hsn=p.hsn,
                    quantity=units.to_decimal(req.quantity).normalize(), unit=asked_unit, qty_milli=milli,
                    unit_price_paise=p.price_paise, taxable_paise=tax.taxable_paise,
                    gst_rate_bp=rate if with_gst else 0, cgst_paise=tax.cgst_paise,
                    sgst_paise=tax.sgst_paise, igst_paise=tax.igst_paise, total_paise=tax.total_paise,
                )
            )
        t = gst.totals(taxes)
        return InvoiceQuote(
            shop_id=shop.id, customer_id=customer_id, customer_name=customer_name, payment_mode=payment_mode,
            with_gst=bool(with_gst), supply_type=supply_type, lines=tuple(lines),
            subtotal_paise=t.subtotal_paise, cgst_paise=t.cgst_paise, sgst_paise=t.sgst_paise,
            igst_paise=t.igst_paise, round_off_paise=t.round_off_paise, total_paise=t.total_paise,
        )

    async def quote_invoice(
        self, shop_id: int, customer_id: int | None, items: Sequence[ItemLike], *,
        payment_mode: str = "credit", with_gst: bool = False, supply_type: str = "intrastate",
    ) -> InvoiceQuote:
        """Compute the invoice (lines, GST, round-off, total) without posting anything,
        so the bot can read back "kul 130 rupaye" before confirming. Same errors as create."""

        async def run(uow: UnitOfWork) -> InvoiceQuote:
            shop = await self._shop(uow, shop_id)
            return await self._build_quote(
                uow, shop, customer_id, items, payment_mode, with_gst, supply_type, lock=False
            )

        return await self._read(run)

    async def create_invoice(
        self, shop_id: int, customer_id: int | None, items: Sequence[ItemLike], *,
        payment_mode: str = "credit", with_gst: bool = False, supply_type: str = "intrastate",
        idempotency_key: str | None = None,
    ) -> Invoice:
        """Post an invoice: items resolved to products, units converted, stock checked and
        decremented (race-safe), GST (CGST+SGST or IGST) and round-off to the rupee, the next
        consecutive number of the financial year. `payment_mode` "credit" (default, needs a
        customer) posts a sale_credit ledger entry; cash/upi/card/cheque/bank means paid now.
        `customer_id` None is a walk-in. Raises ProductNotFound, AmbiguousProduct, InvalidQuantity,
        InvalidUnit, InsufficientStock, CustomerNotFound, ValidationError."""

        async def body(uow: UnitOfWork, after: AfterCommit) -> Invoice:
            shop = await self._shop(uow, shop_id)
            quote = await self._build_quote(
                uow, shop, customer_id, items, payment_mode, with_gst, supply_type, lock=True
            )
            now = self._clock.now()
            fy = financial_year(now)
            seq = await uow.invoices.next_seq(shop_id, fy)
            invoice, line_ids = await uow.invoices.add(
                quote=quote, fy=fy, seq=seq, invoice_no=invoice_number(fy, seq), issued_at=now
            )
            await uow.stock_moves.post_many(
                shop_id=shop_id,
                moves=[
                    NewStockMove(line.product_id, "sale", -line.qty_milli, invoice_line_id=line_id)
                    for line, line_id in zip(quote.lines, line_ids, strict=True)
                ],
                created_at=now,
            )
            if invoice.payment_mode == "credit" and customer_id is not None and invoice.total_paise > 0:
                await uow.ledger.post(
                    shop_id=shop_id, customer_id=customer_id, kind="sale_credit",
                    amount_paise=invoice.total_paise, created_at=now, invoice_id=invoice.id,
                    note=invoice.invoice_no,
                )
            return invoice

        inv = await self._action(shop_id, idempotency_key, "create_invoice", Invoice, body)
        log.info("invoice shop_id=%s invoice_id=%s no=%s total_paise=%s", shop_id, inv.id, inv.invoice_no,
                 inv.total_paise)
        return inv

    async def get_invoice(self, shop_id: int, invoice_id: int) -> Invoice:
        """Raises InvoiceNotFound."""
        return await self._read_one(
            lambda uow: uow.invoices.get(shop_id, invoice_id), lambda: InvoiceNotFound(invoice_id)
        )

    async def get_invoice_by_no(self, shop_id: int, invoice_no: str) -> Invoice:
        """Raises InvoiceNotFound."""
        return await self._read_one(
            lambda uow: uow.invoices.get_by_no(shop_id, invoice_no.strip()), lambda: InvoiceNotFound(invoice_no)
        )

    async def list_invoices(
        self, shop_id: int, *, customer_id: int | None = None, day: date | None = None, limit: int = 50
    ) -> list[Invoice]:
        """Newest first; `day` is an Asia/Kolkata date."""
        since, until = day_bounds(day) if day is not None else (None, None)
        limit = max(1, min(int(limit), 500))
        return await self._read(
            lambda uow: uow.invoices.list_all(
                shop_id, customer_id=customer_id, since=since, until=until, limit=limit
            )
        )

    async def last_invoice(self, shop_id: int, customer_id: int | None) -> Invoice:
        """The customer's newest issued invoice (None: walk-ins), for "aakhri bill cancel karo".
        Raises InvoiceNotFound."""
        return await self._read_one(
            lambda uow: uow.invoices.last_for_customer(shop_id, customer_id), lambda: InvoiceNotFound(None)
        )

    async def cancel_invoice(
        self, shop_id: int, invoice_id: int, *, idempotency_key: str | None = None
    ) -> Invoice:
        """Mark cancelled and append reversal stock moves and ledger entries pointing at the
        originals; the number stays used. Raises InvoiceNotFound, InvoiceAlreadyCancelled."""

        async def body(uow: UnitOfWork, after: AfterCommit) -> Invoice:
            inv = await uow.invoices.get(shop_id, invoice_id, for_update=True)
            if inv is None:
                raise InvoiceNotFound(invoice_id)
            if inv.status == "cancelled":
                raise InvoiceAlreadyCancelled(inv.id, inv.invoice_no)
            now = self._clock.now()
            moves = await uow.stock_moves.for_invoice(inv.id)
            await uow.products.lock(shop_id, sorted({m.product_id for m in moves}))
            await uow.stock_moves.post_many(
                shop_id=shop_id,
                moves=[
                    NewStockMove(m.product_id, "reversal", -m.qty_milli, reversal_of=m.id,
                                 note=f"cancel {inv.invoice_no}")
                    for m in moves
                ],
                created_at=now,
            )
            for e in await uow.ledger.for_invoice(inv.id):
                if e.kind == "reversal":
                    continue
                await uow.ledger.post(
                    shop_id=shop_id, customer_id=e.customer_id, kind="reversal", amount_paise=-e.amount_paise,
                    created_at=now, invoice_id=inv.id, reversal_of=e.id, note=f"cancel {inv.invoice_no}",
                )
            await uow.invoices.mark_cancelled(inv.id, now)
            return replace(inv, status="cancelled", cancelled_at=now)

        inv = await self._action(shop_id, idempotency_key, "cancel_invoice", Invoice, body)
        log.info("cancelled invoice shop_id=%s invoice_id=%s", shop_id, inv.id)
        return inv

    # --- ledger -------------------------------------------------------------------

    async def record_payment(
        self, shop_id: int, customer_id: int, amount_paise: int | None = None, mode: str = "cash", *,
        splits: Sequence[PaymentSplit] | None = None, settle_full: bool = False, note: str = "",
        idempotency_key: str | None = None,
    ) -> PaymentResult:
        """Money received against dues: one mode, or `splits` across modes, or `settle_full`
        (the whole current balance, in `mode`). A payment that clears the balance marks the
        customer's scheduled reminders skipped_paid in the same transaction.
        Raises InvalidAmount, CustomerNotFound, ValidationError (unknown mode)."""
        parts = _payment_parts(amount_paise, mode, splits, settle_full)
        note = _text(note, "note")

        async def body(uow: UnitOfWork, after: AfterCommit) -> PaymentResult:
            c = await self._customer(uow, shop_id, customer_id, lock=settle_full)
            todo = parts
            if settle_full:
                if c.balance_paise <= 0:
                    raise InvalidAmount(0, "nothing is owed", "amount_paise")
                todo = [(c.balance_paise, modes.payment_mode(mode))]
            now = self._clock.now()
            payments = []
            balance = c.balance_paise
            for amount, m in todo:
                pay = await uow.payments.add(
                    shop_id=shop_id, customer_id=customer_id, amount_paise=amount, mode=m, note=note,
                    received_at=now,
                )
                _, balance = await uow.ledger.post(
                    shop_id=shop_id, customer_id=customer_id, kind="payment", amount_paise=-amount,
                    created_at=now, payment_id=pay.id, note=note,
                )
                payments.append(pay)
            total = sum(a for a, _ in todo)
            skipped: list[int] = []
            if balance <= 0:
                skipped = await uow.reminders.skip_scheduled_for_customer(shop_id, customer_id, now)
                for rid in skipped:
                    after.append(lambda rid=rid: self._jobs.cancel_reminder(rid))  # type: ignore[misc]
            return PaymentResult(customer_id, tuple(payments), total, balance, tuple(skipped))

        res = await self._action(shop_id, idempotency_key, "record_payment", PaymentResult, body)
        log.info("payment shop_id=%s customer_id=%s total_paise=%s", shop_id, customer_id, res.total_paise)
        return res

    async def add_udhaar(
        self, shop_id: int, customer_id: int, amount_paise: int, *, note: str = "",
        idempotency_key: str | None = None,
    ) -> LedgerPosting:
        """Credit given outside an invoice ("Rahul ko 500 udhaar"). Raises InvalidAmount, CustomerNotFound."""
        validate_amount(amount_paise)
        note = _text(note, "note")

        async def body(uow: UnitOfWork, after: AfterCommit) -> LedgerPosting:
            entry, balance = await uow.ledger.post(
                shop_id=shop_id, customer_id=customer_id, kind="udhaar", amount_paise=amount_paise,
                created_at=self._clock.now(), note=note,
            )
            return LedgerPosting(entry, balance)

        return await self._action(shop_id, idempotency_key, "add_udhaar", LedgerPosting, body)

    async def balance(self, shop_id: int, customer_id: int) -> Balance:
        c = await self.get_customer(shop_id, customer_id)
        return Balance(c, c.balance_paise)

    async def statement(self, shop_id: int, customer_id: int) -> Statement:
        """Every ledger entry, oldest first, with the running balance."""

        async def run(uow: UnitOfWork) -> Statement:
            c = await self._customer(uow, shop_id, customer_id)
            running, lines = 0, []
            for e in await uow.ledger.for_customer(shop_id, customer_id):
                running += e.amount_paise
                lines.append(StatementLine(e, running))
            return Statement(c, tuple(lines), running)

        return await self._read(run)

    async def list_outstanding(self, shop_id: int) -> list[Outstanding]:
        """Customers who owe money, largest balance first."""
        customers = await self._read(lambda uow: uow.customers.outstanding(shop_id))
        return [Outstanding(c, c.balance_paise) for c in customers]

    async def total_outstanding(self, shop_id: int) -> int:
        """Sum of positive balances, in paise."""
        return sum(o.balance_paise for o in await self.list_outstanding(shop_id))

    async def daily_summary(self, shop_id: int, day: date | None = None) -> DailySummary:
        """Sales (by mode, credit included), collections, udhaar, invoice count and top products
        for an Asia/Kolkata date (default: today in India)."""
        day = day or shop_date(self._clock.now())
        start, end = day_bounds(day)

        async def run(uow: UnitOfWork) -> DailySummary:
            await self._shop(uow, shop_id)
            rows = await uow.reports.daily(shop_id, start, end, 5)
            return DailySummary(
                shop_id=shop_id, date=day, sales_paise=sum(rows.sales_by_mode.values()),
                sales_by_mode=rows.sales_by_mode, collections_paise=sum(rows.collections_by_mode.values()),
                collections_by_mode=rows.collections_by_mode, udhaar_paise=rows.udhaar_paise,
                invoice_count=rows.invoice_count, cancelled_count=rows.cancelled_count,
                top_products=rows.top_products,
            )

        return await self._read(run)

    # --- reminders ----------------------------------------------------------------

    async def schedule_reminder(
        self, shop_id: int, customer_id: int, due_at: datetime, amount_paise: int | None = None, *,
        idempotency_key: str | None = None,
    ) -> Reminder:
        """Store a scheduled reminder row, then (after commit) ask the JobQueue for a timer.
        `due_at` must be timezone-aware. Raises CustomerNotFound, ValidationError, InvalidAmount."""
        if not isinstance(due_at, datetime) or due_at.tzinfo is None or due_at.utcoffset() is None:
            raise ValidationError("due_at must be a timezone-aware datetime", "due_at")
        if amount_paise is not None:
            validate_amount(amount_paise)

        async def body(uow: UnitOfWork, after: AfterCommit) -> Reminder:
            await self._customer(uow, shop_id, customer_id)
            r = await uow.reminders.add(
                shop_id=shop_id, customer_id=customer_id, amount_paise=amount_paise, due_at=due_at,
                created_at=self._clock.now(),
            )
            after.append(lambda: self._jobs.schedule_reminder(r.id, r.due_at))
            return r

        return await self._action(shop_id, idempotency_key, "schedule_reminder", Reminder, body)

    async def cancel_reminder(
        self, shop_id: int, reminder_id: int, *, idempotency_key: str | None = None
    ) -> Reminder:
        """Cancel a scheduled reminder (then the JobQueue timer). Raises ReminderNotFound,
        ReminderNotCancellable."""

        async def body(uow: UnitOfWork, after: AfterCommit) -> Reminder:
            r = await uow.reminders.get(shop_id, reminder_id, for_update=True)
            if r is None:
                raise ReminderNotFound(reminder_id)
            if r.status != "scheduled":
                raise ReminderNotCancellable(r.id, r.status)
            r = await uow.reminders.set_status(r.id, "cancelled", self._clock.now())
            after.append(lambda: self._jobs.cancel_reminder(reminder_id))
            return r

        return await self._action(shop_id, idempotency_key, "cancel_reminder", Reminder, body)

    async def list_reminders(
        self, shop_id: int, *, customer_id: int | None = None, status: str | None = None, limit: int = 100
    ) -> list[Reminder]:
        """Newest due first."""
        if status is not None and status not in REMINDER_STATUSES:
            raise ValidationError(f"status must be one of {REMINDER_STATUSES}", "status")
        limit = max(1, min(int(limit), 1000))
        return await self._read(
            lambda uow: uow.reminders.list_all(shop_id, customer_id=customer_id, status=status, limit=limit)
        )

    async def get_reminder(self, shop_id: int, reminder_id: int) -> Reminder:
        """Raises ReminderNotFound."""
        return await self._read_one(
            lambda uow: uow.reminders.get(shop_id, reminder_id), lambda: ReminderNotFound(reminder_id)
        )


# --- input checks (pure) ---------------------------------------------------------

_OFF_LOOP_ABOVE = 50  # candidates; scoring ~300 names takes ~10 ms of CPU: keep it off the event loop


async def _off_loop(size: int, fn: Callable[..., T], *args: Any) -> T:
    """Run a CPU-bound matcher inline for small shops, in a worker thread for big ones."""
    if size > _OFF_LOOP_ABOVE:
        return await asyncio.to_thread(fn, *args)
    return fn(*args)



def _text(value: object, field: str, *, required: bool = False, max_len: int = 500) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text", field)
    text = " ".join(value.split())
    if required and not text:
        raise ValidationError(f"{field} is required", field)
    if len(text) > max_len:
        raise ValidationError(f"{field} is too long", field)
    return text


def _names(values: Sequence[str] | None) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values or ():
        t = _text(v, "nicknames", max_len=200)
        if t and t not in out:
            out.append(t)
    return out[:20]


def _has_devanagari(text: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in text)


def _customer_fields(
    name: str, phone: str | None, nicknames: Sequence[str], landmark: str, name_devanagari: str
) -> dict[str, Any]:
    name = _text(name, "name", required=True, max_len=200)
    dev = _text(name_devanagari, "name_devanagari", max_len=200)
    roman = ""
    if _has_devanagari(name):
        dev = dev or name
        roman = devanagari_to_roman(name)
    return {
        "name": name,
        "phone": normalize_phone(phone) if phone and phone.strip() else None,
        "nicknames": _names(nicknames),
        "landmark": _text(landmark, "landmark", max_len=200),
        "name_roman": roman,
        "name_devanagari": dev,
    }


def _settings(settings: Mapping[str, Any] | None) -> ShopSettings:
    base = ShopSettings()
    if not settings:
        return base
    known = set(asdict(base))
    unknown = set(settings) - known
    if unknown:
        raise ValidationError(f"unknown shop settings: {sorted(unknown)}", "settings")
    merged = replace(base, **dict(settings))
    if not isinstance(merged.allow_negative_stock, bool):
        raise ValidationError("allow_negative_stock must be true or false", "settings")
    if not isinstance(merged.allow_dtmf_login, bool):
        raise ValidationError("allow_dtmf_login must be true or false", "settings")
    validate_amount(merged.confirm_limit_paise, field="confirm_limit_paise", allow_zero=True)
    return merged


async def _pin_hash(pin: str | None) -> str | None:
    if pin is None or str(pin).strip() == "":
        return None
    pin = str(pin).strip()
    if not credentials.valid_pin(pin):
        raise ValidationError("PIN must be 4-8 digits", "pin")
    return await asyncio.to_thread(credentials.hash_pin, pin)


def _item(x: ItemLike | Mapping[str, Any]) -> ItemRequest:
    if isinstance(x, ItemRequest):
        req = x
    elif isinstance(x, Mapping):
        ref = x.get("product_id", x.get("product", x.get("name")))
        req = ItemRequest(ref, x.get("quantity"), x.get("unit"))  # type: ignore[arg-type]
    elif isinstance(x, tuple | list) and len(x) in (2, 3):
        req = ItemRequest(x[0], x[1], x[2] if len(x) == 3 else None)  # type: ignore[arg-type, misc]
    else:
        raise ValidationError("an item is (product, quantity[, unit])", "items")
    if req.product is None or req.product == "":
        raise ValidationError("an item needs a product id or name", "items")
    if req.quantity is None:
        raise InvalidQuantity(None)
    units.to_decimal(req.quantity)
    if req.unit is not None:
        units.canonical_unit(req.unit)
    return req


def _product_id(ref: int | str) -> int | None:
    """An item's product as an id when it is one (int or digit string), else None (a name)."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    if isinstance(ref, str) and ref.strip().isdigit():
        return int(ref.strip())
    return None


def _gst_rate(rate_bp: object) -> int:
    if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or not 0 <= rate_bp <= 2800:
        raise ValidationError("gst_rate_bp must be an integer 0..2800 (basis points)", "gst_rate_bp")
    return rate_bp


def _hsn(hsn: str | None) -> str:
    text = (hsn or "").strip()
    if not (text.isdigit() or text == "") or len(text) > 8:
        raise ValidationError("hsn must be up to 8 digits", "hsn")
    return text


def _shortfall(p: Product, needed_milli: int) -> StockShortfall:
    return StockShortfall(p.id, p.name, p.unit, units.from_milli(needed_milli), units.from_milli(p.stock_milli))


def _payment_parts(
    amount_paise: int | None, mode: str, splits: Sequence[PaymentSplit] | None, settle_full: bool
) -> list[tuple[int, str]]:
    check_mode = modes.payment_mode

    if settle_full:
        if splits:
            raise ValidationError("settle_full takes one mode, not splits", "splits")
        check_mode(mode)
        return []
    if splits:
        if amount_paise is not None:
            total = sum(validate_amount(s.amount_paise) for s in splits)
            if total != amount_paise:
                raise InvalidAmount(amount_paise, "splits do not add up to amount_paise")
        parts = [(validate_amount(s.amount_paise), check_mode(s.mode)) for s in splits]
        if len(parts) > 10:
            raise ValidationError("too many splits", "splits")
        return parts
    if amount_paise is None:
        raise InvalidAmount(None, "amount_paise is required")
    return [(validate_amount(amount_paise), check_mode(mode))]
