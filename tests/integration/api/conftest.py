"""Fixtures for the REST API tests: the real app (lifespan run) over httpx's
ASGI transport, on the session's test database and Redis; shops made per test."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app


@dataclass
class ShopClient:
    """An API client acting as one shop."""

    shop_id: int
    api_key: str
    http: httpx.AsyncClient

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.get(url, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    async def post(self, url: str, json: Any = None, key: str | None = None, **kw: Any) -> httpx.Response:
        headers = {**self.auth, **kw.pop("headers", {})}
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self.http.post(url, json=json, headers=headers, **kw)

    # Small builders used by many tests -------------------------------------------------

    async def customer(self, name: str = "Rahul Verma", **fields: Any) -> dict[str, Any]:
        r = await self.post("/api/customers", {"name": name, **fields})
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def product(self, name: str = "Amul Taaza Milk", **fields: Any) -> dict[str, Any]:
        body = {"name": name, "unit": "packet", "price_paise": 3000, "stock": 10, **fields}
        r = await self.post("/api/products", body)
        assert r.status_code == 201, r.text
        return dict(r.json())


def random_phone() -> str:
    return "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))


@pytest.fixture
async def app(settings: Any) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://execora.test") as client:
        yield client


async def new_shop(app: FastAPI, http: httpx.AsyncClient, name: str = "Test Kirana") -> ShopClient:
    shop, api_key = await app.state.books.create_shop(name, random_phone())
    return ShopClient(shop_id=shop.id, api_key=api_key, http=http)


@pytest.fixture
async def shop(app: FastAPI, http: httpx.AsyncClient) -> ShopClient:
    return await new_shop(app, http, "Sharma Test Store")


@pytest.fixture
async def other_shop(app: FastAPI, http: httpx.AsyncClient) -> ShopClient:
    return await new_shop(app, http, "Gupta Test Store")


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an error in the one shape, with this status and stable code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert err["code"] == code, err
    assert isinstance(err["message"], str) and err["message"]
    return dict(err)
