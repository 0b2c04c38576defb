"""One error shape for every HTTP answer that is not a success.

`{"error": {"code": "<stable snake_case>", "message": "<human text>", ...}}`.
Business errors carry their stable `code`, their own HTTP status
(`ExecoraError.http_status`: 404 not found, 409 conflict/ambiguous, 422
validation, 401 auth) and their structured `details()` (candidates,
shortfalls, ...) merged into the error object. Request validation failures
become `validation_error` (422) naming the offending field; anything else is
logged here, at the edge, and answered 500 `internal_error` without leaking
the exception text.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from business.errors import ExecoraError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str = Field(description="stable snake_case code, e.g. insufficient_stock")
    message: str


class ErrorOut(BaseModel):  # the shape for OpenAPI; the handlers below build it with `error_body`
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "missing or wrong API key"},
    404: {"model": ErrorOut, "description": "not found (also another shop's ids)"},
    409: {"model": ErrorOut, "description": "conflict: insufficient stock, ambiguous name (candidates), ..."},
    422: {"model": ErrorOut, "description": "invalid input; nothing was written"},
}


class ApiError(Exception):
    """An HTTP-layer error with a stable code (auth, bad headers), raised by routes and dependencies."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body of every error answer; `code` and `message` win over same-named details."""
    return {"error": {**(details or {}), "code": code, "message": message}}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def _validation_message(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {}
    where = _location(first.get("loc", ()))
    msg = str(first.get("msg", "invalid input"))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {msg}{more}"


async def _execora_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ExecoraError)
    status = getattr(exc, "http_status", 400)
    if status >= 500:
        log.error("business error %s on %s %s shop_id=%s", exc.code, request.method, request.url.path,
                  _shop_id(request))
    else:
        log.info("%s %s -> %s shop_id=%s", request.method, request.url.path, exc.code, _shop_id(request))
    return error_response(status, exc.code, exc.message, details=exc.details())


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, headers=exc.headers)


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [dict(e) for e in exc.errors()]
    fields = [
        {"field": _location(e.get("loc", ())), "message": str(e.get("msg", "")), "type": e.get("type")}
        for e in errors
    ]
    return error_response(422, "validation_error", _validation_message(errors), details={"fields": fields})


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


def _shop_id(request: Request) -> object:
    return getattr(request.state, "shop_id", None)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s shop_id=%s", request.method, request.url.path, _shop_id(request))
    return error_response(500, "internal_error", "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every failure the `{"error": {...}}` shape."""
    app.add_exception_handler(ExecoraError, _execora_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(Exception, _unhandled)
