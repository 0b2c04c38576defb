import pytest

from business.errors import ValidationError
from business.modes import invoice_payment_mode, payment_mode, supply_type


@pytest.mark.parametrize(("said", "mode"), [("UPI", "upi"), ("GPay", "upi"), ("Phone-Pe", "upi"), ("Cash", "cash"),
                                            ("nakad", "cash"), ("NEFT", "bank"), ("bank transfer", "bank"),
                                            ("cheque", "cheque"), ("card", "card"), ("उधार", "credit"),
                                            ("khata", "credit"), (None, "credit")])
def test_invoice_payment_mode(said: str | None, mode: str) -> None:
    assert invoice_payment_mode(said) == mode


def test_payment_mode_never_credit() -> None:
    assert payment_mode("paytm") == "upi" and payment_mode(None) == "cash"
    with pytest.raises(ValidationError):
        payment_mode("udhaar")
    with pytest.raises(ValidationError):
        invoice_payment_mode("barter")


def test_supply_type() -> None:
    assert supply_type("Inter-State") == "interstate" and supply_type(None) == "intrastate"
    assert supply_type("intra") == "intrastate"
    with pytest.raises(ValidationError):
        supply_type("export")
