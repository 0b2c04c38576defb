"""Fixtures for the document tests: the real app over httpx's ASGI transport, a `Books`
with a settable clock on the same test database (entries on chosen dates), shops
made through the books, and `pdf_text` (poppler's `pdftotext -layout`)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from business.books import Books
from business.models import Shop
from db.uow import PostgresUnitOfWorkFactory

GSTIN = "27ABCDE1234F1Z5"


class FakeClock:
    """A clock tests move by hand (aware datetimes)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime.now(UTC)

    def now(self) -> datetime:
        return self.current

    def set(self, at: datetime) -> None:
        self.current = at

    def advance(self, **kw: float) -> None:
        self.current += timedelta(**kw)


@dataclass
class DocShop:
    """A shop made through the books, with an API client acting as it."""

    shop: Shop
    api_key: str
    http: httpx.AsyncClient

    @property
    def id(self) -> int:
        return self.shop.id

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.get(url, headers={"Authorization": f"Bearer {self.api_key}"}, **kw)


def random_phone() -> str:
    return "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))


@pytest.fixture
async def app(settings: Any) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test") as c:
        yield c


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def books(pool: asyncpg.Pool, clock: FakeClock) -> Books:
    return Books(PostgresUnitOfWorkFactory(pool), clock=clock)


@pytest.fixture
def make_shop(books: Books, http: httpx.AsyncClient) -> Any:
    async def make(name: str = "Sharma General Store", **kw: Any) -> DocShop:
        kw.setdefault("address", "12 Station Road, Pune")
        kw.setdefault("state", "Maharashtra")
        shop, key = await books.create_shop(name, random_phone(), **kw)
        return DocShop(shop, key, http)

    return make


@pytest.fixture(scope="session")
def pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils (Debian)")
    return path


@pytest.fixture
def pdf_text(pdftotext: str) -> Any:
    def read(pdf: bytes) -> str:
        assert pdf.startswith(b"%PDF-"), pdf[:20]
        done = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
        return done.stdout.decode("utf-8")

    return read
