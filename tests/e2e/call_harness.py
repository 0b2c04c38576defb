"""Harness for the live-call end-to-end tests and the call benchmark.

Runs the real app (uvicorn, real Postgres/Redis, embedded speech engines) and a
local fake of Twilio's REST API (which records hang-ups) in a background
thread with its own event loop, so the simulated caller's real-time line and
the server never share a loop. Creates a demo-like shop through the Books API.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.polling import wait_until_blocking

PUBLIC_BASE_URL = "https://execora.test"
AUTH_TOKEN = "test-twilio-token"
EXOTEL_USER, EXOTEL_PASSWORD = "exotel-applet", "test-exotel-password-0123456789"
PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN = "MA" + "0" * 18, "test-plivo-token-0123456789"


def call_settings(database_url: str, redis_url: str, data_dir: Any) -> Any:
    """Settings for a call server on the test database/redis, with a known Twilio token and secret."""
    from app.settings import Settings

    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        redis_url=redis_url,
        data_dir=data_dir,
        app_secret="test-secret-0123456789abcdef-0123456789",  # type: ignore[arg-type]
        twilio_auth_token=AUTH_TOKEN,  # type: ignore[arg-type]
        twilio_account_sid="AC" + "0" * 32,
        exotel_stream_user=EXOTEL_USER,
        exotel_stream_password=EXOTEL_PASSWORD,  # type: ignore[arg-type]
        plivo_auth_id=PLIVO_AUTH_ID,
        plivo_auth_token=PLIVO_AUTH_TOKEN,  # type: ignore[arg-type]
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class FakeTwilio:
    """Twilio's Call-update endpoint: records every hang-up (Status=completed)."""

    hangups: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def update_call(request: Request) -> JSONResponse:
            form = await request.form()
            self.hangups.append(
                {
                    "account_sid": request.path_params["account_sid"],
                    "call_sid": request.path_params["call_sid"],
                    "status": form.get("Status"),
                    "auth": bool(request.headers.get("authorization")),
                }
            )
            return JSONResponse({"sid": request.path_params["call_sid"], "status": "completed"})

        return Starlette(
            routes=[Route("/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}.json", update_call, methods=["POST"])]
        )

    def hung_up(self, call_sid: str) -> bool:
        return any(h["call_sid"] == call_sid and h["status"] == "completed" for h in self.hangups)


@dataclass
class FakePlivo:
    """Plivo's Call resource: records every hang-up (DELETE /v1/Account/{auth_id}/Call/{call_uuid}/)."""

    hangups: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def delete_call(request: Request) -> Response:
            self.hangups.append({
                "auth_id": request.path_params["auth_id"], "call_uuid": request.path_params["call_uuid"],
                "auth": request.headers.get("authorization", ""),
            })
            return Response(status_code=204)

        return Starlette(routes=[Route("/v1/Account/{auth_id}/Call/{call_uuid}/", delete_call, methods=["DELETE"])])

    def hung_up(self, call_uuid: str) -> bool:
        return any(h["call_uuid"] == call_uuid and h["auth"].startswith("Basic ") for h in self.hangups)


