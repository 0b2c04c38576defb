"""Invoices: quote, post (stock out, credit to the ledger, the year's next number), look up, cancel."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from business import discounts, gst, modes, pricing, search, units
from business.actions.customers import load_customer
from business.actions.deliveries import note_entry
from business.actions.products import load_product, shortfall
from business.actions.runner import ActionRunner, AfterCommit
from business.actions.shops import load_shop
from business.discounts import Discount
from business.errors import (
    InsufficientStock,
    InvalidDiscount,
    InvalidQuantity,
    InvoiceAlreadyCancelled,
    InvoiceNotFound,
    ValidationError,
)
from business.models import Invoice, InvoiceLine, InvoiceQuote, ItemRequest, NewStockMove, Product, Shop
from business.ports import Clock, UnitOfWork
from business.shoptime import day_bounds, financial_year, invoice_number, shop_date

log = logging.getLogger(__name__)

ItemLike = ItemRequest | tuple[int | str, Decimal | int | str] | tuple[int | str, Decimal | int | str, str | None]


class InvoiceActions(ActionRunner):
    async def quote_invoice(
        self, shop_id: int, customer_id: int | None, items: Sequence[ItemLike], *,
        payment_mode: str = "credit", with_gst: bool = False, supply_type: str = "intrastate",
        discount: Discount | None = None, price_tier: str | None = None,
    ) -> InvoiceQuote:
        """Compute the invoice (lines, discount, GST, round-off, total) without posting anything,
        so the bot can read back "kul 130 rupaye" before confirming. Same errors as create."""

        async def run(uow: UnitOfWork) -> InvoiceQuote:
            shop = await load_shop(uow, shop_id)
            return await build_quote(
                uow, shop, customer_id, items, payment_mode, with_gst, supply_type,
                clock=self._clock, lock=False, discount=discount, price_tier=price_tier,
            )

        return await self._read(run)

    async def create_invoice(
        self, shop_id: int, customer_id: int | None, items: Sequence[ItemLike], *,
        payment_mode: str = "credit", with_gst: bool = False, supply_type: str = "intrastate",
        discount: Discount | None = None, price_tier: str | None = None, idempotency_key: str | None = None,
    ) -> Invoice:
        """Post an invoice: items resolved to products, units converted, stock checked and
        decremented (race-safe), GST (CGST+SGST or IGST) and round-off to the rupee, the next
        consecutive number of the financial year. `payment_mode` "credit" (default, needs a
        customer) posts a sale_credit ledger entry; cash/upi/card/cheque/bank means paid now.
        `customer_id` None is a walk-in. `price_tier` (retail/wholesale/dealer) prices the lines,
        else the customer's tier, else retail; a product without that tier's price sells at retail.
        `discount` comes off before tax (pro rata over the lines when on the whole bill; see
        `business.discounts`); the ledger is debited the discounted total. Raises ProductNotFound,
        AmbiguousProduct, InvalidQuantity, InvalidUnit, InsufficientStock, CustomerNotFound,
        InvalidDiscount, ValidationError."""

        async def body(uow: UnitOfWork, after: AfterCommit) -> Invoice:
            shop = await load_shop(uow, shop_id)
            quote = await build_quote(
                uow, shop, customer_id, items, payment_mode, with_gst, supply_type,
                clock=self._clock, lock=True, discount=discount, price_tier=price_tier,
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
                entry, balance = await uow.ledger.post(
                    shop_id=shop_id, customer_id=customer_id, kind="sale_credit",
                    amount_paise=invoice.total_paise, created_at=now, invoice_id=invoice.id,
                    note=invoice.invoice_no,
                )
                await note_entry(uow, after, self._jobs, shop_id, entry, balance)  # the customer hears of it
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
                entry, balance = await uow.ledger.post(
                    shop_id=shop_id, customer_id=e.customer_id, kind="reversal", amount_paise=-e.amount_paise,
                    created_at=now, invoice_id=inv.id, reversal_of=e.id, note=f"cancel {inv.invoice_no}",
                )
                await note_entry(uow, after, self._jobs, shop_id, entry, balance)  # the customer hears of it
            await uow.invoices.mark_cancelled(inv.id, now)
            return replace(inv, status="cancelled", cancelled_at=now)

        inv = await self._action(shop_id, idempotency_key, "cancel_invoice", Invoice, body)
        log.info("cancelled invoice shop_id=%s invoice_id=%s", shop_id, inv.id)
        return inv


async def build_quote(
    uow: UnitOfWork, shop: Shop, customer_id: int | None, items: Sequence[ItemLike],
    payment_mode: str, with_gst: bool, supply_type: str, *, clock: Clock, lock: bool,
    discount: Discount | None = None, price_tier: str | None = None,
) -> InvoiceQuote:
    """The priced invoice for `items` (GST rates in force on today's shop date, the bill's
    price tier, the discount before tax); with `lock` the products stay locked FOR UPDATE
    for the posting that follows."""
    payment_mode = modes.invoice_payment_mode(payment_mode)
    if discount is not None:
        discount = discounts.check(discount)
    supply_type = modes.supply_type(supply_type)
    requests = [item_request(x) for x in items]
    if not requests:
        raise ValidationError("an invoice needs at least one item", "items")
    if len(requests) > 200:
        raise ValidationError("too many items on one invoice", "items")
    customer_name, customer_tier = "", None
    if customer_id is not None:
        customer = await load_customer(uow, shop.id, customer_id)
        customer_name, customer_tier = customer.name, customer.price_tier
    elif payment_mode == "credit":
        raise ValidationError("a credit sale needs a customer", "customer_id")
    resolved: list[tuple[ItemRequest, Product, int]] = []
    catalogue: list[Product] | None = None
    # Names are resolved against the catalogue first; then every product is locked in one
    # statement in id order, so two invoices never wait on each other in opposite orders.
    wanted: list[int] = []
    refs = [req.product for req in requests] + ([discount.product] if discount and discount.product else [])
    for ref in refs:
        pid = product_id_of(ref)
        if pid is None:
            if catalogue is None:
                catalogue = await uow.products.list_all(shop.id)
            pid = search.resolve_product(str(ref), catalogue).id
        wanted.append(pid)
    discounted_pid = wanted.pop() if len(wanted) > len(requests) else None
    tier = pricing.bill_tier(price_tier, customer_tier)
    tier_prices = await uow.prices.for_tier(shop.id, wanted, tier) if tier != pricing.RETAIL else {}
    rates: dict[int, int] = {}
    if with_gst:  # the rate in force on the bill's date (rates change by notification)
        rates = await uow.products.gst_rates_on(shop.id, wanted, shop_date(clock.now()))
    if lock:
        current = await uow.products.lock(shop.id, wanted)
    else:
        current = {pid: await load_product(uow, shop.id, pid) for pid in dict.fromkeys(wanted)}
    for req, pid in zip(requests, wanted, strict=True):
        product = current[pid]
        resolved.append((req, product, units.to_milli(req.quantity, req.unit, product.unit)))
    if not shop.settings.allow_negative_stock:
        need: dict[int, int] = {}
        for _, p, milli in resolved:
            need[p.id] = need.get(p.id, 0) + milli
        short = [shortfall(current[pid], n) for pid, n in need.items() if current[pid].stock_milli < n]
        if short:
            raise InsufficientStock(short)
    prices = [pricing.unit_price(current[p.id], tier, tier_prices) for _, p, _ in resolved]
    gross = [gst.line_amount(price, milli) for price, (_, _, milli) in zip(prices, resolved, strict=True)]
    line_rates = [rates.get(p.id, current[p.id].gst_rate_bp) for _, p, _ in resolved]

    def taxed(off: list[int]) -> list[gst.LineTax]:
        return [
            gst.line_tax(g - d, rate, with_gst=with_gst, supply_type=supply_type)
            for g, d, rate in zip(gross, off, line_rates, strict=True)
        ]

    off = [0 for _ in resolved]
    if discount is not None:
        eligible = [discounted_pid is None or p.id == discounted_pid for _, p, _ in resolved]
        if not any(eligible):
            raise InvalidDiscount("not_on_bill", "the discounted product is not on the bill")
        off = discounts.per_line(discount, gross, eligible, lambda o: _before_round_off(taxed(o)))
    taxes = taxed(off)
    lines: list[InvoiceLine] = []
    for no, (req, p0, milli) in enumerate(resolved, start=1):
        p, tax = current[p0.id], taxes[no - 1]
        asked_unit = units.canonical_unit(req.unit) if req.unit else p.unit
        lines.append(
            InvoiceLine(
                line_no=no, product_id=p.id, description=p.name, hsn=p.hsn,
                quantity=units.to_decimal(req.quantity).normalize(), unit=asked_unit, qty_milli=milli,
                unit_price_paise=prices[no - 1], taxable_paise=tax.taxable_paise,
                gst_rate_bp=line_rates[no - 1] if with_gst else 0, cgst_paise=tax.cgst_paise,
                sgst_paise=tax.sgst_paise, igst_paise=tax.igst_paise, total_paise=tax.total_paise,
                discount_paise=off[no - 1],
            )
        )
    t = gst.totals(taxes)
    return InvoiceQuote(
        shop_id=shop.id, customer_id=customer_id, customer_name=customer_name, payment_mode=payment_mode,
        with_gst=bool(with_gst), supply_type=supply_type, lines=tuple(lines),
        subtotal_paise=t.subtotal_paise, cgst_paise=t.cgst_paise, sgst_paise=t.sgst_paise,
        igst_paise=t.igst_paise, round_off_paise=t.round_off_paise, total_paise=t.total_paise,
        discount_paise=sum(off), price_tier=tier,
    )


def _before_round_off(taxes: list[gst.LineTax]) -> int:
    t = gst.totals(taxes)
    return t.total_paise - t.round_off_paise


# --- input checks (pure) -----------------------------------------------------------


def item_request(x: ItemLike | Mapping[str, Any]) -> ItemRequest:
    """One invoice item from an ItemRequest, a (product, quantity[, unit]) tuple or a mapping."""
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


def product_id_of(ref: int | str) -> int | None:
    """An item's product as an id when it is one (int or digit string), else None (a name)."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    if isinstance(ref, str) and ref.strip().isdigit():
        return int(ref.strip())
    return None
