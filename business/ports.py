"""Ports: what `business` needs from the outside world, as Protocols.

`db` implements the unit of work and repositories (`db.uow`), `workers`
implements `JobQueue`; `app` wires them. Repositories never commit; the unit of
work commits once per business action. Repositories return `business.models`
dataclasses, never driver records, and translate unique-constraint violations
into `business.errors` (DuplicateCustomer, DuplicateProduct, ValidationError).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol

from business.customer_history import CustomerChange, FieldChange
from business.deliveries import NewEntryNote
from business.disputes import Dispute
from business.models import (
    Customer,
    DailySummaryRows,
    GstRate,
    Invoice,
    InvoiceQuote,
    LedgerEntry,
    NewStockMove,
    Payment,
    Product,
    Reminder,
    Shop,
    ShopPhone,
    StockMove,
)
from business.owner_notices import NewOwnerNotice


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real clock (UTC, aware)."""

    def now(self) -> datetime:
        from datetime import UTC

        return datetime.now(UTC)


class JobQueue(Protocol):
    """Timers and background work; called by `Books` only after a commit."""

    def schedule_reminder(self, reminder_id: int, due_at: datetime) -> None: ...

    def cancel_reminder(self, reminder_id: int) -> None: ...

    def enqueue_recording_upload(self, call_id: int) -> None: ...

    def enqueue_owner_notice(self, notice_id: int) -> None: ...

    def enqueue_document(self, document_id: int) -> None:
        """Build (render and store) a requested document, then deliver it."""
        ...

    def enqueue_entry_note(self, note_id: int) -> None:
        """Deliver a khata entry's note to the customer."""
        ...


class NullJobQueue:
    """A JobQueue that does nothing (tests, CLI seeding); remembers calls for asserts."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def schedule_reminder(self, reminder_id: int, due_at: datetime) -> None:
        self.calls.append(("schedule_reminder", (reminder_id, due_at)))

    def cancel_reminder(self, reminder_id: int) -> None:
        self.calls.append(("cancel_reminder", (reminder_id,)))

    def enqueue_recording_upload(self, call_id: int) -> None:
        self.calls.append(("enqueue_recording_upload", (call_id,)))

    def enqueue_owner_notice(self, notice_id: int) -> None:
        self.calls.append(("enqueue_owner_notice", (notice_id,)))

    def enqueue_document(self, document_id: int) -> None:
        self.calls.append(("enqueue_document", (document_id,)))

    def enqueue_entry_note(self, note_id: int) -> None:
        self.calls.append(("enqueue_entry_note", (note_id,)))


# --- repositories -------------------------------------------------------------


class ShopRepository(Protocol):
    async def add(
        self, *, name: str, address: str, state: str, gstin: str | None, settings: dict[str, Any],
        api_key_hash: str, created_at: datetime,
    ) -> Shop: ...

    async def add_phone(self, *, shop_id: int, phone: str, role: str, pin_hash: str | None) -> ShopPhone:
        """Raises ValidationError if the phone already belongs to a shop."""
        ...

    async def get(self, shop_id: int) -> Shop | None: ...

    async def set_api_key_hash(self, shop_id: int, api_key_hash: str) -> bool:
        """Replace the shop's key hash; False when there is no such shop."""
        ...

    async def by_api_key_hash(self, api_key_hash: str) -> Shop | None: ...

    async def by_phone(self, phone: str) -> tuple[Shop, ShopPhone, str | None] | None:
        """The shop, the phone row and its pin hash."""
        ...

    async def pin_attempts(self, shop_id: int, phone: str) -> tuple[int, datetime | None]:
        """Wrong PINs in a row from `phone` for this shop, and until when it is locked out (row locked)."""
        ...

    async def set_pin_attempts(self, shop_id: int, phone: str, failures: int, locked_until: datetime | None) -> None:
        ...

    async def set_pin_hash(self, shop_id: int, phone: str, pin_hash: str) -> bool:
        """False when the phone is not one of the shop's."""
        ...


class CustomerRepository(Protocol):
    async def add(
        self, *, shop_id: int, name: str, phone: str | None, nicknames: Sequence[str], landmark: str,
        name_roman: str, name_devanagari: str, whatsapp_opt_in: bool, created_at: datetime,
        phone_confirmed: bool = False,
    ) -> Customer:
        """Raises DuplicateCustomer when the phone is taken in this shop."""
        ...

    async def get(self, shop_id: int, customer_id: int, *, for_update: bool = False) -> Customer | None: ...

    async def list_all(self, shop_id: int) -> list[Customer]: ...

    async def update(self, shop_id: int, customer_id: int, changes: dict[str, Any]) -> Customer | None: ...

    async def outstanding(self, shop_id: int) -> list[Customer]:
        """Customers with a positive balance, largest first."""
        ...