class _Servers:
    """uvicorn servers on one private loop in a daemon thread."""

    def __init__(self, configs: list[uvicorn.Config]) -> None:
        self._servers = [uvicorn.Server(c) for c in configs]
        self._thread = threading.Thread(target=self._run, name="e2e-servers", daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        async def main() -> None:
            await asyncio.gather(*(s.serve() for s in self._servers))

        try:
            asyncio.run(main())
        except BaseException as exc:  # surfaced by start()/stop()
            self.error = exc

    def start(self, timeout_s: float = 60.0) -> None:
        self._thread.start()

        def started() -> bool:
            if self.error is not None or not self._thread.is_alive():
                raise RuntimeError(f"server did not start: {self.error!r}")
            return all(s.started for s in self._servers)

        if not wait_until_blocking(started, timeout_s, 0.05):
            raise TimeoutError("server did not start in time")

    def stop(self, timeout_s: float = 30.0) -> None:
        for s in self._servers:
            s.should_exit = True
        self._thread.join(timeout_s)


@dataclass
class RunningServer:
    url: str
    twilio: FakeTwilio
    settings: Any
    app: Any = None
    plivo: FakePlivo = field(default_factory=FakePlivo)


@contextlib.contextmanager
def running_server(settings: Any) -> Iterator[RunningServer]:
    """The Execora app on a free port plus a fake Twilio REST API it hangs up through."""
    from app.commands.common import uvicorn_options
    from app.main import create_app

    app_port, twilio_port, plivo_port = free_port(), free_port(), free_port()
    twilio, plivo = FakeTwilio(), FakePlivo()
    settings = settings.model_copy(
        update={
            "port": app_port,
            "public_base_url": PUBLIC_BASE_URL,
            "twilio_api_base_url": f"http://127.0.0.1:{twilio_port}",
            "plivo_api_base_url": f"http://127.0.0.1:{plivo_port}",
        }
    )
    app = create_app(settings)
    servers = _Servers(
        [
            uvicorn.Config(app, host="127.0.0.1", port=app_port, log_level="warning", lifespan="on",
                           **uvicorn_options(settings)),  # type: ignore[arg-type]  # the limits `execora serve` sets
            uvicorn.Config(twilio.app(), host="127.0.0.1", port=twilio_port, log_level="warning", lifespan="off"),
            uvicorn.Config(plivo.app(), host="127.0.0.1", port=plivo_port, log_level="warning", lifespan="off"),
        ]
    )
    servers.start()
    try:
        yield RunningServer(url=f"http://127.0.0.1:{app_port}", twilio=twilio, settings=settings, app=app, plivo=plivo)
    finally:
        servers.stop()


def unique_phone() -> str:
    """A fresh Indian mobile number (shop phones are unique across the database)."""
    return "+9197" + "".join(str(secrets.randbelow(10)) for _ in range(8))


@dataclass
class DemoShop:
    shop_id: int
    api_key: str
    owner_phone: str
    customers: dict[str, int]
    products: dict[str, int]


DEMO_CUSTOMERS: list[dict[str, Any]] = [
    {"name": "Suresh", "landmark": ""},
    {"name": "Meena", "landmark": ""},
    {"name": "Rahul", "landmark": "Gandhi chowk"},
    {"name": "Rahul", "landmark": "station road"},
]
DEMO_PRODUCTS: list[dict[str, Any]] = [
    {"name": "milk", "unit": "packet", "price_paise": 3000, "aliases": ["doodh"], "stock": 100},
    {"name": "bread", "unit": "packet", "price_paise": 4000, "aliases": ["double roti"], "stock": 100},
    {"name": "sugar", "unit": "kg", "price_paise": 4500, "aliases": ["chini", "cheeni"], "stock": 100},
]


async def create_demo_shop(pool: Any, *, confirm_limit_paise: int = 200_000, pin: str | None = None) -> DemoShop:
    """A small shop like the demo one, with a fresh owner phone, through the Books API."""
    from business.books import Books
    from db.uow import PostgresUnitOfWorkFactory

    books = Books(PostgresUnitOfWorkFactory(pool))
    phone = unique_phone()
    # Without a PIN the shop trusts caller ID (a setting, off by default): the call tests talk at once.
    settings: dict[str, Any] = {"confirm_limit_paise": confirm_limit_paise, "trust_caller_id": pin is None}
    shop, api_key = await books.create_shop("Sharma Kirana Store", phone, pin, settings=settings)
    customers: dict[str, int] = {}
    for c in DEMO_CUSTOMERS:
        cust = await books.add_customer(shop.id, c["name"], landmark=c["landmark"])
        key = c["name"] if not c["landmark"] else f"{c['name']}/{c['landmark']}"
        customers[key] = cust.id
    products: dict[str, int] = {}
    for p in DEMO_PRODUCTS:
        prod = await books.add_product(
            shop.id, p["name"], unit=p["unit"], price_paise=p["price_paise"], aliases=p["aliases"], stock=p["stock"]
        )
        products[p["name"]] = prod.id
    return DemoShop(shop.id, api_key, phone, customers, products)


async def call_rows(pool: Any, call_sid: str) -> tuple[Any, list[Any]]:
    """The call row and its turns, straight from Postgres."""
    call = await pool.fetchrow("SELECT * FROM calls WHERE call_sid = $1", call_sid)
    turns = await pool.fetch(
        "SELECT t.* FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.call_sid = $1 ORDER BY turn_no",
        call_sid,
    )
    return call, list(turns)
