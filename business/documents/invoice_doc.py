"""An invoice as Indian tax invoices print it: the document model.

Title: "Tax Invoice" when the shop has a GSTIN and the bill charges GST;
"Bill of Supply" otherwise (an unregistered shop, or a bill without GST:
exempt goods). Every figure is the books' own (lines and totals as stored),
grouped per GST rate for the tax summary; nothing is recomputed except the
sums of the rate groups, which add up to the stored totals by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from business.documents.words import amount_in_words
from business.models import Customer, Invoice, Shop
from business.shoptime import shop_date

TAX_INVOICE = "Tax Invoice"
BILL_OF_SUPPLY = "Bill of Supply"


@dataclass(frozen=True)
class DocLine:
    no: int
    description: str
    hsn: str
    quantity: str  # as asked, e.g. '1.5'
    unit: str
    rate_paise: int  # per product unit, before GST
    discount_paise: int
    taxable_paise: int
    gst_rate_bp: int
    tax_paise: int  # CGST + SGST + IGST of the line
    total_paise: int


@dataclass(frozen=True)
class RateGroup:
    """The tax summary row for one GST rate."""

    rate_bp: int
    taxable_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int


@dataclass(frozen=True)
class InvoiceDocument:
    title: str
    shop_name: str
    shop_address: str
    shop_state: str
    shop_gstin: str | None
    invoice_no: str
    invoice_date: date  # Asia/Kolkata
    customer_name: str  # 'Cash sale' for a walk-in
    customer_phone: str | None
    supply_type: str  # intrastate / interstate
    place_of_supply: str
    payment_mode: str
    cancelled: bool
    lines: tuple[DocLine, ...]
    rate_groups: tuple[RateGroup, ...]
    subtotal_paise: int
    discount_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    round_off_paise: int
    total_paise: int
    total_in_words: str

    @property
    def is_tax_invoice(self) -> bool:
        return self.title == TAX_INVOICE

    @property
    def interstate(self) -> bool:
        return self.supply_type == "interstate"


def _rate_groups(invoice: Invoice) -> tuple[RateGroup, ...]:
    groups: dict[int, list[int]] = {}
    for ln in invoice.lines:
        g = groups.setdefault(ln.gst_rate_bp, [0, 0, 0, 0])
        g[0] += ln.taxable_paise
        g[1] += ln.cgst_paise
        g[2] += ln.sgst_paise
        g[3] += ln.igst_paise
    return tuple(RateGroup(rate, *g) for rate, g in sorted(groups.items()))


def invoice_document(shop: Shop, invoice: Invoice, customer: Customer | None) -> InvoiceDocument:
    """The document for `invoice` of `shop` (`customer` None: a walk-in)."""
    registered = bool(shop.gstin)
    title = TAX_INVOICE if registered and invoice.with_gst else BILL_OF_SUPPLY
    lines = tuple(
        DocLine(
            no=ln.line_no, description=ln.description, hsn=ln.hsn,
            quantity=f"{ln.quantity.normalize():f}" if ln.quantity else "0", unit=ln.unit,
            rate_paise=ln.unit_price_paise, discount_paise=ln.discount_paise, taxable_paise=ln.taxable_paise,
            gst_rate_bp=ln.gst_rate_bp if invoice.with_gst else 0,
            tax_paise=ln.cgst_paise + ln.sgst_paise + ln.igst_paise, total_paise=ln.total_paise,
        )
        for ln in invoice.lines
    )
    name = invoice.customer_name or (customer.name if customer else "") or "Cash sale"
    place = shop.state if invoice.supply_type == "intrastate" else "Outside " + (shop.state or "the shop's state")
    return InvoiceDocument(
        title=title, shop_name=shop.name, shop_address=shop.address, shop_state=shop.state,
        shop_gstin=shop.gstin, invoice_no=invoice.invoice_no, invoice_date=shop_date(invoice.issued_at),
        customer_name=name, customer_phone=customer.phone if customer else None,
        supply_type=invoice.supply_type, place_of_supply=place, payment_mode=invoice.payment_mode,
        cancelled=invoice.status == "cancelled", lines=lines,
        rate_groups=_rate_groups(invoice) if invoice.with_gst else (),
        subtotal_paise=invoice.subtotal_paise, discount_paise=invoice.discount_paise,
        cgst_paise=invoice.cgst_paise, sgst_paise=invoice.sgst_paise, igst_paise=invoice.igst_paise,
        round_off_paise=invoice.round_off_paise, total_paise=invoice.total_paise,
        total_in_words=amount_in_words(invoice.total_paise),
    )
