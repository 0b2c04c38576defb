"""The dashboard's few scripts, served from the package (no CDN: the app works offline).

Only the names listed here are served; the Content-Security-Policy allows scripts from
this origin only (`script-src 'self'`), so no page carries inline script.
"""

from __future__ import annotations

import asyncio
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter()

SCRIPTS = ("live.js", "call.js")


def _read(name: str) -> str:
    return resources.files("dashboard").joinpath(f"static/{name}").read_text(encoding="utf-8")


@router.get("/static/{name}")
async def script(name: str) -> Response:
    if name not in SCRIPTS:
        return Response("not found", status_code=404, media_type="text/plain")
    body = await asyncio.to_thread(_read, name)
    return Response(body, media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})
