"""Request bodies and JSON views of the REST API (pydantic only at this edge).

Money is integer paise in fields named `*_paise` (strict integers: "500" or
500.5 are rejected); quantities are decimals in the product's unit
(1.5 kg), written as JSON numbers. Datetimes are ISO 8601 with an offset.
Unknown body fields are rejected, so a typo (`amount` for `amount_paise`)
is a 422, not a silently ignored value.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from business.models import (
    Customer,
    CustomerMatch,
    DailySummary,
    Invoice,
    InvoiceLine,
    LedgerPosting,
    PaymentResult,
    Product,
    Reminder,
    Statement,
)

MAX_ID = 2**63 - 1  # bigint ids: larger numbers are 422, not a database error
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
# Dates a shop's books can mean; outside this a date is a typo (and year 1/9999 overflow day maths).
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_PAISE = 10**12  # ₹1,000 crore: far above any shop's single action, far below bigint
Paise = Annotated[int, Field(strict=True, ge=-MAX_PAISE, le=MAX_PAISE, examples=[50000])]
Quantity = Annotated[Decimal, Field(max_digits=15, decimal_places=3, examples=[1.5])]

def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


# "UPI" and " Cash " are the same modes as "upi" and "cash".
PaymentModeField = Annotated[Literal["cash", "upi", "card", "cheque", "bank"], BeforeValidator(_lower)]
InvoiceModeField = Annotated[Literal["credit", "cash", "upi", "card", "cheque", "bank"], BeforeValidator(_lower)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        """PostgreSQL text cannot hold NUL: refuse it here as bad input, not a 500 later."""
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


# --- requests -----------------------------------------------------------------


class CustomerIn(Body):
    name: str = Field(min_length=1, max_length=200, examples=["Rahul Verma"])
    phone: str | None = Field(default=None, max_length=32, examples=["+919812345678"])
    nicknames: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list, max_length=20)
    landmark: str = Field(default="", max_length=200, examples=["station road"])
    name_devanagari: str = Field(default="", max_length=200)
    whatsapp_opt_in: bool = False
    opening_balance_paise: Paise = 0


class ProductIn(Body):
    name: str = Field(min_length=1, max_length=200, examples=["Amul Taaza milk"])
    unit: str = Field(min_length=1, max_length=20, examples=["packet"])
    price_paise: Paise
    gst_rate_bp: Annotated[int, Field(strict=True, ge=0, le=2800)] = 0
    hsn: str = Field(default="", max_length=8)
    aliases: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list, max_length=20)
    low_stock_level: Quantity = Decimal(0)
    stock: Quantity = Decimal(0)


class InvoiceItemIn(Body):
    product_id: Id | None = None
    product: str | None = Field(
        default=None, min_length=1, max_length=200, description="A product name or alias (fuzzy, Hindi too)"
    )
    product_name: str | None = Field(default=None, min_length=1, max_length=200, description="Same as `product`")
    quantity: Quantity
    unit: str | None = Field(default=None, max_length=20, description="Default: the product's own unit")

    @model_validator(mode="after")
    def _one_product(self) -> InvoiceItemIn:
        given = [x for x in (self.product_id, self.product, self.product_name) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of product_id or product (a name)")
        return self

    @property
    def ref(self) -> int | str:
        if self.product_id is not None:
            return self.product_id
        return str(self.product if self.product is not None else self.product_name)


class InvoiceIn(Body):
    customer_id: Id | None = Field(
        default=None, description="Absent for a walk-in (then payment_mode cannot be credit)"
    )
    items: list[InvoiceItemIn] = Field(min_length=1, max_length=100)
    payment_mode: InvoiceModeField = "credit"
    with_gst: bool = False
    supply_type: Literal["intrastate", "interstate"] = "intrastate"


class PaymentSplitIn(Body):
    amount_paise: Paise
    payment_mode: PaymentModeField


class PaymentIn(Body):
    customer_id: Id
    amount_paise: Paise | None = None
    payment_mode: PaymentModeField = "cash"
    splits: list[PaymentSplitIn] | None = Field(default=None, min_length=1, max_length=10)
    settle_full: bool = False
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _one_amount(self) -> PaymentIn:
        given = sum(x is not None and x is not False for x in (self.amount_paise, self.splits, self.settle_full or None))
        if given != 1:
            raise ValueError("give exactly one of amount_paise, splits or settle_full")
        return self


class CreditIn(Body):
    customer_id: Id
    amount_paise: Paise
    note: str = Field(default="", max_length=500)


class ReminderIn(Body):
    customer_id: Id
    due_at: AwareDatetime = Field(examples=["2026-12-01T10:00:00+05:30"])
    amount_paise: Paise | None = None

    @model_validator(mode="after")
    def _plausible_date(self) -> ReminderIn:
        if not MIN_DATE <= self.due_at.date() <= MAX_DATE:
            raise ValueError(f"due_at must fall between {MIN_DATE} and {MAX_DATE}")
        return self


# --- views --------------------------------------------------------------------


def quantity_json(value: Decimal) -> int | float:
    """1.500 -> 1.5, 2.000 -> 2: JSON numbers without trailing zeros."""
    return int(value) if value == value.to_integral_value() else float(value)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def customer_view(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "phone": c.phone,
        "nicknames": list(c.nicknames),
        "landmark": c.landmark,
        "name_devanagari": c.name_devanagari,
        "whatsapp_opt_in": c.whatsapp_opt_in,
        "balance_paise": c.balance_paise,
        "created_at": iso(c.created_at),
    }


def match_view(m: CustomerMatch) -> dict[str, Any]:
    return {**customer_view(m.customer), "score": round(m.score, 1), "matched_on": m.matched_on}


def product_view(p: Product) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "aliases": list(p.aliases),
        "unit": p.unit,
        "price_paise": p.price_paise,
        "gst_rate_bp": p.gst_rate_bp,
        "hsn": p.hsn,
        "stock": quantity_json(p.stock),
        "low_stock_level": quantity_json(p.low_stock_level),
        "created_at": iso(p.created_at),
    }


def line_view(line: InvoiceLine) -> dict[str, Any]:
    return {
        "line_no": line.line_no,
        "product_id": line.product_id,
        "description": line.description,
        "hsn": line.hsn,
        "quantity": quantity_json(line.quantity),
        "unit": line.unit,
        "unit_price_paise": line.unit_price_paise,
        "taxable_paise": line.taxable_paise,
        "gst_rate_bp": line.gst_rate_bp,
        "cgst_paise": line.cgst_paise,
        "sgst_paise": line.sgst_paise,
        "igst_paise": line.igst_paise,
        "total_paise": line.total_paise,
    }


def invoice_view(inv: Invoice) -> dict[str, Any]:
    return {
        "id": inv.id,
        "invoice_no": inv.invoice_no,
        "fy": inv.fy,
        "customer_id": inv.customer_id,
        "customer_name": inv.customer_name,
        "status": inv.status,
        "payment_mode": inv.payment_mode,
        "with_gst": inv.with_gst,
        "supply_type": inv.supply_type,
        "subtotal_paise": inv.subtotal_paise,
        "cgst_paise": inv.cgst_paise,
        "sgst_paise": inv.sgst_paise,
        "igst_paise": inv.igst_paise,
        "round_off_paise": inv.round_off_paise,
        "total_paise": inv.total_paise,
        "issued_at": iso(inv.issued_at),
        "cancelled_at": iso(inv.cancelled_at),
        "lines": [line_view(line) for line in inv.lines],
    }


def payment_view(r: PaymentResult) -> dict[str, Any]:
    return {
        "customer_id": r.customer_id,
        "total_paise": r.total_paise,
        "balance_paise": r.balance_paise,
        "payments": [
            {"id": p.id, "amount_paise": p.amount_paise, "payment_mode": p.mode, "note": p.note,
             "received_at": iso(p.received_at)}
            for p in r.payments
        ],
        "reminders_skipped": list(r.reminders_skipped),
    }


def posting_view(r: LedgerPosting) -> dict[str, Any]:
    e = r.entry
    return {
        "id": e.id,
        "customer_id": e.customer_id,
        "kind": e.kind,
        "amount_paise": e.amount_paise,
        "note": e.note,
        "created_at": iso(e.created_at),
        "balance_paise": r.balance_paise,
    }


def statement_view(s: Statement) -> dict[str, Any]:
    return {
        "customer": customer_view(s.customer),
        "customer_id": s.customer.id,
        "balance_paise": s.balance_paise,
        "entries": [
            {
                "id": line.entry.id,
                "kind": line.entry.kind,
                "amount_paise": line.entry.amount_paise,
                "running_balance_paise": line.running_balance_paise,
                "note": line.entry.note,
                "invoice_id": line.entry.invoice_id,
                "payment_id": line.entry.payment_id,
                "reversal_of": line.entry.reversal_of,
                "created_at": iso(line.entry.created_at),
            }
            for line in s.lines
        ],
    }


def reminder_view(r: Reminder) -> dict[str, Any]:
    return {
        "id": r.id,
        "customer_id": r.customer_id,
        "amount_paise": r.amount_paise,
        "due_at": iso(r.due_at),
        "status": r.status,
        "whatsapp_message_id": r.whatsapp_message_id,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "sent_at": iso(r.sent_at),
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
    }


def summary_view(s: DailySummary, total_outstanding_paise: int) -> dict[str, Any]:
    return {
        "date": s.date.isoformat(),
        "sales_paise": s.sales_paise,
        "sales_by_mode_paise": dict(s.sales_by_mode),
        "collections_paise": s.collections_paise,
        "collections_by_mode_paise": dict(s.collections_by_mode),
        "udhaar_paise": s.udhaar_paise,
        "invoice_count": s.invoice_count,
        "cancelled_count": s.cancelled_count,
        "top_products": [
            {"product_id": t.product_id, "name": t.name, "unit": t.unit,
             "quantity": quantity_json(t.quantity), "amount_paise": t.amount_paise}
            for t in s.top_products
        ],
        "total_outstanding_paise": total_outstanding_paise,
    }


# --- response models (for OpenAPI; the views above build the same shapes) ----------


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CustomerOut(Out):
    id: int
    name: str
    phone: str | None
    nicknames: list[str]
    landmark: str
    name_devanagari: str
    whatsapp_opt_in: bool
    balance_paise: int
    created_at: str | None


class CustomerMatchOut(CustomerOut):
    score: float = Field(description="0..100, best first")
    matched_on: str = Field(description="which field carried the match: name, nickname, landmark, phone, ...")


class ProductOut(Out):
    id: int
    name: str
    aliases: list[str]
    unit: str
    price_paise: int = Field(description="per unit, excluding GST")
    gst_rate_bp: int = Field(description="basis points: 500 = 5%")
    hsn: str
    stock: int | float = Field(description="in the product's unit")
    low_stock_level: int | float
    created_at: str | None


class InvoiceLineOut(Out):
    line_no: int
    product_id: int
    description: str
    hsn: str
    quantity: int | float
    unit: str
    unit_price_paise: int
    taxable_paise: int
    gst_rate_bp: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    total_paise: int


class InvoiceOut(Out):
    id: int
    invoice_no: str = Field(description="unique and consecutive per shop and financial year, <= 16 characters")
    fy: str
    customer_id: int | None
    customer_name: str
    status: str = Field(description="issued or cancelled")
    payment_mode: str
    with_gst: bool
    supply_type: str
    subtotal_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    round_off_paise: int
    total_paise: int
    issued_at: str | None
    cancelled_at: str | None
    lines: list[InvoiceLineOut]


class PaymentOut(Out):
    id: int
    amount_paise: int
    payment_mode: str
    note: str
    received_at: str | None


class PaymentResultOut(Out):
    customer_id: int
    total_paise: int
    balance_paise: int = Field(description="after the payment")
    payments: list[PaymentOut]
    reminders_skipped: list[int] = Field(description="reminders no longer needed (balance cleared)")


class PostingOut(Out):
    id: int
    customer_id: int
    kind: str
    amount_paise: int
    note: str
    created_at: str | None
    balance_paise: int = Field(description="after the entry")


class StatementEntryOut(Out):
    id: int
    kind: str = Field(description="sale_credit, payment, udhaar, opening_balance or reversal")
    amount_paise: int = Field(description="positive: owes more; negative: owes less")
    running_balance_paise: int
    note: str
    invoice_id: int | None
    payment_id: int | None
    reversal_of: int | None
    created_at: str | None


class StatementOut(Out):
    customer: CustomerOut
    customer_id: int
    balance_paise: int
    entries: list[StatementEntryOut] = Field(description="oldest first")


class ReminderOut(Out):
    id: int
    customer_id: int
    amount_paise: int | None
    due_at: str | None = Field(description="ISO 8601 with offset")
    status: str
    whatsapp_message_id: str | None
    attempts: int
    last_error: str | None
    sent_at: str | None
    created_at: str | None
    updated_at: str | None


class TopProductOut(Out):
    product_id: int
    name: str
    unit: str
    quantity: int | float
    amount_paise: int


class SummaryOut(Out):
    date: str = Field(description="Asia/Kolkata date")
    sales_paise: int
    sales_by_mode_paise: dict[str, int]
    collections_paise: int
    collections_by_mode_paise: dict[str, int]
    udhaar_paise: int
    invoice_count: int
    cancelled_count: int
    top_products: list[TopProductOut]
    total_outstanding_paise: int


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str = Field(description="stable snake_case code, e.g. insufficient_stock")
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "missing or wrong API key"},
    404: {"model": ErrorOut, "description": "not found (also another shop's ids)"},
    409: {"model": ErrorOut, "description": "conflict: insufficient stock, ambiguous name (candidates), ..."},
    422: {"model": ErrorOut, "description": "invalid input; nothing was written"},
}
