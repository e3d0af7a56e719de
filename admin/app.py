"""The hub's web application: only wiring. Build it with :func:`create_app`."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.api import build_api
from admin.config import HubSettings
from admin.deps import manager_exists
from admin.errors import install_handlers
from admin.first_run import SetupCode
from admin.ops import health, metrics
from admin.ops.logs import log_event
from admin.security import PRE_COOKIE
from admin.setting_info import SettingCache
from admin.sound import chime_wav
from admin.views import (
    adults,
    agreed_password,
    alerts,
    audit,
    auth,
    cards,
    children,
    collection,
    gdpr,
    kiosks,
    live,
    photos,
    registers,
    staff,
    today,
)
from admin.views import settings as nursery_settings
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.migrate import head_revision, upgrade_to_head

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def create_app(settings: HubSettings, *, clock: Callable[[], datetime] = utc_now) -> FastAPI:
    engine = make_engine(settings.database_url)
    upgrade_to_head(engine)
    app = FastAPI(title="Handover office", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.clock = clock
    app.state.setting_info = SettingCache(app.state.sessions)
    app.state.schema_head = head_revision()
    app.state.metrics = metrics.HubMetrics(app.state.sessions, clock)
    app.state.setup_code = _setup_code(app, demo=settings.demo)
    install_handlers(app)
    app.add_middleware(BrowserDefaults)
    app.add_middleware(metrics.RequestObserver, metrics=app.state.metrics)
    app.mount("/static", StaticFiles(packages=[("admin", "static")]), name="static")
    app.mount(
        "/api/v1", build_api(app.state.sessions, clock=clock, certificate=settings.certificate)
    )
    for module in (
        health,
        metrics,
        auth,
        live,
        today,
        alerts,
        children,
        adults,
        agreed_password,
        collection,
        staff,
        cards,
        registers,
        audit,
        gdpr,
        kiosks,
        nursery_settings,
        photos,
    ):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/today", status_code=303)

    @app.get("/sound/alert.wav", include_in_schema=False)
    def alert_sound() -> Response:
        return Response(
            chime_wav(), media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"}
        )

    return app


def _setup_code(app: FastAPI, *, demo: bool) -> SetupCode | None:
    """A code for /setup when this hub has no manager yet; never for the demo."""
    with app.state.sessions() as db:
        if demo or manager_exists(db):
            return None
    log_event("setup_code_issued")  # the code itself goes to the console only
    return SetupCode.new()


class BrowserDefaults:
    """Security headers on every answer, and a CSRF seed cookie for a browser not signed in.
    Plain ASGI, so the live event stream passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fresh = None
        if PRE_COOKIE not in Request(scope).cookies:
            fresh = secrets.token_urlsafe(24)
            scope.setdefault("state", {})["pre_seed"] = fresh

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if fresh is not None:
                    # Secure whenever the browser's connection is HTTPS (uvicorn reads a local
                    # reverse proxy's X-Forwarded-Proto); only --insecure-http goes without.
                    flags = "; Secure" if scope.get("scheme") == "https" else ""
                    headers.append(
                        "set-cookie",
                        f"{PRE_COOKIE}={fresh}; HttpOnly; Path=/; SameSite=strict{flags}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
