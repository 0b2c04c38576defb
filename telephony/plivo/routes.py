"""The Plivo routers, for `app.include_router`."""

from __future__ import annotations

from fastapi import APIRouter

from telephony.plivo.answer import router as answer_router
from telephony.plivo.stream import router as stream_router

router = APIRouter()
router.include_router(answer_router)
router.include_router(stream_router)
