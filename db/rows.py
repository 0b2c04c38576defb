"""asyncpg Record -> business dataclass. Records never leave `db/`."""

from __future__ import annotations

from decimal import Decimal

from asyncpg import Record

from business import shop_settings
from business.models import (
    Customer,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    Product,
    Reminder,
    Shop,
    ShopPhone,
    StockMove,
)


def shop(r: Record) -> Shop:
    settings = shop_settings.load(r["settings"])
    return Shop(
        id=r["id"], name=r["name"], address=r["address"], state=r["state"], gstin=r["gstin"],
        settings=settings, created_at=r["created_at"],
    )


def shop_phone(r: Record) -> ShopPhone:
    return ShopPhone(shop_id=r["shop_id"], phone=r["phone"], role=r["role"], has_pin=r["pin_hash"] is not None)


def customer(r: Record) -> Customer:
    return Customer(
        id=r["id"], shop_id=r["shop_id"], name=r["name"], phone=r["phone"], nicknames=tuple(r["nicknames"]),
        landmark=r["landmark"], name_roman=r["name_roman"], name_devanagari=r["name_devanagari"],
        whatsapp_opt_in=r["whatsapp_opt_in"], balance_paise=r["balance_paise"], created_at=r["created_at"],
        price_tier=r["price_tier"], email=r["email"], phone_confirmed=r["phone_confirmed"],
    )


def product(r: Record) -> Product:
    return Product(
        id=r["id"], shop_id=r["shop_id"], name=r["name"], aliases=tuple(r["aliases"]), unit=r["unit"],
        price_paise=r["price_paise"], gst_rate_bp=r["gst_rate_bp"], hsn=r["hsn"],
        low_stock_milli=r["low_stock_milli"], stock_milli=r["stock_milli"], created_at=r["created_at"],
    )


def stock_move(r: Record) -> StockMove:
    return StockMove(
        id=r["id"], product_id=r["product_id"], kind=r["kind"], qty_milli=r["qty_milli"],
        invoice_line_id=r["invoice_line_id"], reversal_of=r["reversal_of"], note=r["note"],
        created_at=r["created_at"], reason=r["reason"],
    )


def invoice_line(r: Record) -> InvoiceLine:
    q: Decimal = r["quantity"]
    return InvoiceLine(
        line_no=r["line_no"], product_id=r["product_id"], description=r["description"], hsn=r["hsn"],
        quantity=q.normalize(), unit=r["unit"], qty_milli=r["qty_milli"], unit_price_paise=r["unit_price_paise"],
        taxable_paise=r["taxable_paise"], gst_rate_bp=r["gst_rate_bp"], cgst_paise=r["cgst_paise"],
        sgst_paise=r["sgst_paise"], igst_paise=r["igst_paise"], total_paise=r["total_paise"],
        discount_paise=r["discount_paise"],
    )


def invoice(r: Record, lines: list[Record]) -> Invoice:
    return Invoice(
        id=r["id"], shop_id=r["shop_id"], invoice_no=r["invoice_no"], fy=r["fy"], customer_id=r["customer_id"],
        customer_name=r["customer_name"], status=r["status"], payment_mode=r["payment_mode"],
        with_gst=r["with_gst"], supply_type=r["supply_type"], lines=tuple(invoice_line(x) for x in lines),
        subtotal_paise=r["subtotal_paise"], cgst_paise=r["cgst_paise"], sgst_paise=r["sgst_paise"],
        igst_paise=r["igst_paise"], round_off_paise=r["round_off_paise"], total_paise=r["total_paise"],
        issued_at=r["issued_at"], cancelled_at=r["cancelled_at"], discount_paise=r["discount_paise"],
        price_tier=r["price_tier"],
    )


def ledger_entry(r: Record) -> LedgerEntry:
    return LedgerEntry(
        id=r["id"], customer_id=r["customer_id"], kind=r["kind"], amount_paise=r["amount_paise"], note=r["note"],
        invoice_id=r["invoice_id"], payment_id=r["payment_id"], reversal_of=r["reversal_of"],
        created_at=r["created_at"],
    )


def payment(r: Record) -> Payment:
    return Payment(
        id=r["id"], customer_id=r["customer_id"], amount_paise=r["amount_paise"], mode=r["mode"], note=r["note"],
        received_at=r["received_at"],
    )


def reminder(r: Record) -> Reminder:
    return Reminder(
        id=r["id"], shop_id=r["shop_id"], customer_id=r["customer_id"], amount_paise=r["amount_paise"],
        due_at=r["due_at"], status=r["status"], whatsapp_message_id=r["whatsapp_message_id"],
        attempts=r["attempts"], last_error=r["last_error"], sent_at=r["sent_at"], created_at=r["created_at"],
        updated_at=r["updated_at"],
    )
