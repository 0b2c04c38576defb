import pytest

from business.errors import ValidationError
from business.gst import line_amount, line_tax, round_to_rupee, totals


def test_line_amount_rounds_to_paise() -> None:
    assert line_amount(4550, 1500) == 6825
    assert line_amount(333, 1500) == 500  # 499.5 -> 500 (half up)
    assert line_amount(1000, 333) == 333


def test_intrastate_splits_cgst_sgst_each_rounded() -> None:
    t = line_tax(10001, 500, with_gst=True, supply_type="intrastate")
    assert (t.cgst_paise, t.sgst_paise, t.igst_paise) == (250, 250, 0)  # 250.025 each
    assert t.total_paise == 10501


def test_interstate_is_igst() -> None:
    t = line_tax(10001, 1800, with_gst=True, supply_type="interstate")
    assert (t.cgst_paise, t.sgst_paise, t.igst_paise) == (0, 0, 1800)


def test_without_gst_or_nil_rate_no_tax() -> None:
    assert line_tax(5000, 500, with_gst=False, supply_type="intrastate").total_paise == 5000
    assert line_tax(5000, 0, with_gst=True, supply_type="interstate").total_paise == 5000


def test_unknown_supply_type() -> None:
    with pytest.raises(ValidationError):
        line_tax(1, 500, with_gst=True, supply_type="export")


def test_round_off_to_rupee() -> None:
    assert round_to_rupee(12345) == -45
    assert round_to_rupee(12350) == 50
    assert round_to_rupee(12300) == 0
    a = line_tax(6825, 0, with_gst=True, supply_type="intrastate")
    b = line_tax(1000, 500, with_gst=True, supply_type="intrastate")
    t = totals([a, b])
    assert (t.subtotal_paise, t.cgst_paise, t.sgst_paise) == (7825, 25, 25)
    assert t.round_off_paise == 25 and t.total_paise == 7900
