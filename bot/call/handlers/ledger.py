"""Money in and out of a customer's khata: payments, udhaar, balances, who owes what."""

from __future__ import annotations

from bot.call.handlers.context import HandlerContext
from bot.call.results import Confirm, Done, Question, Result
from bot.commands import AddUdhaar, CheckBalance, ListOutstanding, RecordPayment, TotalOutstanding
from business.models import PaymentSplit

# A phone list must stay short: the biggest five.
LIST_LIMIT = 5


async def record_payment(cmd: RecordPayment, ctx: HandlerContext) -> Result:
    customer, strong = await ctx.customer(cmd.customer)
    ctx.remember(customer, strong)
    mode = cmd.payment_mode or "cash"
    splits = [PaymentSplit(amount_paise=s.amount_paise, mode=s.payment_mode or mode) for s in cmd.splits] or None
    amount = sum(s.amount_paise for s in splits) if splits else cmd.amount_paise
    if amount is None and not cmd.settle_full:
        return Question("ask_amount", "amount", cmd, {"customer": customer.name})
    if cmd.settle_full:
        amount = (await ctx.books.balance(ctx.shop_id, customer.id)).balance_paise
    assert amount is not None
    params = {"customer": customer.name, "amount_paise": amount, "payment_mode": mode}

    async def execute(key: str) -> Done:
        paid = await ctx.books.record_payment(
            ctx.shop_id, customer.id, None if (cmd.settle_full or splits) else amount, mode, splits=splits,
            settle_full=cmd.settle_full, idempotency_key=key,
        )
        ctx.remember(customer)
        # Nothing (or an advance) left: "hisaab saaf" reads better than "baaki minus bees rupaye".
        reply = {**params, "amount_paise": paid.total_paise, "balance_paise": paid.balance_paise}
        code = "payment_recorded" if paid.balance_paise > 0 else "payment_settled"
        if paid.balance_paise < 0:
            code, reply["advance_paise"] = "payment_advance", -paid.balance_paise
        return Done(code, reply, {
            "customer_id": customer.id, "amount_paise": paid.total_paise,
            "payment_ids": [p.id for p in paid.payments], "balance_paise": paid.balance_paise,
        }, action="record_payment")

    summary = ctx.summary("payment", customer=customer.name, amount_paise=amount, payment_mode=mode)
    if ctx.weak or not strong or cmd.settle_full or ctx.over_limit(amount):
        return Confirm("record_payment", summary, execute, cmd)
    return await execute(ctx.key)


async def add_udhaar(cmd: AddUdhaar, ctx: HandlerContext) -> Result:
    customer, strong = await ctx.customer(cmd.customer)
    ctx.remember(customer, strong)
    amount = cmd.amount_paise
    if amount is None:
        return Question("ask_amount", "amount", cmd, {"customer": customer.name})
    params = {"customer": customer.name, "amount_paise": amount}

    async def execute(key: str) -> Done:
        posting = await ctx.books.add_udhaar(ctx.shop_id, customer.id, amount, note=cmd.note or "",
                                             idempotency_key=key)
        ctx.remember(customer)
        return Done("udhaar_added", {**params, "balance_paise": posting.balance_paise}, {
            "customer_id": customer.id, "amount_paise": amount, "entry_id": posting.entry.id,
            "balance_paise": posting.balance_paise,
        }, action="add_udhaar")

    summary = ctx.summary("udhaar", customer=customer.name, amount_paise=amount)
    if ctx.weak or not strong or ctx.over_limit(amount):
        return Confirm("add_udhaar", summary, execute, cmd)
    return await execute(ctx.key)


async def check_balance(cmd: CheckBalance, ctx: HandlerContext) -> Result:
    customer, _ = await ctx.customer(cmd.customer)
    ctx.remember(customer)
    bal = await ctx.books.balance(ctx.shop_id, customer.id)
    result = {"customer_id": customer.id, "balance_paise": bal.balance_paise}
    # The resolved name is spoken, so a misheard name corrects itself.
    if bal.balance_paise == 0:
        return Done("balance_clear", {"customer": customer.name}, result, action="balance")
    if bal.balance_paise < 0:
        return Done("balance_advance", {"customer": customer.name, "advance_paise": -bal.balance_paise}, result,
                    action="balance")
    return Done("balance", {"customer": customer.name, "balance_paise": bal.balance_paise}, result, action="balance")


async def total_outstanding(cmd: TotalOutstanding, ctx: HandlerContext) -> Result:
    total = await ctx.books.total_outstanding(ctx.shop_id)
    return Done("total_outstanding", {"total_paise": total}, {"total_paise": total}, action="total_outstanding")


async def list_outstanding(cmd: ListOutstanding, ctx: HandlerContext) -> Result:
    everyone = await ctx.books.list_outstanding(ctx.shop_id)
    rows = everyone[:LIST_LIMIT]
    result = {"customers": [{"id": r.customer.id, "balance_paise": r.balance_paise} for r in rows]}
    if not rows:
        return Done("outstanding_none", {}, result, action="list_outstanding")
    return Done("outstanding_list", {
        "count": len(everyone),
        "entries": [{"customer": r.customer.name, "balance_paise": r.balance_paise} for r in rows],
    }, result, action="list_outstanding")
