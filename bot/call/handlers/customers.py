"""Customer records by phone: open a khata, nicknames and details, what we know of someone.

Every change is read back first and lands with `via="phone"`, so the
customer's history shows it came from a call.
"""

from __future__ import annotations

from typing import Any

from bot.call.handlers.context import HandlerContext
from bot.call.results import Confirm, Done, Question, Result
from bot.commands import (
    AddCustomer,
    DeleteCustomer,
    GetCustomerInfo,
    ProvideEmail,
    SetPriceTier,
    UpdateCustomer,
)

VIA = "phone"


async def add_customer(cmd: AddCustomer, ctx: HandlerContext) -> Result:
    """"Naya customer Pinky, number 98...": read back, then opened (with an opening balance if said)."""
    name = cmd.name
    if not name:
        return Question("ask_customer", "customer", cmd)

    async def execute(key: str) -> Done:
        customer = await ctx.books.add_customer(
            ctx.shop_id, name, phone=cmd.phone, nicknames=tuple(x for x in (cmd.nickname,) if x),
            landmark=cmd.landmark or "", opening_balance_paise=cmd.opening_balance_paise or 0, idempotency_key=key,
        )
        if cmd.email:
            customer = await ctx.books.update_customer(ctx.shop_id, customer.id, email=cmd.email, via=VIA,
                                                       idempotency_key=f"{key}:email")
        ctx.remember(customer)
        return Done("customer_added", {"customer": customer.name},
                    {"customer_id": customer.id, "balance_paise": customer.balance_paise}, action="add_customer")

    return Confirm("add_customer", ctx.summary("new_customer", name=name), execute, cmd)


def _changes(cmd: UpdateCustomer, nicknames: tuple[str, ...]) -> dict[str, Any]:
    """The fields the caller changed, as `Books.update_customer` takes them."""
    changes: dict[str, Any] = {}
    for field in ("phone", "landmark", "name_devanagari", "whatsapp_opt_in", "email", "phone_confirmed"):
        value = getattr(cmd, field)
        if value is not None:
            changes[field] = value
    if cmd.nickname and all(n.casefold() != cmd.nickname.casefold() for n in nicknames):
        changes["nicknames"] = (*nicknames, cmd.nickname)
    if cmd.new_name:
        changes["name"] = cmd.new_name
    return changes


async def update_customer(cmd: UpdateCustomer, ctx: HandlerContext) -> Result:
    """A nickname, phone, address, name, email, rate tier or WhatsApp consent (the books keep history)."""
    customer, strong = await ctx.customer(cmd.customer)
    changes = _changes(cmd, customer.nicknames)
    tier = cmd.price_tier if cmd.price_tier and cmd.price_tier != customer.price_tier else None
    if not changes and tier is None:
        if cmd.price_tier or cmd.nickname:  # already so: nothing to change
            return Done("customer_unchanged", {"customer": customer.name}, {"customer_id": customer.id})
        return Question("ask_update", "customer_field", cmd, {"customer": customer.name})
    ctx.remember(customer, strong)

    async def execute(key: str) -> Done:
        updated = customer
        if changes:
            updated = await ctx.books.update_customer(ctx.shop_id, customer.id, via=VIA, idempotency_key=key,
                                                      **changes)
        if tier is not None:
            updated = await ctx.books.set_customer_tier(ctx.shop_id, customer.id, tier, via=VIA,
                                                        idempotency_key=f"{key}:tier")
        ctx.remember(updated)
        changed = sorted([*changes, *(["price_tier"] if tier else [])])
        return Done("customer_updated", {"customer": updated.name},
                    {"customer_id": updated.id, "changed": changed}, action="update_customer")

    return Confirm("update_customer", ctx.summary("update_customer", customer=customer.name), execute, cmd)


async def set_price_tier(cmd: SetPriceTier, ctx: HandlerContext) -> Result:
    """"Rahul ke liye wholesale rate": the customer's tier; with nobody named and no bill open, nothing to set."""
    if cmd.customer is None or cmd.price_tier is None:
        return Done("draft_empty", {}, {"draft": None})
    return await update_customer(UpdateCustomer(customer=cmd.customer, price_tier=cmd.price_tier), ctx)


async def get_customer_info(cmd: GetCustomerInfo, ctx: HandlerContext) -> Result:
    customer, _ = await ctx.customer(cmd.customer)
    ctx.remember(customer)
    bal = await ctx.books.balance(ctx.shop_id, customer.id)
    params: dict[str, Any] = {"customer": customer.name, "balance_paise": bal.balance_paise}
    if customer.phone:
        params["phone"] = _spoken_phone(customer.phone)
    if customer.landmark:
        params["address"] = customer.landmark
    return Done("customer_info", params, {"customer_id": customer.id, "balance_paise": bal.balance_paise,
                                          "nicknames": list(customer.nicknames)}, action="customer_info")


def _spoken_phone(phone: str) -> str:
    """The last five digits are enough to recognise a number on the phone (and say less aloud)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return " ".join(digits[-5:])


async def delete_customer(cmd: DeleteCustomer, ctx: HandlerContext) -> Result:
    """The books keep every customer (their khata history must stay): say so, never delete."""
    customer, _ = await ctx.customer(cmd.customer)
    return Done("customer_kept", {"customer": customer.name}, {"customer_id": customer.id, "deleted": False})


async def provide_email(cmd: ProvideEmail, ctx: HandlerContext) -> Result:
    """An email dictated for the active (or named) customer, kept for sending documents."""
    if not cmd.email:
        return Question("ask_email", "email", cmd)
    customer, _ = await ctx.customer(cmd.customer)
    updated = await ctx.books.update_customer(ctx.shop_id, customer.id, email=cmd.email, via=VIA,
                                              idempotency_key=ctx.key)
    ctx.remember(updated)
    return Done("email_saved", {"email": cmd.email, "customer": updated.name},
                {"customer_id": updated.id, "email": cmd.email}, action="update_customer")
