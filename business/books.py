"""`Books`: the one facade the rest of Execora calls for the shop's books.

One method per business action; each runs in one unit of work (one database
transaction) and accepts `idempotency_key`: a replay with the same key returns
the first result and posts nothing. Errors are `business.errors` subclasses.
Job-queue calls (reminder timers) happen only after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from business.models import (
    Balance,
    CallerShop,
    Customer,
    CustomerMatch,
    DailySummary,
    Invoice,
    InvoiceQuote,
    ItemRequest,
    LedgerPosting,
    Outstanding,
    PaymentResult,
    PaymentSplit,
    Product,
    ProductMatch,
    Reminder,
    Shop,
    ShopPhone,
    Statement,
    StockChange,
)
from business.ports import Clock, JobQueue, NullJobQueue, SystemClock, UnitOfWorkFactory

ItemLike = ItemRequest | tuple[int | str, Decimal | int | str] | tuple[int | str, Decimal | int | str, str | None]
QuantityLike = Decimal | int | str


class Books:
    """The shop's books. Build once per process: `Books(PostgresUnitOfWorkFactory(pool), jobs=...)`."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock | None = None, jobs: JobQueue | None = None
    ) -> None:
        self._uow = uow_factory
        self._clock: Clock = clock or SystemClock()
        self._jobs: JobQueue = jobs or NullJobQueue()

    # --- shops ------------------------------------------------------------------

    async def create_shop(
        self, name: str, owner_phone: str, pin: str | None = None, *, address: str = "", state: str = "",
        gstin: str | None = None, settings: Mapping[str, Any] | None = None,
    ) -> tuple[Shop, str]:
        """Create a shop and its owner phone; returns the shop and its API key (shown once, only a hash is kept)."""
        raise NotImplementedError

    async def add_shop_phone(
        self, shop_id: int, phone: str, role: str = "staff", pin: str | None = None
    ) -> ShopPhone:
        """Allow another phone (owner/staff) to call for the shop."""
        raise NotImplementedError

    async def get_shop(self, shop_id: int) -> Shop:
        """Raises ShopNotFound."""
        raise NotImplementedError

    async def shop_by_api_key(self, api_key: str) -> Shop | None:
        """The shop an API key belongs to, or None."""
        raise NotImplementedError

    async def shop_by_phone(self, phone: str) -> CallerShop | None:
        """Which shop a caller belongs to (and their role), or None for a stranger."""
        raise NotImplementedError

    async def verify_pin(self, phone: str, pin: str) -> bool:
        """True when the phone has no PIN set or the PIN matches; False otherwise."""
        raise NotImplementedError

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
        raise NotImplementedError

    async def get_customer(self, shop_id: int, customer_id: int) -> Customer:
        """Raises CustomerNotFound (also for another shop's customer)."""
        raise NotImplementedError

    async def list_customers(self, shop_id: int) -> list[Customer]:
        raise NotImplementedError

    async def find_customer_by_phone(self, shop_id: int, phone: str) -> Customer | None:
        raise NotImplementedError

    async def update_customer(
        self, shop_id: int, customer_id: int, *, name: str | None = None, phone: str | None = None,
        nicknames: Sequence[str] | None = None, landmark: str | None = None,
        name_devanagari: str | None = None, whatsapp_opt_in: bool | None = None,
    ) -> Customer:
        """Change the given fields (None = unchanged; phone "" clears it). Raises CustomerNotFound."""
        raise NotImplementedError

    async def search_customers(self, shop_id: int, query: str, *, limit: int = 5) -> list[CustomerMatch]:
        """Ranked candidates (score 0..100) by name, nickname, landmark, phone digits,
        sound-alike spelling and Devanagari; "station road wale Gupta" uses the landmark."""
        raise NotImplementedError

    async def resolve_customer(self, shop_id: int, name: str, hint: str | None = None) -> Customer:
        """The one customer `name` (plus an optional landmark/nickname `hint`) clearly means.

        Raises CustomerNotFound (nothing strong) or AmbiguousCustomer(candidates);
        never guesses between close candidates.
        """
        raise NotImplementedError

    # --- products and stock -------------------------------------------------------

    async def add_product(
        self, shop_id: int, name: str, *, unit: str, price_paise: int, gst_rate_bp: int = 0, hsn: str = "",
        aliases: Sequence[str] = (), low_stock_level: QuantityLike = 0, stock: QuantityLike = 0,
        idempotency_key: str | None = None,
    ) -> Product:
        """Add a product; `price_paise` is per `unit` and excludes GST; an opening `stock`
        (in `unit`) posts an `opening` stock move. Raises ValidationError, InvalidUnit, DuplicateProduct."""
        raise NotImplementedError

    async def get_product(self, shop_id: int, product_id: int) -> Product:
        """Raises ProductNotFound."""
        raise NotImplementedError

    async def list_products(self, shop_id: int) -> list[Product]:
        raise NotImplementedError

    async def search_products(self, shop_id: int, query: str, *, limit: int = 5) -> list[ProductMatch]:
        """Ranked candidates by name and aliases (fuzzy, sound-alike, Devanagari)."""
        raise NotImplementedError

    async def resolve_product(self, shop_id: int, ref: int | str) -> Product:
        """A product by id or spoken name. Raises ProductNotFound (with weak candidates) or AmbiguousProduct."""
        raise NotImplementedError

    async def low_stock(self, shop_id: int) -> list[Product]:
        """Products at or below their low-stock level, emptiest first."""
        raise NotImplementedError

    async def receive_stock(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None = None, *,
        note: str = "", idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock came in (purchase move)."""
        raise NotImplementedError

    async def remove_stock(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None = None, *,
        note: str = "", idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock went out other than by sale (damage, own use): a negative adjustment.
        Raises InsufficientStock unless the shop allows negative stock."""
        raise NotImplementedError

    async def set_stock(
        self, shop_id: int, product: int | str, quantity: QuantityLike, unit: str | None = None, *,
        note: str = "", idempotency_key: str | None = None,
    ) -> StockChange:
        """Stock count: post the adjustment that brings stock to `quantity`."""
        raise NotImplementedError

    # --- invoices -----------------------------------------------------------------

    async def quote_invoice(
        self, shop_id: int, customer_id: int | None, items: Sequence[ItemLike], *,
        payment_mode: str = "credit", with_gst: bool = False, supply_type: str = "intrastate",
    ) -> InvoiceQuote:
        """Compute the invoice (lines, GST, round-off, total) without posting anything,
        so the bot can read back "kul 130 rupaye" before confirming. Same errors as create."""
        raise NotImplementedError

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
        raise NotImplementedError

    async def get_invoice(self, shop_id: int, invoice_id: int) -> Invoice:
        """Raises InvoiceNotFound."""
        raise NotImplementedError

    async def get_invoice_by_no(self, shop_id: int, invoice_no: str) -> Invoice:
        """Raises InvoiceNotFound."""
        raise NotImplementedError

    async def list_invoices(
        self, shop_id: int, *, customer_id: int | None = None, day: date | None = None, limit: int = 50
    ) -> list[Invoice]:
        """Newest first; `day` is an Asia/Kolkata date."""
        raise NotImplementedError

    async def last_invoice(self, shop_id: int, customer_id: int | None) -> Invoice:
        """The customer's newest issued invoice (None: walk-ins), for "aakhri bill cancel karo".
        Raises InvoiceNotFound."""
        raise NotImplementedError

    async def cancel_invoice(
        self, shop_id: int, invoice_id: int, *, idempotency_key: str | None = None
    ) -> Invoice:
        """Mark cancelled and append reversal stock moves and ledger entries pointing at the
        originals; the number stays used. Raises InvoiceNotFound, InvoiceAlreadyCancelled."""
        raise NotImplementedError

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
        raise NotImplementedError

    async def add_udhaar(
        self, shop_id: int, customer_id: int, amount_paise: int, *, note: str = "",
        idempotency_key: str | None = None,
    ) -> LedgerPosting:
        """Credit given outside an invoice ("Rahul ko 500 udhaar"). Raises InvalidAmount, CustomerNotFound."""
        raise NotImplementedError

    async def balance(self, shop_id: int, customer_id: int) -> Balance:
        raise NotImplementedError

    async def statement(self, shop_id: int, customer_id: int) -> Statement:
        """Every ledger entry, oldest first, with the running balance."""
        raise NotImplementedError

    async def list_outstanding(self, shop_id: int) -> list[Outstanding]:
        """Customers who owe money, largest balance first."""
        raise NotImplementedError

    async def total_outstanding(self, shop_id: int) -> int:
        """Sum of positive balances, in paise."""
        raise NotImplementedError

    async def daily_summary(self, shop_id: int, day: date | None = None) -> DailySummary:
        """Sales (by mode, credit included), collections, udhaar, invoice count and top products
        for an Asia/Kolkata date (default: today in India)."""
        raise NotImplementedError

    # --- reminders ----------------------------------------------------------------

    async def schedule_reminder(
        self, shop_id: int, customer_id: int, due_at: datetime, amount_paise: int | None = None, *,
        idempotency_key: str | None = None,
    ) -> Reminder:
        """Store a scheduled reminder row, then (after commit) ask the JobQueue for a timer.
        `due_at` must be timezone-aware. Raises CustomerNotFound, ValidationError, InvalidAmount."""
        raise NotImplementedError

    async def cancel_reminder(
        self, shop_id: int, reminder_id: int, *, idempotency_key: str | None = None
    ) -> Reminder:
        """Cancel a scheduled reminder (then the JobQueue timer). Raises ReminderNotFound,
        ReminderNotCancellable."""
        raise NotImplementedError

    async def list_reminders(
        self, shop_id: int, *, customer_id: int | None = None, status: str | None = None, limit: int = 100
    ) -> list[Reminder]:
        """Newest due first."""
        raise NotImplementedError

    async def get_reminder(self, shop_id: int, reminder_id: int) -> Reminder:
        """Raises ReminderNotFound."""
        raise NotImplementedError
