from decimal import Decimal

from business.books import Books
from business.models import ItemRequest


async def test_invoice_roundtrip(books: Books, shop) -> None:
    c = await books.add_customer(shop.id, "Rahul Verma", phone="9876543210", landmark="Station Road")
    inv = await books.create_invoice(shop.id, c.id, [ItemRequest("doodh", Decimal(2)), ("atta", "1.5", "kg")])
    assert inv.invoice_no.endswith("/000001")
    assert inv.total_paise == 6600 + 6825 - 25
    bal = await books.balance(shop.id, c.id)
    assert bal.balance_paise == inv.total_paise
