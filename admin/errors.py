"""One error type for the hub: a status, a stable code and a sentence fit to show a person.

``/api`` answers JSON; pages render ``error.html``; a page that needs a login redirects there.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


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

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        message = "That page could not be found." if exc.status_code == 404 else str(exc.detail)
        return _hub_error(request, HubError(exc.status_code, code, message))
