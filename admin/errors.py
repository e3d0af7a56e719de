"""One error type for the hub: a status, a stable code and a sentence fit to show a person.

``/api`` answers JSON; pages render ``error.html``; a page that needs a login redirects there.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from admin.ops.logs import log_event

# A database that is locked by another writer (SQLite waits busy_timeout, PostgreSQL the
# hub's lock_timeout), restarting, or out of pooled connections: the request may work in a few
# seconds, so the answer is 503 with Retry-After, never a 500 that reads like a bug.
DATABASE_BUSY = (OperationalError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


class HubError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class LoginRequired(HubError):
    def __init__(self, message: str = "Please sign in.") -> None:
        super().__init__(401, "login_required", message)


class SetupRequired(HubError):
    def __init__(self) -> None:
        super().__init__(409, "setup_required", "The manager account has not been created yet.")


def forbidden(message: str = "Only the manager can do that.") -> HubError:
    return HubError(403, "manager_only", message)


def not_found(what: str = "That page") -> HubError:
    return HubError(404, "not_found", f"{what} could not be found.")


def database_busy() -> HubError:
    return HubError(
        503,
        "database_busy",
        "The office's records are busy for a moment. Please try again in a few seconds.",
    )


def log_busy(request: Request, exc: Exception) -> None:
    reason = type(getattr(exc, "orig", None) or exc).__name__  # never the SQL: it may hold names
    log_event("database_busy", path=request.url.path, reason=reason)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    def _hub_error(request: Request, exc: HubError) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"error": {"code": exc.code, "message": exc.message}}, status_code=exc.status
            )
        if isinstance(exc, SetupRequired):
            return RedirectResponse("/setup", status_code=303)
        if isinstance(exc, LoginRequired):
            target = quote(request.url.path, safe="/")
            notice = "&expired=1" if "idle" in exc.message else ""
            return RedirectResponse(f"/login?next={target}{notice}", status_code=303)
        from admin.templating import render_error

        return render_error(request, exc)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    def _busy(request: Request, exc: Exception) -> Response:
        log_busy(request, exc)
        try:
            response = _hub_error(request, database_busy())
        except DATABASE_BUSY:  # the page itself needs the database: a page that does not
            response = HTMLResponse(_BUSY_PAGE, status_code=503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        message = "That page could not be found." if exc.status_code == 404 else str(exc.detail)
        return _hub_error(request, HubError(exc.status_code, code, message))


_BUSY_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Handover</title>"
    "<body style='font-family:sans-serif;margin:2rem'><h1>Busy for a moment</h1>"
    "<p>The office's records are busy. Please try again in a few seconds.</p>"
)
