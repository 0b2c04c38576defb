"""Price tiers: the bill's tier, else the customer's, else retail; a missing tier price is retail."""

from business.books import Books


async def test_tier_prices_on_bills(books: Books, shop) -> None:
    milk, atta = shop.products["milk"], shop.products["atta"]
    prices = await books.set_product_price(shop.id, milk.id, "wholesale", 3000)
    assert prices == {"retail": 3300, "wholesale": 3000, "dealer": 3300}
    assert await books.product_prices(shop.id, "doodh") == prices
    c = await books.add_customer(shop.id, "Sharma Stores")
    tiered = await books.set_customer_tier(shop.id, c.id, "Wholesale", via="phone")
    assert tiered.price_tier == "wholesale"
    inv = await books.create_invoice(shop.id, c.id, [(milk.id, 2), (atta.id, 1)])
    assert inv.price_tier == "wholesale"
    assert [ln.unit_price_paise for ln in inv.lines] == [3000, 4550]  # atta has no wholesale price
    assert inv.total_paise == 10600  # 105.50 rounds to the rupee
    stored = await books.get_invoice(shop.id, inv.id)
    assert stored.price_tier == "wholesale" and stored.lines == inv.lines
    retail = await books.quote_invoice(shop.id, c.id, [(milk.id, 2)], price_tier="retail")
    assert retail.lines[0].unit_price_paise == 3300
    walk_in = await books.quote_invoice(shop.id, None, [(milk.id, 1)], payment_mode="cash")
    assert walk_in.price_tier == "retail" and walk_in.total_paise == 3300
    await books.set_product_price(shop.id, milk.id, "retail", 3400)
    assert (await books.get_product(shop.id, milk.id)).price_paise == 3400
    history = await books.customer_history(shop.id, c.id)
    assert [(h.field, h.old_value, h.new_value, h.via) for h in history] == [
        ("price_tier", "retail", "wholesale", "phone")
    ]
