"""The ASGI app factory: `create_app(settings) -> FastAPI`.

The lifespan opens the shared resources (asyncpg pool, Redis client, job
queue, the `Books` facade) and puts them on `app.state` as `settings`, `pool`,
`redis`, `jobs`, `books`. The `/api` routers take them as typed dependencies
(`app.api.deps`: `BooksDep`, `PoolDep`, ...); telephony and the dashboard,
which may not import `app`, read them from `request.app.state` by name. Other
packages plug their routers in `_include_routers` (one line each).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import api_router
from app.api.calls import router as calls_router
from app.api.calls import twilio_config
from app.api.document_links import files_router as document_files_router
from app.api.document_links import router as documents_state_router
from app.api.errors import install_error_handlers
from app.api.health import router as health_router
from app.api.metrics import router as metrics_router
from app.api.outbox import recordings_router
from app.api.outbox import router as outbox_router
from app.body_limits import BodyLimitMiddleware
from app.carriers import carrier_configs
from app.local_secrets import with_local_secrets
from app.resources import close_resources, open_resources
from app.settings import Settings, load_settings
from app.sip_listener import start_sip, stop_sip
from app.worker_header import WorkerHeaderMiddleware
from dashboard.routes import router as dashboard_router
from telephony.exotel.stream import router as exotel_router
from telephony.plivo.routes import router as plivo_router
from telephony.twilio.routes import router as twilio_router
from telephony.whatsapp.webhook import router as whatsapp_router

log = logging.getLogger(__name__)


def _include_routers(app: FastAPI) -> None:
    """Every router the app serves; other areas add theirs here, one line each."""
    app.include_router(health_router)
    app.include_router(api_router)
    app.include_router(calls_router)
    app.include_router(twilio_router)
    app.include_router(exotel_router)
    app.include_router(plivo_router)
    app.include_router(outbox_router)
    app.include_router(documents_state_router)
    app.include_router(document_files_router)
    app.include_router(recordings_router)
    app.include_router(whatsapp_router)
    app.include_router(dashboard_router)
    app.include_router(metrics_router)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; resources are opened when the server (or a test) runs its lifespan."""
    settings = with_local_secrets(settings or load_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        res = await open_resources(settings)
        app.state.settings = settings
        app.state.pool = res.pool
        app.state.redis = res.redis
        app.state.jobs = res.jobs
        app.state.books = res.books
        app.state.twilio = twilio_config(settings)
        app.state.exotel, app.state.plivo = carrier_configs(settings, app.state.twilio)
        app.state.resources = res
        app.state.sip = await start_sip(app.state, settings)  # SIP_LISTEN set: answer INVITEs (one process binds)
        log.info("app resources open")
        try:
            yield
        finally:
            await stop_sip(app.state.sip)
            await app.state.twilio.understanding.aclose()
            await close_resources(res)
            log.info("app resources closed")

    app = FastAPI(
        title="Execora",
        summary="A small Indian shop's books: customers, stock, invoices, udhaar, payments, reminders.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.add_middleware(WorkerHeaderMiddleware)  # which process answered (several share a port)
    app.add_middleware(BodyLimitMiddleware)  # 413 before a body is read past its route's cap
    install_error_handlers(app)
    _include_routers(app)
    return app
