"""Bills by phone: draft, read back, modify (discount, GST, rate, supply), book, cancel.

A bill is always quoted first. It books at once only when everything is sure
and small; otherwise the quote is read back and the pending read-back *is* the
draft that "das rupaye kam karo", "GST laga do" or "wholesale rate" change.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bot.call.handlers.context import HandlerContext
from bot.call.results import Confirm, Done, Question, Result
from bot.commands import CancelInvoice, Command, ConfirmInvoice, CreateInvoice, ShowDraft
from business.models import Customer, Invoice, ItemRequest
from business.shoptime import financial_year, invoice_number

MILLI = Decimal("0.001")


async def _items(cmd: CreateInvoice, ctx: HandlerContext) -> tuple[list[ItemRequest], bool]:
    """The spoken items as the books' requests, and whether every product match is strong.
    An item sold by value ("tees rupaye ki mirchi") becomes the quantity its price buys."""
    resolved: list[ItemRequest] = []
    strong = True
    for item in cmd.items:
        product, sure = await ctx.product(item.product)
        strong = strong and sure
        quantity = item.quantity
        unit = item.unit
        if quantity is None and item.amount_paise and product.price_paise > 0:
            quantity = (Decimal(item.amount_paise) / Decimal(product.price_paise)).quantize(MILLI, ROUND_HALF_UP)
            unit = None  # in the product's own unit
        if quantity is None or quantity <= 0:
            raise _AskQuantity(product.name)
        resolved.append(ItemRequest(product=product.id, quantity=quantity, unit=unit))
    return resolved, strong


class _AskQuantity(Exception):
    def __init__(self, product: str) -> None:
        super().__init__(product)
        self.product = product


def _options(cmd: CreateInvoice) -> dict[str, Any]:
    """Bill modifiers the books take, only those the caller set."""
    options: dict[str, Any] = {}
    if cmd.supply_type:
        options["supply_type"] = cmd.supply_type
    if cmd.price_tier:
        options["price_tier"] = cmd.price_tier
    if cmd.discount is not None:
        options["discount"] = cmd.discount
    return options


async def create_invoice(cmd: CreateInvoice, ctx: HandlerContext) -> Result:
    customer: Customer | None = None
    strong = True
    if not cmd.walk_in:
        customer, strong = await ctx.customer(cmd.customer)
        ctx.remember(customer, strong)
    if not cmd.items:
        return Question("ask_product", "items", cmd, {"customer": customer.name} if customer else {})
    try:
        items, products_strong = await _items(cmd, ctx)
    except _AskQuantity as ask:
        return Question("ask_quantity", "items", cmd, {"product": ask.product})
    strong = strong and products_strong
    mode = cmd.payment_mode or ("cash" if customer is None else "credit")
    with_gst = bool(cmd.with_gst)
    options = _options(cmd)
    customer_id = customer.id if customer else None
    quote = await ctx.books.quote_invoice(ctx.shop_id, customer_id, items, payment_mode=mode, with_gst=with_gst,
                                          **options)
    spoken_items = [{"product": line.description, "quantity": float(line.quantity), "unit": line.unit}
                    for line in quote.lines]
    params: dict[str, Any] = {"items": spoken_items, "total_paise": quote.total_paise}
    if customer is not None:
        params["customer"] = customer.name

    async def execute(key: str) -> Done:
        invoice = await ctx.books.create_invoice(ctx.shop_id, customer_id, items, payment_mode=mode,
                                                 with_gst=with_gst, idempotency_key=key, **options)
        ctx.remember(customer)
        reply: dict[str, Any] = {"invoice_no": invoice.invoice_no, "total_paise": invoice.total_paise}
        if customer is not None:
            reply["customer"] = customer.name
            if mode == "credit":
                reply["balance_paise"] = (await ctx.books.balance(ctx.shop_id, customer.id)).balance_paise
        return Done("invoice_confirmed", reply, {
            "invoice_id": invoice.id, "invoice_no": invoice.invoice_no, "total_paise": invoice.total_paise,
            "customer_id": invoice.customer_id,
        }, action="create_invoice")

    if ctx.weak or not strong or ctx.over_limit(quote.total_paise):
        summary = ctx.summary("invoice" if customer else "invoice_walk_in", customer=customer.name if customer else "",
                              items=spoken_items, total_paise=quote.total_paise)
        # The read-back ("Suresh ke liye do packet milk, kul saath rupaye. Pakka karoon?").
        return Confirm("create_invoice", summary, execute, cmd, draft=True, reply_code="invoice_drafted",
                       reply_params=params)
    return await execute(ctx.key)


async def confirm_invoice(cmd: ConfirmInvoice, ctx: HandlerContext) -> Result:
    """"Bill bana do" with no bill being drafted: start one, asking whose it is first ("Kiske liye?").
    The active customer is not assumed: a bill for the wrong person is worse than one more question."""
    if cmd.customer is not None and (cmd.customer.named or cmd.customer.active):
        customer, strong = await ctx.customer(cmd.customer)
        ctx.remember(customer, strong)
        return Question("ask_product", "items", cmd, {"customer": customer.name}, as_intent="create_invoice")
    return Question("ask_customer", "customer", cmd, as_intent="create_invoice")


async def show_draft(cmd: ShowDraft, ctx: HandlerContext) -> Result:
    return Done("draft_empty", {}, {"draft": None})


async def bill_modifier(cmd: Command, ctx: HandlerContext) -> Result:
    """A discount, GST or rate with no bill being drafted: say so (a bill is needed first)."""
    return Done("draft_empty", {}, {"draft": None})


async def cancel_invoice(cmd: CancelInvoice, ctx: HandlerContext) -> Result:
    invoice: Invoice
    if cmd.invoice_no:
        # "bill number 105": the running number of this financial year's series
        invoice = await ctx.books.get_invoice_by_no(ctx.shop_id, invoice_number(financial_year(ctx.now()), cmd.invoice_no))
    else:
        customer: Customer | None = None
        if cmd.customer is not None or ctx.chosen or ctx.state.active_customer:
            customer, _ = await ctx.customer(cmd.customer)
        invoice = await ctx.books.last_invoice(ctx.shop_id, customer.id if customer else None)
    params = {"invoice_no": invoice.invoice_no, "customer": invoice.customer_name}

    async def execute(key: str) -> Done:
        cancelled = await ctx.books.cancel_invoice(ctx.shop_id, invoice.id, idempotency_key=key)
        return Done("invoice_cancelled", params, {"invoice_id": cancelled.id, "status": cancelled.status},
                    action="cancel_invoice")

    # Cancelling is always read back and confirmed.
    summary = ctx.summary("cancel_invoice", customer=invoice.customer_name, invoice_no=invoice.invoice_no,
                          total_paise=invoice.total_paise)
    return Confirm("cancel_invoice", summary, execute, cmd)
