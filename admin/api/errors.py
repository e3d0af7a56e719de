"""Errors of the sync API: a status, a stable code a kiosk can act on, and a sentence.

Every error body is ``{"code": ..., "message": ...}``, whatever raised it: our own
:class:`ApiError`, a request pydantic refused, or a path that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from admin.errors import DATABASE_BUSY, RETRY_AFTER_SECONDS, HubError, database_busy
from admin.ops.logs import log_database_busy


class ApiError(HubError):
    """Raised by the API's views and dependencies; a :class:`HubError`, so code that catches
    the hub's errors catches these too."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, code, message)
        self.headers = headers


class ErrorBody(BaseModel):
    """Every error the sync API gives: a stable code a kiosk can act on, and a sentence."""

    code: str
    message: str


def ERRORS(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses an operation can answer with."""
    return {status: {"model": ErrorBody} for status in statuses}


def unknown_device() -> ApiError:
    return ApiError(401, "unknown_device", "This kiosk is not paired with this hub.")


def kiosk_revoked() -> ApiError:
    return ApiError(403, "kiosk_revoked", "This kiosk was revoked in the office; pair it again.")


def pair_again() -> ApiError:
    return ApiError(
        403,
        "pair_again",
        "This kiosk was paired before kiosks signed their events: pair it again from the "
        "office's Kiosks page (its waiting events are kept and sent once it is).",
    )


def error_body(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def _refused(request: Request, code: str) -> None:
    # Counted and logged once per request by the hub's RequestObserver (admin/ops/metrics.py).
    request.state.sync_refusal = code


def install_api_handlers(api: FastAPI) -> None:
    @api.exception_handler(HubError)
    def _api_error(request: Request, exc: HubError) -> Response:
        _refused(request, exc.code)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        headers |= getattr(exc, "headers", None) or {}
        return JSONResponse(
            error_body(exc.code, exc.message), status_code=exc.status, headers=headers
        )

    def _busy(request: Request, exc: Exception) -> Response:
        log_database_busy(request.url.path, exc)
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        busy = database_busy()
        return _api_error(request, ApiError(busy.status, busy.code, busy.message, headers=retry))

    for kind in DATABASE_BUSY:
        api.add_exception_handler(kind, _busy)

    @api.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        _refused(request, "invalid_request")
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "The request is invalid."
        return JSONResponse(error_body("invalid_request", message[:300]), status_code=422)

    @api.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        _refused(request, code)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method the path has, not only the first route's
            headers["Allow"] = ", ".join(_methods(api, request.scope.get("path", "")))
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=headers
        )


def _methods(api: FastAPI, path: str) -> list[str]:
    found: set[str] = set()
    for route in api.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            found |= set(getattr(route, "methods", None) or ())
    return sorted(found)
