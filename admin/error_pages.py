"""How the hub answers its errors: ``/api`` with JSON, pages with ``error.html``, a page that
needs a login or the first-run setup with a redirect there."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from admin.errors import (
    DATABASE_BUSY,
    RETRY_AFTER_SECONDS,
    HubError,
    LoginRequired,
    SetupRequired,
    database_busy,
    plain_page,
)
from admin.ops.logs import log_database_busy
from admin.templating import render_error

BUSY_SENTENCE = "The office's records are busy. Please try again in a few seconds."


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
        return render_error(request, exc)

    def _busy(request: Request, exc: Exception) -> Response:
        log_database_busy(request.url.path, exc)
        try:
            response = _hub_error(request, database_busy())
        except DATABASE_BUSY:  # the page itself needs the database: a page that does not
            response = HTMLResponse(plain_page("Busy for a moment", BUSY_SENTENCE), status_code=503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for kind in DATABASE_BUSY:
        app.add_exception_handler(kind, _busy)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        message = "That page could not be found." if exc.status_code == 404 else str(exc.detail)
        return _hub_error(request, HubError(exc.status_code, code, message))
