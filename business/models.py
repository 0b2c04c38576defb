"""Frozen dataclasses that cross the `business` boundary (returned by `Books`).

Money is integer paise (`*_paise`); stock and line quantities are integer
milli-units of the product's own unit (`*_milli`, 1.5 kg = 1500), with Decimal
views (`stock`, `quantity`) for display. Datetimes are timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, NewType

# Re-exported: each is defined beside its rules.
from business.reminders import REMINDER_STATUSES as REMINDER_STATUSES
from business.shop_settings import ShopSettings as ShopSettings

Paise = NewType("Paise", int)

PaymentMode = Literal["cash", "upi", "card", "cheque", "bank"]
InvoicePaymentMode = Literal["credit", "cash", "upi", "card", "cheque", "bank"]
SupplyType = Literal["intrastate", "interstate"]
PAYMENT_MODES: tuple[str, ...] = ("cash", "upi", "card", "cheque", "bank")
INVOICE_PAYMENT_MODES: tuple[str, ...] = ("credit", *PAYMENT_MODES)
SUPPLY_TYPES: tuple[str, ...] = ("intrastate", "interstate")
LEDGER_KINDS: tuple[str, ...] = ("sale_credit", "payment", "udhaar", "opening_balance", "reversal")

MILLI = Decimal(1000)


def milli_to_decimal(milli: int) -> Decimal:
    """1500 -> Decimal('1.5')."""
    return (Decimal(milli) / MILLI).normalize() if milli else Decimal(0)


@dataclass(frozen=True)
class Shop:
    id: int
    name: str
    address: str
    state: str
    gstin: str | None
    settings: ShopSettings
    created_at: datetime


@dataclass(frozen=True)
class ShopPhone:
    shop_id: int
    phone: str
    role: Literal["owner", "staff"]
    has_pin: bool


@dataclass(frozen=True)
class CallerShop:
    """Who is calling: the shop a phone number belongs to and the caller's role."""

    shop: Shop
    phone: str
    role: Literal["owner", "staff"]
    has_pin: bool


@dataclass(frozen=True)
class Customer:
    id: int
    shop_id: int
    name: str
    phone: str | None
    nicknames: tuple[str, ...]
    landmark: str
    name_roman: str
    name_devanagari: str
    whatsapp_opt_in: bool
    balance_paise: int
    created_at: datetime
    price_tier: str = "retail"  # the tier a bill uses unless told otherwise (business.pricing)
    email: str | None = None  # where documents are sent
    phone_confirmed: bool = False  # the customer answered YES or the owner confirmed it (business.phone_confirmation)


@dataclass(frozen=True)
class CustomerMatch:
    """A search candidate: score 0..100, `matched_on` says which field carried it."""

    customer: Customer
    score: float
    matched_on: str


@dataclass(frozen=True)
class Product:
    id: int
    shop_id: int
    name: str
    aliases: tuple[str, ...]
    unit: str
    price_paise: int
    gst_rate_bp: int
    hsn: str
    low_stock_milli: int
    stock_milli: int
    created_at: datetime

    @property
    def stock(self) -> Decimal:
        return milli_to_decimal(self.stock_milli)

    @property
    def low_stock_level(self) -> Decimal:
        return milli_to_decimal(self.low_stock_milli)


@dataclass(frozen=True)
class GstRate:
    """A product's GST rate from an Asia/Kolkata date on."""

    product_id: int
    rate_bp: int
    effective_from: date


@dataclass(frozen=True)
class ProductMatch:
    product: Product
    score: float
    matched_on: str


@dataclass(frozen=True)
class StockMove:
    id: int
    product_id: int
    kind: str  # opening, purchase, sale, adjustment, reversal
    qty_milli: int
    invoice_line_id: int | None
    reversal_of: int | None
    note: str
    created_at: datetime
    reason: str | None = None  # outside sales: damaged, returned, own_use, other, count


@dataclass(frozen=True)
class NewStockMove:
    """A stock move to post (repositories post it and move the cached stock in one statement)."""

    product_id: int
    kind: str
    qty_milli: int
    invoice_line_id: int | None = None
    reversal_of: int | None = None
    note: str = ""
    reason: str | None = None


@dataclass(frozen=True)
class StockChange:
    """Result of receive/remove/set stock: the product after the move."""

    product: Product
    move: StockMove | None  # None when set_stock found nothing to change


