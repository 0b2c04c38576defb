"""/api/customers: add, get, search; bad input writes nothing."""

from __future__ import annotations

from tests.integration.api.conftest import ShopClient, assert_error

CUSTOMER_FIELDS = {"id", "name", "phone", "nicknames", "landmark", "whatsapp_opt_in", "balance_paise"}


async def test_add_and_get_a_customer(shop: ShopClient) -> None:
    c = await shop.customer(
        "Rahul Verma", phone="98123 45678", nicknames=["Rahul bhai"], landmark="station road",
        whatsapp_opt_in=True,
    )
    assert CUSTOMER_FIELDS <= set(c)
    assert c["phone"] == "+919812345678"  # E.164
    assert c["nicknames"] == ["Rahul bhai"] and c["landmark"] == "station road"
    assert c["whatsapp_opt_in"] is True and c["balance_paise"] == 0
    r = await shop.get(f"/api/customers/{c['id']}")
    assert r.status_code == 200 and r.json() == c


async def test_opening_balance_shows_in_balance(shop: ShopClient) -> None:
    c = await shop.customer("Suresh", opening_balance_paise=25000)
    assert c["balance_paise"] == 25000


async def test_search_ranks_sound_alike_names(shop: ShopClient) -> None:
    rahul = await shop.customer("Rahul Verma")
    await shop.customer("Meena Devi")
    r = await shop.get("/api/customers/search", params={"q": "Raahul"})
    assert r.status_code == 200
    results = r.json()
    assert results and results[0]["id"] == rahul["id"]
    assert 0 < results[0]["score"] <= 100 and results[0]["matched_on"]
    assert CUSTOMER_FIELDS <= set(results[0])


async def test_search_needs_a_query(shop: ShopClient) -> None:
    assert_error(await shop.get("/api/customers/search"), 422, "validation_error")
    assert_error(await shop.get("/api/customers/search", params={"q": ""}), 422, "validation_error")


async def test_unknown_customer_is_404(shop: ShopClient) -> None:
    err = assert_error(await shop.get("/api/customers/999999999"), 404, "customer_not_found")
    assert err["query"] == 999999999
    assert_error(await shop.get("/api/customers/abc"), 422, "validation_error")


async def test_bad_customer_input_writes_nothing(shop: ShopClient) -> None:
    bad_bodies = [
        {},  # no name
        {"name": ""},
        {"name": "Rahul", "phone": "12"},  # not a phone number (business validation)
        {"name": "Rahul", "nickname": "typo field"},  # unknown field
        {"name": "Rahul", "opening_balance_paise": "500"},  # money must be an integer
        {"name": "Rahul", "opening_balance_paise": 10.5},
        {"name": "Rahul", "whatsapp_opt_in": "maybe"},
    ]
    for body in bad_bodies:
        r = await shop.post("/api/customers", body)
        assert 400 <= r.status_code < 500, (body, r.text)
        assert r.json()["error"]["code"] == "validation_error", (body, r.text)
    assert (await shop.get("/api/customers")).json() == []


async def test_duplicate_phone_is_a_conflict(shop: ShopClient) -> None:
    first = await shop.customer("Rahul", phone="+919811111111")
    r = await shop.post("/api/customers", {"name": "Rahul again", "phone": "9811111111"})
    err = assert_error(r, 409, "duplicate_customer")
    assert err["existing_id"] in (first["id"], None)
    assert len((await shop.get("/api/customers")).json()) == 1
