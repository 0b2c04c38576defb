"""Invoice arithmetic: line amounts, GST and the round-off to the rupee.

Prices exclude GST (the taxable value per unit). Per line: taxable value =
price x quantity rounded to paise; intra-state supply splits the rate into
CGST and SGST (each half-rate, each rounded to paise), inter-state charges
IGST. The grand total is rounded to the rupee with a separate round-off
amount (-50..+50 paise). Without GST (bill of supply) no tax is charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from business.errors import ValidationError
from business.money import round_half_up

BP = Decimal(10_000)


@dataclass(frozen=True)
class LineTax:
    taxable_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int

    @property
    def total_paise(self) -> int:
        return self.taxable_paise + self.cgst_paise + self.sgst_paise + self.igst_paise


@dataclass(frozen=True)
class Totals:
    subtotal_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    round_off_paise: int
    total_paise: int


def line_amount(unit_price_paise: int, qty_milli: int) -> int:
    """Price per unit x quantity (milli-units), rounded half-up to paise."""
    return round_half_up(Decimal(unit_price_paise) * Decimal(qty_milli) / Decimal(1000))


def line_tax(taxable_paise: int, rate_bp: int, *, with_gst: bool, supply_type: str) -> LineTax:
    """GST on one line, each component rounded to paise."""
    if supply_type not in ("intrastate", "interstate"):
        raise ValidationError(f"unknown supply type {supply_type!r}", "supply_type")
    if not with_gst or rate_bp == 0:
        return LineTax(taxable_paise, 0, 0, 0)
    if supply_type == "interstate":
        return LineTax(taxable_paise, 0, 0, round_half_up(Decimal(taxable_paise) * rate_bp / BP))
    half = round_half_up(Decimal(taxable_paise) * rate_bp / 2 / BP)
    return LineTax(taxable_paise, half, half, 0)


def round_to_rupee(paise: int) -> int:
    """The round-off that brings `paise` to the nearest rupee (halves up): 12345 -> -45, 12350 -> +50."""
    return round_half_up(Decimal(paise) / 100) * 100 - paise


def totals(lines: list[LineTax]) -> Totals:
    """Sum the lines and add the round-off line."""
    subtotal = sum(x.taxable_paise for x in lines)
    cgst = sum(x.cgst_paise for x in lines)
    sgst = sum(x.sgst_paise for x in lines)
    igst = sum(x.igst_paise for x in lines)
    gross = subtotal + cgst + sgst + igst
    off = round_to_rupee(gross)
    return Totals(subtotal, cgst, sgst, igst, off, gross + off)