class CustomerChangeRepository(Protocol):
    """A customer's history, append-only."""

    async def add(
        self, *, shop_id: int, customer_id: int, changes: Sequence[FieldChange], via: str, at: datetime
    ) -> None: ...

    async def for_customer(self, shop_id: int, customer_id: int) -> list[CustomerChange]:
        """Oldest first."""
        ...


class ProductPriceRepository(Protocol):
    """Wholesale / dealer prices per product (retail is `products.price_paise`)."""

    async def set(self, *, shop_id: int, product_id: int, tier: str, price_paise: int, at: datetime) -> None:
        """Set (or replace) the product's price for a non-retail tier."""
        ...

    async def for_tier(self, shop_id: int, product_ids: Sequence[int], tier: str) -> dict[int, int]:
        """Product id -> price for `tier`, for those products that have one."""
        ...

    async def for_product(self, shop_id: int, product_id: int) -> dict[str, int]:
        """Tier -> price of one product's non-retail tiers."""
        ...


class ProductRepository(Protocol):
    async def add(
        self, *, shop_id: int, name: str, aliases: Sequence[str], unit: str, price_paise: int,
        gst_rate_bp: int, hsn: str, low_stock_milli: int, created_at: datetime,
    ) -> Product:
        """Raises DuplicateProduct when the name is taken in this shop."""
        ...

    async def get(self, shop_id: int, product_id: int, *, for_update: bool = False) -> Product | None: ...

    async def list_all(self, shop_id: int) -> list[Product]: ...

    async def update(self, shop_id: int, product_id: int, changes: dict[str, Any]) -> Product | None:
        """Change catalogue fields (never stock). Raises DuplicateProduct on a taken name."""
        ...

    async def lock(self, shop_id: int, product_ids: Sequence[int]) -> dict[int, Product]:
        """Lock the rows FOR UPDATE in id order (deadlock-free) and return them."""
        ...

    async def low_stock(self, shop_id: int) -> list[Product]: ...

    async def set_gst_rate(self, *, shop_id: int, product_id: int, rate_bp: int, effective_from: date) -> GstRate:
        """Schedule (or replace) the rate that applies from `effective_from`."""
        ...

    async def gst_rates_on(self, shop_id: int, product_ids: Sequence[int], day: date) -> dict[int, int]:
        """Scheduled rates in force on `day` for those products that have one."""
        ...


class StockMoveRepository(Protocol):
    """Posting a move and moving the product's cached stock happen in one statement."""

    async def post(self, *, shop_id: int, move: NewStockMove, created_at: datetime) -> tuple[StockMove, Product]:
        """Post one move; returns it and the product after it."""
        ...

    async def post_many(
        self, *, shop_id: int, moves: Sequence[NewStockMove], created_at: datetime
    ) -> list[StockMove]:
        """Post several moves (in order) and update every product they touch."""
        ...

    async def for_invoice(self, invoice_id: int) -> list[StockMove]:
        """The sale moves of an invoice's lines (not their reversals)."""
        ...


class InvoiceRepository(Protocol):
    async def next_seq(self, shop_id: int, fy: str) -> int:
        """Take the next number of the shop's financial year; the counter row stays locked."""
        ...

    async def add(
        self, *, quote: InvoiceQuote, fy: str, seq: int, invoice_no: str, issued_at: datetime
    ) -> tuple[Invoice, list[int]]:
        """Insert the invoice and its lines; returns it and the line ids in line order."""
        ...

    async def get(self, shop_id: int, invoice_id: int, *, for_update: bool = False) -> Invoice | None: ...

    async def get_by_no(self, shop_id: int, invoice_no: str) -> Invoice | None: ...

    async def list_all(
        self, shop_id: int, *, customer_id: int | None = None, since: datetime | None = None,
        until: datetime | None = None, limit: int = 50,
    ) -> list[Invoice]:
        """Newest first."""
        ...

    async def last_for_customer(self, shop_id: int, customer_id: int | None) -> Invoice | None:
        """The newest issued (not cancelled) invoice of a customer (None: of walk-ins)."""
        ...

    async def mark_cancelled(self, invoice_id: int, at: datetime) -> None: ...