@dataclass(frozen=True)
class ItemRequest:
    """One requested invoice item: a product id or a spoken name, a quantity and a unit.

    `unit` None means the product's own unit.
    """

    product: int | str
    quantity: Decimal
    unit: str | None = None


@dataclass(frozen=True)
class InvoiceLine:
    line_no: int
    product_id: int
    description: str
    hsn: str
    quantity: Decimal  # as asked, in `unit`
    unit: str
    qty_milli: int  # in the product's own unit
    unit_price_paise: int  # per product unit
    taxable_paise: int
    gst_rate_bp: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    total_paise: int
    discount_paise: int = 0  # off the line's value before tax; taxable_paise is net of it


@dataclass(frozen=True)
class InvoiceQuote:
    """What an invoice would be, computed without posting (read back before confirming)."""

    shop_id: int
    customer_id: int | None
    customer_name: str
    payment_mode: str
    with_gst: bool
    supply_type: str
    lines: tuple[InvoiceLine, ...]
    subtotal_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    round_off_paise: int
    total_paise: int
    discount_paise: int = 0  # the lines' discounts; subtotal_paise is net of it
    price_tier: str = "retail"


@dataclass(frozen=True)
class Invoice:
    id: int
    shop_id: int
    invoice_no: str
    fy: str
    customer_id: int | None
    customer_name: str
    status: Literal["issued", "cancelled"]
    payment_mode: str
    with_gst: bool
    supply_type: str
    lines: tuple[InvoiceLine, ...]
    subtotal_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    round_off_paise: int
    total_paise: int
    issued_at: datetime
    cancelled_at: datetime | None
    discount_paise: int = 0  # the lines' discounts; subtotal_paise is net of it
    price_tier: str = "retail"


@dataclass(frozen=True)
class LedgerEntry:
    """Positive amount: the customer owes more; negative: owes less."""

    id: int
    customer_id: int
    kind: str
    amount_paise: int
    note: str
    invoice_id: int | None
    payment_id: int | None
    reversal_of: int | None
    created_at: datetime


@dataclass(frozen=True)
class StatementLine:
    entry: LedgerEntry
    running_balance_paise: int


@dataclass(frozen=True)
class Statement:
    customer: Customer
    lines: tuple[StatementLine, ...]
    balance_paise: int


@dataclass(frozen=True)
class Payment:
    id: int
    customer_id: int
    amount_paise: int
    mode: str
    note: str
    received_at: datetime


@dataclass(frozen=True)
class PaymentSplit:
    """One part of a split payment (e.g. 300 cash + 200 UPI)."""

    amount_paise: int
    mode: str


@dataclass(frozen=True)
class PaymentResult:
    customer_id: int
    payments: tuple[Payment, ...]
    total_paise: int
    balance_paise: int  # after the payment
    reminders_skipped: tuple[int, ...] = ()  # reminder ids marked skipped_paid


@dataclass(frozen=True)
class LedgerPosting:
    """Result of add_udhaar: the entry and the balance after it."""

    entry: LedgerEntry
    balance_paise: int


@dataclass(frozen=True)
class Balance:
    customer: Customer
    balance_paise: int


@dataclass(frozen=True)
class Outstanding:
    customer: Customer
    balance_paise: int


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    name: str
    unit: str
    quantity: Decimal  # in the product's unit
    amount_paise: int


@dataclass(frozen=True)
class DailySummary:
    shop_id: int
    date: date  # Asia/Kolkata
    sales_paise: int  # issued (not cancelled) invoices, all modes
    sales_by_mode: dict[str, int] = field(default_factory=dict)  # credit/cash/upi/card/cheque/bank
    collections_paise: int = 0  # payments received against dues
    collections_by_mode: dict[str, int] = field(default_factory=dict)
    udhaar_paise: int = 0  # udhaar added that day (outside invoices)
    invoice_count: int = 0
    cancelled_count: int = 0
    top_products: tuple[TopProduct, ...] = ()


@dataclass(frozen=True)
class Reminder:
    id: int
    shop_id: int
    customer_id: int
    amount_paise: int | None
    due_at: datetime
    status: str
    whatsapp_message_id: str | None
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DailySummaryRows:
    """Raw daily totals as the report repository computes them (business adds the date)."""

    sales_by_mode: dict[str, int]
    collections_by_mode: dict[str, int]
    udhaar_paise: int
    invoice_count: int
    cancelled_count: int
    top_products: tuple[TopProduct, ...]
