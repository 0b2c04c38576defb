"""Auth on every /api route, /health, OpenAPI, and the one error shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from tests.integration.api.conftest import ShopClient, assert_error

API_ROUTES = [
    ("GET", "/api/customers/search?q=rahul"),
    ("GET", "/api/customers"),
    ("GET", "/api/customers/1"),
    ("POST", "/api/customers"),
    ("GET", "/api/invoices"),
    ("GET", "/api/invoices/1"),
    ("POST", "/api/invoices"),
    ("POST", "/api/invoices/1/cancel"),
    ("POST", "/api/ledger/payment"),
    ("POST", "/api/ledger/credit"),
    ("GET", "/api/ledger/1"),
    ("GET", "/api/reminders"),
    ("POST", "/api/reminders"),
    ("POST", "/api/reminders/1/cancel"),
    ("GET", "/api/products"),
    ("POST", "/api/products"),
    ("GET", "/api/products/low-stock"),
    ("GET", "/api/summary/daily?date=2026-01-15"),
    ("GET", "/api/invoices/1/pdf"),
    ("GET", "/api/ledger/1/statement.pdf"),
    ("GET", "/api/reports/gst?month=2025-09"),
    ("GET", "/api/reports/pnl?month=2025-09"),
]


async def test_health_reports_database_and_redis(http: httpx.AsyncClient) -> None:
    r = await http.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_openapi_lists_every_route(http: httpx.AsyncClient) -> None:
    r = await http.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for _, url in API_ROUTES:
        template = url.split("?")[0].replace("/1", "/{x}")
        assert any(p.replace("{customer_id}", "{x}").replace("{invoice_id}", "{x}")
                   .replace("{reminder_id}", "{x}") == template for p in paths), template
    assert (await http.get("/docs")).status_code == 200


@pytest.mark.parametrize(("method", "url"), API_ROUTES)
async def test_every_api_route_needs_a_bearer_key(http: httpx.AsyncClient, method: str, url: str) -> None:
    r = await http.request(method, url, json={})
    err = assert_error(r, 401, "unauthorized")
    assert "bearer" in err["message"].lower()
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "url"), API_ROUTES)
async def test_a_wrong_key_is_refused(http: httpx.AsyncClient, shop: ShopClient, method: str, url: str) -> None:
    r = await http.request(method, url, json={}, headers={"Authorization": "Bearer exk_not-a-real-key"})
    assert_error(r, 401, "unauthorized")


async def test_other_auth_schemes_and_garbage_are_refused(http: httpx.AsyncClient, shop: ShopClient) -> None:
    for value in (f"Basic {shop.api_key}", shop.api_key, "Bearer ", "Bearer " + "x" * 5000):
        r = await http.get("/api/customers", headers={"Authorization": value})
        assert_error(r, 401, "unauthorized")
    assert (await shop.get("/api/customers")).status_code == 200


async def test_unknown_route_and_method_use_the_error_shape(http: httpx.AsyncClient, shop: ShopClient) -> None:
    assert_error(await shop.get("/api/nothing-here"), 404, "not_found")
    r = await shop.http.delete("/api/customers", headers=shop.auth)
    assert_error(r, 405, "method_not_allowed")


async def test_malformed_json_is_a_validation_error(shop: ShopClient) -> None:
    r = await shop.http.post(
        "/api/customers", content=b"{not json", headers={**shop.auth, "Content-Type": "application/json"}
    )
    assert_error(r, 422, "validation_error")


async def test_unexpected_failure_is_logged_and_answered_500_in_the_error_shape(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/test-boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/test-boom")
    err = assert_error(r, 500, "internal_error")
    assert "secret" not in err["message"]
    assert any("unhandled error" in rec.getMessage() for rec in caplog.records)


async def test_idempotency_key_must_be_sane(shop: ShopClient) -> None:
    r = await shop.post("/api/customers", {"name": "Meena"}, key="x" * 500)
    assert_error(r, 422, "validation_error")
    assert (await shop.get("/api/customers")).json() == []


async def test_out_of_range_ids_and_nul_text_are_422_not_500(shop: ShopClient) -> None:
    huge = 2**70
    assert_error(await shop.get(f"/api/customers/{huge}"), 422, "validation_error")
    assert_error(await shop.get(f"/api/ledger/{huge}"), 422, "validation_error")
    assert_error(await shop.post(f"/api/invoices/{huge}/cancel"), 422, "validation_error")
    assert_error(await shop.post("/api/ledger/credit", {"customer_id": huge, "amount_paise": 5}),
                 422, "validation_error")
    assert_error(await shop.post("/api/customers", {"name": "Ra\x00hul"}), 422, "validation_error")
    assert_error(await shop.post("/api/products", {"name": "Dal", "unit": "kg", "price_paise": 1,
                                                   "aliases": ["d\x00al"]}), 422, "validation_error")
    assert_error(await shop.get("/api/customers/search", params={"q": "a\x00b"}), 422, "validation_error")
    assert (await shop.get("/api/customers")).json() == []


async def test_health_is_503_when_redis_is_down(settings: Any) -> None:
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            r = await client.get("/health")
    assert r.status_code == 503
    assert r.json() == {"status": "error", "database": "ok", "redis": "error"}
