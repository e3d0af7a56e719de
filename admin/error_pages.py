"""How the hub answers its errors: ``/api`` with JSON, pages with ``error.html``, a page that
needs a login or the first-run setup with a redirect there."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from admin.errors import HubError, LoginRequired, SetupRequired
from admin.templating import render_error


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

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        message = "That page could not be found." if exc.status_code == 404 else str(exc.detail)
        return _hub_error(request, HubError(exc.status_code, code, message))
