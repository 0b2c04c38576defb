"""What each command does: resolve who and what was meant, then act on the books.

`Commands` holds one call's access to the books and its state; each handler
fills an `Outcome` (action, result, reply) or raises `Ask` with a question.
Booking handlers go through `_book`, which either posts at once or, when the
match is weak, the amount is above the shop's limit, or the action cancels
something, stores a read-back (`PendingAction`) for the caller to confirm.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.call.clock import CallClock
from bot.call.entities import IST, due_at, items_of, payment_mode, rupees_to_paise
from bot.call.matching import is_strong_match
from bot.call.outcome import Outcome
from bot.call.speech import Speaker
from bot.call.state import CallState, PendingAction
from business.books import Books
from business.errors import CustomerNotFound, ExecoraError, ProductNotFound
from business.models import Customer, Invoice, ItemRequest, Product

Executed = tuple[str, dict[str, Any], dict[str, Any]]  # reply code, reply params, result summary


class Ask(Exception):
    """Short-circuit a handler with a question or an explanation for the caller."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Commands:
    """One call's command handlers (see `HANDLERS`)."""

    def __init__(
        self, *, books: Books, state: CallState, speaker: Speaker, clock: CallClock, call_sid: str,
        greeting_name: str,
    ) -> None:
        self._books = books
        self.state = state
        self._speaker = speaker
        self._clock = clock
        self._call_sid = call_sid
        self._greeting_name = greeting_name

    def handler(self, intent: str) -> Callable[[Outcome, dict[str, Any], bool, Customer | None], Awaitable[None]] | None:
        """The bound handler for `intent`, or None when the phone path does not act on it."""
        fn = HANDLERS.get(intent)
        if fn is None:
            return None

        async def bound(o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
            await fn(self, o, e, weak, chosen)

        return bound

    def _reply(self, o: Outcome, code: str, **params: Any) -> Outcome:
        o.code = code
        o.reply = self._speaker.say(code, **params)
        return o

    def _summary(self, kind: str, **params: Any) -> str:
        """The read-back sentence before "Pakka karoon?", in the call's language."""
        return self._speaker.summary(kind, **params)

    def _key(self, turn: int) -> str:
        return f"{self._call_sid}:{turn}"

    async def _customer(self, entities: dict[str, Any], chosen: Customer | None) -> tuple[Customer, bool]:
        """The customer a command is about and whether the match is strong."""
        if chosen is not None:
            return chosen, True
        name = entities.get("customer")
        if entities.get("customer_ref") == "active" or not name:
            if self.state.active_customer is not None:
                return self.state.active_customer, True
            raise Ask("ask_customer")
        name = str(name)
        hint = entities.get("customer_hint")
        try:
            customer = await self._books.resolve_customer(self.state.shop_id, name, hint)
        except CustomerNotFound as exc:
            if exc.candidates:
                # Something only resembles the name: use it, but only after a read-back.
                return exc.candidates[0].customer, False
            raise
        return customer, is_strong_match(name, customer)

    async def _product(self, name: str) -> tuple[Product, bool]:
        try:
            product = await self._books.resolve_product(self.state.shop_id, name)
        except ProductNotFound as exc:
            if exc.candidates:
                return exc.candidates[0].product, False
            raise
        return product, is_strong_match(name, product)

    async def _book(
        self,
        o: Outcome,
        *,
        action: str,
        intent: str,
        entities: dict[str, Any],
        confirm: bool,
        question_code: str,
        question_params: dict[str, Any],
        execute: Callable[[str], Awaitable[Executed]],
    ) -> None:
        """Run `execute` now, or read it back and wait for a yes when `confirm`."""
        o.action = action
        key = self._key(o.turn_no)

        async def run() -> Executed:
            try:
                return await execute(key)
            except ExecoraError as exc:
                return exc.code, {**exc.details(), **error_params(exc)}, {"error": exc.code}

        if confirm:
            question = self._speaker.say(question_code, **question_params)
            self.state.pending = PendingAction(action, intent, entities, question, run, o.turn_no)
            o.result = {"awaiting_confirmation": True}
            o.code, o.reply = question_code, question
            return
        code, params, result = await run()
        o.timings["action_done"] = self._clock.now_ms()
        o.result = result
        self._reply(o, code, **params)

    # --- intents -------------------------------------------------------------------

    async def _h_create_invoice(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        items = items_of(e)
        if items is None:
            raise Ask("ask_product")
        walk_in = bool(e.get("walk_in"))
        customer: Customer | None = None
        strong = True
        if not walk_in:
            customer, strong = await self._customer(e, chosen)
            self.state.active_customer = customer if strong else self.state.active_customer
        resolved: list[ItemRequest] = []
        for item in items:
            product, product_strong = await self._product(str(item.product))
            strong = strong and product_strong
            resolved.append(ItemRequest(product=product.id, quantity=item.quantity, unit=item.unit))
        mode = payment_mode(e, default="cash" if customer is None else "credit")
        with_gst = bool(e.get("with_gst", False))
        quote = await self._books.quote_invoice(
            self.state.shop_id, customer.id if customer else None, resolved, payment_mode=mode, with_gst=with_gst
        )
        confirm = weak or not strong or quote.total_paise > self.state.confirm_limit_paise
        spoken_items = [{"product": line.description, "quantity": float(line.quantity), "unit": line.unit}
                        for line in quote.lines]
        params: dict[str, Any] = {"items": spoken_items, "total_paise": quote.total_paise}
        if customer is not None:
            params["customer"] = customer.name

        async def execute(key: str) -> Executed:
            invoice = await self._books.create_invoice(
                self.state.shop_id, customer.id if customer else None, resolved, payment_mode=mode,
                with_gst=with_gst, idempotency_key=key,
            )
            if customer is not None:
                self.state.active_customer = customer
            reply: dict[str, Any] = {"invoice_no": invoice.invoice_no, "total_paise": invoice.total_paise}
            if customer is not None:
                reply["customer"] = customer.name
                if mode == "credit":
                    reply["balance_paise"] = await self._balance_of(customer)
            return "invoice_confirmed", reply, {
                "invoice_id": invoice.id, "invoice_no": invoice.invoice_no, "total_paise": invoice.total_paise,
                "customer_id": invoice.customer_id}

        # The read-back ("Suresh ke liye do packet milk, kul saath rupaye. Pakka karoon?").
        await self._book(o, action="create_invoice", intent="create_invoice", entities=e, confirm=confirm,
                         question_code="invoice_drafted", question_params=params, execute=execute)

    async def _h_record_payment(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        customer, strong = await self._customer(e, chosen)
        if strong:
            self.state.active_customer = customer
        mode = payment_mode(e, default="cash")
        settle = bool(e.get("settle_full"))
        amount = rupees_to_paise(e.get("amount"))
        splits_raw = e.get("splits") if isinstance(e.get("splits"), list) else None
        splits = None
        if splits_raw:
            from business.models import PaymentSplit

            splits = []
            for s in splits_raw:
                paise = rupees_to_paise(s.get("amount")) if isinstance(s, dict) else None
                if paise is None:
                    raise Ask("ask_amount", customer=customer.name)
                splits.append(PaymentSplit(amount_paise=paise, mode=payment_mode(s)))
            amount = sum(s.amount_paise for s in splits)
        if amount is None and not settle:
            raise Ask("ask_amount", customer=customer.name)
        if settle:
            amount = (await self._books.balance(self.state.shop_id, customer.id)).balance_paise
        assert amount is not None
        confirm = weak or not strong or settle or amount > self.state.confirm_limit_paise
        params = {"customer": customer.name, "amount_paise": amount, "payment_mode": mode}

        async def execute(key: str) -> Executed:
            result = await self._books.record_payment(
                self.state.shop_id, customer.id, None if settle else (None if splits else amount), mode,
                splits=splits, settle_full=settle, idempotency_key=key,
            )
            self.state.active_customer = customer
            # Nothing (or an advance) left: "hisaab saaf" reads better than "baaki minus bees rupaye".
            code = "payment_recorded" if result.balance_paise > 0 else "payment_settled"
            return code, {**params, "amount_paise": result.total_paise,
                          "balance_paise": result.balance_paise}, {
                "customer_id": customer.id, "amount_paise": result.total_paise,
                "payment_ids": [p.id for p in result.payments], "balance_paise": result.balance_paise}

        await self._book(o, action="record_payment", intent="record_payment", entities=e, confirm=confirm,
                         question_code="confirm_prompt", question_params={"summary": self._summary(
                             "payment", customer=customer.name, amount_paise=amount, payment_mode=mode)},
                         execute=execute)

    async def _h_add_udhaar(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        customer, strong = await self._customer(e, chosen)
        if strong:
            self.state.active_customer = customer
        amount = rupees_to_paise(e.get("amount"))
        if amount is None:
            raise Ask("ask_amount", customer=customer.name)
        confirm = weak or not strong or amount > self.state.confirm_limit_paise
        params = {"customer": customer.name, "amount_paise": amount}

        async def execute(key: str) -> Executed:
            posting = await self._books.add_udhaar(
                self.state.shop_id, customer.id, amount, note=str(e.get("note") or ""), idempotency_key=key
            )
            self.state.active_customer = customer
            return "udhaar_added", {**params, "balance_paise": posting.balance_paise}, {
                "customer_id": customer.id, "amount_paise": amount, "entry_id": posting.entry.id,
                "balance_paise": posting.balance_paise}

        await self._book(o, action="add_udhaar", intent="add_udhaar", entities=e, confirm=confirm,
                         question_code="confirm_prompt", question_params={"summary": self._summary(
                             "udhaar", customer=customer.name, amount_paise=amount)}, execute=execute)

    async def _h_cancel_invoice(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        shop = self.state.shop_id
        invoice: Invoice
        if e.get("invoice_no"):
            invoice = await self._books.get_invoice_by_no(shop, str(e["invoice_no"]))
        else:
            customer: Customer | None = None
            if e.get("customer") or e.get("customer_ref") or chosen or self.state.active_customer:
                customer, _ = await self._customer(e, chosen)
            invoice = await self._books.last_invoice(shop, customer.id if customer else None)
        params = {"invoice_no": invoice.invoice_no, "customer": invoice.customer_name}

        async def execute(key: str) -> Executed:
            cancelled = await self._books.cancel_invoice(shop, invoice.id, idempotency_key=key)
            return "invoice_cancelled", params, {"invoice_id": cancelled.id, "status": cancelled.status}

        # Cancelling is always read back and confirmed.
        await self._book(o, action="cancel_invoice", intent="cancel_invoice", entities=e, confirm=True,
                         question_code="confirm_prompt", question_params={"summary": self._summary(
                             "cancel_invoice", customer=invoice.customer_name, invoice_no=invoice.invoice_no,
                             total_paise=invoice.total_paise)}, execute=execute)

    async def _h_check_balance(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        customer, _ = await self._customer(e, chosen)
        self.state.active_customer = customer
        o.action = "balance"
        bal = await self._books.balance(self.state.shop_id, customer.id)
        o.timings["action_done"] = self._clock.now_ms()
        o.result = {"customer_id": customer.id, "balance_paise": bal.balance_paise}
        # The resolved name is spoken, so a misheard name corrects itself.
        if bal.balance_paise == 0:
            self._reply(o, "balance_clear", customer=customer.name)
        elif bal.balance_paise < 0:
            self._reply(o, "balance_advance", customer=customer.name, advance_paise=-bal.balance_paise)
        else:
            self._reply(o, "balance", customer=customer.name, balance_paise=bal.balance_paise)

    async def _h_total_outstanding(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        o.action = "total_outstanding"
        total = await self._books.total_outstanding(self.state.shop_id)
        o.result = {"total_paise": total}
        self._reply(o, "total_outstanding", total_paise=total)

    async def _h_list_outstanding(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        o.action = "list_outstanding"
        everyone = await self._books.list_outstanding(self.state.shop_id)
        rows = everyone[:5]  # the biggest five: a phone list must stay short
        o.result = {"customers": [{"id": r.customer.id, "balance_paise": r.balance_paise} for r in rows]}
        if not rows:
            self._reply(o, "outstanding_none")
            return
        self._reply(o, "outstanding_list", count=len(everyone),
                    entries=[{"customer": r.customer.name, "balance_paise": r.balance_paise} for r in rows])

    async def _h_daily_summary(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        o.action = "daily_summary"
        day = None
        period = e.get("period")
        if isinstance(period, dict) and isinstance(period.get("day_offset"), int):
                day = (datetime.now(IST).date() + timedelta(days=int(period["day_offset"])))
        s = await self._books.daily_summary(self.state.shop_id, day)
        o.result = {"date": s.date.isoformat(), "sales_paise": s.sales_paise,
                    "collections_paise": s.collections_paise, "invoice_count": s.invoice_count}
        period = period.get("phrase") if isinstance(period, dict) else None
        self._reply(o, "daily_summary", sales_paise=s.sales_paise, collections_paise=s.collections_paise,
                    invoice_count=s.invoice_count, **({"period": period} if period else {}))

    async def _h_check_stock(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        o.action = "check_stock"
        if e.get("low_stock") or not e.get("product"):
            low = await self._books.low_stock(self.state.shop_id)
            o.result = {"low_stock": [p.id for p in low]}
            if not low:
                self._reply(o, "low_stock_none")
            else:
                self._reply(o, "low_stock_list", products=[p.name for p in low[:5]])
            return
        product, _ = await self._product(str(e["product"]))
        o.result = {"product_id": product.id, "stock_milli": product.stock_milli}
        self._reply(o, "stock_level", product=product.name, quantity=float(product.stock), unit=product.unit)

    async def _h_schedule_reminder(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        customer, strong = await self._customer(e, chosen)
        if strong:
            self.state.active_customer = customer
        at = due_at(e.get("when"))
        if at is None:
            raise Ask("ask_when", customer=customer.name)
        amount = rupees_to_paise(e.get("amount"))
        params = {"customer": customer.name, "due_at": at, "now": datetime.now(IST)}

        async def execute(key: str) -> Executed:
            reminder = await self._books.schedule_reminder(self.state.shop_id, customer.id, at, amount,
                                                           idempotency_key=key)
            return "reminder_scheduled", params, {"reminder_id": reminder.id, "due_at": at.isoformat()}

        await self._book(o, action="schedule_reminder", intent="schedule_reminder", entities=e,
                         confirm=weak or not strong, question_code="confirm_prompt",
                         question_params={"summary": self._summary("reminder", customer=customer.name, due_at=at)},
                         execute=execute)

    async def _h_show_draft(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        raise Ask("not_understood")

    async def _h_greeting(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        self._reply(o, "greeting", name=self._greeting_name)

    async def _h_help(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        self._reply(o, "help")

    async def _h_goodbye(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        o.end_call = True
        self._reply(o, "goodbye")

    async def _h_switch_language(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        lang = str(e.get("language") or "")
        new = {"en": "en", "hi": "hi", "hinglish": "hinglish"}.get(lang)
        if new is None:
            raise Ask("not_supported", language=lang)
        self.state.language = self._speaker.language = new
        self._reply(o, "language_switched", new_language=new)

    async def _h_delete_customer(self, o: Outcome, e: dict[str, Any], weak: bool, chosen: Customer | None) -> None:
        # The books keep customers (their ledger must stay); deleting is not offered by phone.
        raise Ask("not_supported", intent="delete_customer")

    async def _balance_of(self, customer: Customer | None) -> int:
        if customer is None:
            return 0
        return (await self._books.balance(self.state.shop_id, customer.id)).balance_paise


Handler = Callable[[Commands, Outcome, dict[str, Any], bool, Customer | None], Awaitable[None]]
HANDLERS: dict[str, Handler] = {
    "create_invoice": Commands._h_create_invoice,
    "record_payment": Commands._h_record_payment,
    "add_udhaar": Commands._h_add_udhaar,
    "cancel_invoice": Commands._h_cancel_invoice,
    "check_balance": Commands._h_check_balance,
    "total_outstanding": Commands._h_total_outstanding,
    "list_outstanding": Commands._h_list_outstanding,
    "daily_summary": Commands._h_daily_summary,
    "check_stock": Commands._h_check_stock,
    "schedule_reminder": Commands._h_schedule_reminder,
    "show_draft": Commands._h_show_draft,
    "greeting": Commands._h_greeting,
    "help": Commands._h_help,
    "goodbye": Commands._h_goodbye,
    "switch_language": Commands._h_switch_language,
    "delete_customer": Commands._h_delete_customer,
}


def qty(value: Any) -> str:
    text = format(value, "f") if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def error_params(exc: ExecoraError) -> dict[str, Any]:
    """Flat, speakable fields for an error's reply (names, not ids)."""
    params: dict[str, Any] = {}
    query = getattr(exc, "query", None)
    if query is not None:
        params["name"] = str(query)
        params["customer"] = str(query)
        params["product"] = str(query)
    shortfalls = getattr(exc, "shortfalls", None)
    if shortfalls:
        params["product"] = shortfalls[0].product_name
        params["available"] = qty(shortfalls[0].available)
        params["unit"] = shortfalls[0].unit
    return params
