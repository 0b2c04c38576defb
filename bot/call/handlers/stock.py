"""Stock by phone: how much is left, what is running low, stock in / out / counted, new products."""

from __future__ import annotations

from typing import Any

from bot.call.handlers.context import HandlerContext
from bot.call.results import Confirm, Done, Question, Result
from bot.commands import AddProduct, CheckStock, UpdateStock

LIST_LIMIT = 5


async def check_stock(cmd: CheckStock, ctx: HandlerContext) -> Result:
    if not cmd.product:  # "kya khatam ho raha hai": what is running low
        low = await ctx.books.low_stock(ctx.shop_id)
        result = {"low_stock": [p.id for p in low]}
        if not low:
            return Done("low_stock_none", {}, result, action="check_stock")
        return Done("low_stock_list", {"products": [p.name for p in low[:LIST_LIMIT]]}, result, action="check_stock")
    product, _ = await ctx.product(cmd.product)
    return Done("stock_level", {"product": product.name, "quantity": float(product.stock), "unit": product.unit},
                {"product_id": product.id, "stock_milli": product.stock_milli}, action="check_stock")


async def update_stock(cmd: UpdateStock, ctx: HandlerContext) -> Result:
    """Stock received ("bees kilo sooji aaya"), removed (damaged, returned, own use) or counted (set)."""
    if not cmd.product:
        return Question("ask_product", "product", cmd)
    quantity = cmd.quantity
    if quantity is None:
        return Question("ask_quantity", "items", cmd, {"product": cmd.product})
    product, strong = await ctx.product(cmd.product)
    operation = cmd.operation or "add"
    unit = cmd.unit
    action = {"add": "receive_stock", "remove": "remove_stock", "set": "set_stock"}[operation]

    async def execute(key: str) -> Done:
        books = ctx.books
        if operation == "add":
            change = await books.receive_stock(ctx.shop_id, product.id, quantity, unit, note=cmd.note or "",
                                               idempotency_key=key)
        elif operation == "remove":
            change = await books.remove_stock(ctx.shop_id, product.id, quantity, unit,
                                              **_removal(cmd), idempotency_key=key)
        else:
            change = await books.set_stock(ctx.shop_id, product.id, quantity, unit, note=cmd.note or "",
                                           idempotency_key=key)
        after = change.product
        return Done("stock_updated", {
            "product": after.name, "quantity": float(quantity), "unit": unit or after.unit,
            "stock_quantity": float(after.stock),
        }, {"product_id": after.id, "stock_milli": after.stock_milli, "operation": operation,
            "move_id": change.move.id if change.move else None}, action=action)

    if ctx.weak or not strong or operation != "add":
        kind = {"add": "stock_receive", "remove": "stock_remove", "set": "stock_set"}[operation]
        summary = ctx.summary(kind, product=product.name, quantity=quantity, unit=unit or product.unit)
        return Confirm(action, summary, execute, cmd)
    return await execute(ctx.key)


def _removal(cmd: UpdateStock) -> dict[str, Any]:
    """Why stock went out (damaged, returned, own use), in the books' terms."""
    return {"note": cmd.note or "", "reason": cmd.reason}


async def add_product(cmd: AddProduct, ctx: HandlerContext) -> Result:
    """"Naya item Amul butter 100 gram, 60 rupaye": a product with a price, read back first."""
    name, price = cmd.name, cmd.price_paise
    if not name:
        return Question("ask_product", "product", cmd)
    if price is None:
        return Question("ask_amount", "amount", cmd)
    unit = cmd.unit or "piece"

    async def execute(key: str) -> Done:
        product = await ctx.books.add_product(ctx.shop_id, name, unit=unit, price_paise=price,
                                              stock=cmd.stock or 0, idempotency_key=key)
        return Done("product_added", {"product": product.name, "price_paise": product.price_paise},
                    {"product_id": product.id, "price_paise": product.price_paise}, action="add_product")

    summary = ctx.summary("new_product", product=name, amount_paise=price)
    return Confirm("add_product", summary, execute, cmd)
