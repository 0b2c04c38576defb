"""The Twilio routers, for `app.include_router`."""

from __future__ import annotations

from fastapi import APIRouter

from telephony.twilio.login import router as login_router
from telephony.twilio.stream import router as stream_router
from telephony.twilio.webhook import router as webhook_router

router = APIRouter()
router.include_router(webhook_router)
router.include_router(login_router)
router.include_router(stream_router)