class LedgerRepository(Protocol):
    """Posting an entry and moving the customer's cached balance happen in one statement."""

    async def post(
        self, *, shop_id: int, customer_id: int, kind: str, amount_paise: int, created_at: datetime,
        note: str = "", invoice_id: int | None = None, payment_id: int | None = None,
        reversal_of: int | None = None,
    ) -> tuple[LedgerEntry, int]:
        """Append an entry; returns it and the customer's balance after it.
        Raises CustomerNotFound when the customer is not the shop's."""
        ...

    async def for_customer(self, shop_id: int, customer_id: int) -> list[LedgerEntry]:
        """Oldest first."""
        ...

    async def for_invoice(self, invoice_id: int) -> list[LedgerEntry]: ...


class PaymentRepository(Protocol):
    async def add(
        self, *, shop_id: int, customer_id: int, amount_paise: int, mode: str, note: str,
        received_at: datetime,
    ) -> Payment: ...


class ReminderRepository(Protocol):
    async def add(
        self, *, shop_id: int, customer_id: int, amount_paise: int | None, due_at: datetime,
        created_at: datetime,
    ) -> Reminder: ...

    async def get(self, shop_id: int, reminder_id: int, *, for_update: bool = False) -> Reminder | None: ...

    async def list_all(
        self, shop_id: int, *, customer_id: int | None = None, status: str | None = None, limit: int = 100
    ) -> list[Reminder]: ...

    async def set_status(self, reminder_id: int, status: str, at: datetime) -> Reminder: ...

    async def set_due_at(self, reminder_id: int, due_at: datetime, at: datetime) -> Reminder:
        """Move a (locked, scheduled) reminder to a new due time."""
        ...

    async def skip_scheduled_for_customer(self, shop_id: int, customer_id: int, at: datetime) -> list[int]:
        """Mark the customer's scheduled reminders skipped_paid; returns their ids."""
        ...


class IdempotencyRepository(Protocol):
    async def claim(self, shop_id: int, key: str, action: str) -> tuple[str, Any] | None:
        """Insert the key; None if it is new (held until commit), else (first action, stored result).

        A concurrent claim of the same key waits for the first transaction to end.
        """
        ...

    async def save_result(self, shop_id: int, key: str, result: Any) -> None: ...


class OwnerNoticeRepository(Protocol):
    async def add(self, notice: NewOwnerNotice, created_at: datetime) -> int | None:
        """Store a notice for the shop's owner phone; None when there is none or it was already sent."""
        ...


class DocumentRepository(Protocol):
    async def add(
        self, *, shop_id: int, kind: str, invoice_id: int | None, month: str | None, to_phone: str | None,
        created_at: datetime,
    ) -> int:
        """Store a requested document (status `requested`); its id."""
        ...

    async def owner_phone(self, shop_id: int) -> str | None:
        """The shop owner's registered phone (reports go there)."""
        ...


class EntryNoteRepository(Protocol):
    async def add(self, note: NewEntryNote, created_at: datetime) -> int | None:
        """Store the note for its ledger entry; None when that entry already has one."""
        ...


class DisputeRepository(Protocol):
    async def take_untold(self, shop_id: int, at: datetime, limit: int) -> list[Dispute]:
        """The oldest disputes not yet told to the owner, marked told at `at`."""
        ...


class ReportRepository(Protocol):
    async def daily(self, shop_id: int, start: datetime, end: datetime, top_n: int) -> DailySummaryRows:
        """Totals over [start, end) for the daily summary."""
        ...


class UnitOfWork(Protocol):
    """One transaction: `async with factory() as uow: ...; await uow.commit()`.

    Leaving the block without commit rolls back.
    """

    @property
    def shops(self) -> ShopRepository: ...

    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def customer_changes(self) -> CustomerChangeRepository: ...

    @property
    def products(self) -> ProductRepository: ...

    @property
    def prices(self) -> ProductPriceRepository: ...

    @property
    def stock_moves(self) -> StockMoveRepository: ...

    @property
    def invoices(self) -> InvoiceRepository: ...

    @property
    def ledger(self) -> LedgerRepository: ...

    @property
    def payments(self) -> PaymentRepository: ...

    @property
    def reminders(self) -> ReminderRepository: ...

    @property
    def idempotency(self) -> IdempotencyRepository: ...

    @property
    def reports(self) -> ReportRepository: ...

    @property
    def owner_notices(self) -> OwnerNoticeRepository: ...

    @property
    def documents(self) -> DocumentRepository: ...

    @property
    def entry_notes(self) -> EntryNoteRepository: ...

    @property
    def disputes(self) -> DisputeRepository: ...


    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
