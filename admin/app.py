"""The hub's web application: only wiring. Build it with :func:`create_app`."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.api import build_api
from admin.api.limits import PANEL_BODY, STAFF_BODY, BodyLimit, Wider
from admin.config import HubSettings
from admin.db_slots import slots_for, slots_of
from admin.deps import manager_exists
from admin.error_pages import install_handlers
from admin.first_run import SetupCode
from admin.hub_key import hub_signer, register_hub_key
from admin.not_arrived_watch import NotArrivedWatch
from admin.notice_sender import NoticeSender
from admin.office.event_notices import queue_opted_in_notices
from admin.office.family import parent_for_token
from admin.office.family_requests import forget_past_photos
from admin.office.mail_settings import mail_in_use
from admin.office.parents_absences import put_earlier_absences_on_register
from admin.office.viewing import ViewLog
from admin.ops import health, metrics
from admin.ops.health import data_folder
from admin.ops.logs import log_event
from admin.security import PRE_COOKIE, SESSION_COOKIE, staff_for_token
from admin.setting_info import SettingCache
from admin.sound import chime_wav
from admin.views import (
    absences,
    adults,
    agreed_password,
    alerts,
    attendance,
    audit,
    auth,
    cards,
    children,
    closed_days,
    collection,
    family,
    family_requests,
    funding,
    gdpr,
    imports,
    kiosks,
    leaving,
    live,
    mail_settings,
    notices,
    photo_upload,
    photos,
    registers,
    setting_rows,
    staff,
    today,
    welcome,
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


def create_app(
    settings: HubSettings,
    *,
    clock: Callable[[], datetime] = utc_now,
    watch_not_arrived: bool = False,
) -> FastAPI:
    """``watch_not_arrived``: raise "not yet arrived" alerts from a background thread, as
    ``handover hub`` does; off for an app built inside a test, whose clock stands still."""
    engine = make_engine(settings.database_url, wait_for_locks=False)
    upgrade_to_head(engine)
    app = FastAPI(
        title="Handover office",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_background_work,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.db_slots = slots_for(engine)  # shared with the API: one count of connections
    app.state.clock = clock
    _sign_office_events(app, settings, clock())
    with app.state.sessions() as db:  # signed, so after the key: see the function
        put_earlier_absences_on_register(db, clock())
    app.state.setting_info = SettingCache(app.state.sessions)
    app.state.viewed = ViewLog()
    app.state.schema_head = head_revision()
    app.state.metrics = metrics.HubMetrics(app.state.sessions, clock)
    app.state.setup_code = _setup_code(app, demo=settings.demo)
    app.state.notice_sender = NoticeSender(
        app.state.sessions,
        lambda db: mail_in_use(db, from_env=settings.smtp, data_folder=app.state.data_folder).smtp,
        clock,
        before_sending=_before_sending,
    )
    app.state.not_arrived_watch = (
        NotArrivedWatch(app.state.sessions, clock) if watch_not_arrived else None
    )
    install_handlers(app)
    app.add_middleware(
        BodyLimit,
        limit=PANEL_BODY,
        wider=_signed_in_staff_may_send_more(app),
        skip="/api/",
        pages=True,
    )
    app.add_middleware(BrowserDefaults)
    app.add_middleware(metrics.RequestObserver, metrics=app.state.metrics)
    app.mount("/static", StaticFiles(packages=[("admin", "static")]), name="static")
    # Kept on the app too: a certificate renewed while the hub runs is told to the API here.
    app.state.api = build_api(
        app.state.sessions,
        clock=clock,
        certificate=settings.certificate,
        slots=app.state.db_slots,
    )
    app.mount("/api/v1", app.state.api)
    for module in (
        health,
        metrics,
        auth,
        live,
        today,
        alerts,
        imports,  # before children: /children/import is not a child's number
        photo_upload,  # and /children/photos is not one either
        leaving,
        children,
        adults,
        agreed_password,
        collection,
        staff,
        cards,
        registers,
        absences,
        attendance,
        funding,
        audit,
        gdpr,
        kiosks,
        notices,
        mail_settings,  # before setting_rows: /settings/mail is not a kind of row
        nursery_settings,  # before setting_rows: /settings/door is not a kind of row
        closed_days,  # and neither is /settings/closed-days
        setting_rows,
        welcome,
        photos,
        family,
        family_requests,
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


@asynccontextmanager
async def _background_work(app: FastAPI) -> AsyncIterator[None]:
    """The e-mail sender runs beside the office while it serves, never in a request: a
    change is saved with its notice queued, and the page answers at once (issue 17). So does
    the watch for children not brought, which must tell staff whether a page is open or not."""
    sender: NoticeSender | None = app.state.notice_sender
    watch: NotArrivedWatch | None = app.state.not_arrived_watch
    for worker in (sender, watch):
        if worker is not None:
            worker.start()
    try:
        yield
    finally:
        for worker in (sender, watch):
            if worker is not None:
                worker.stop()


def _sign_office_events(app: FastAPI, settings: HubSettings, now: datetime) -> None:
    """Every session of this hub carries its key (``info["hub_key"]``): what the office
    records is signed wherever it is recorded (admin/hub_key.py)."""
    app.state.data_folder = data_folder(settings)
    signer = hub_signer(app.state.data_folder)
    app.state.sessions.configure(info={"hub_key": signer})
    with app.state.sessions() as db:
        register_hub_key(db, signer, now=now)


def _setup_code(app: FastAPI, *, demo: bool) -> SetupCode | None:
    """A code for /setup when this hub has no manager yet; never for the demo."""
    with app.state.sessions() as db:
        if demo or manager_exists(db):
            return None
    log_event("setup_code_issued")  # the code itself goes to the console only
    return SetupCode.new()


def _before_sending(db: Session, now: datetime) -> None:
    """Each round of the notice sender: notices from the doors' events, and, as the sender is
    the hub's only steady clock, permission photos whose days are over forgotten."""
    queue_opted_in_notices(db, now)
    forget_past_photos(db, now)


def _signed_in_staff_may_send_more(app: FastAPI) -> Wider:
    """Photos are bigger than any form, so a signed-in member of staff may send up to
    :data:`STAFF_BODY`; asked only once a body outgrows the panel's small cap, so an anonymous
    flood costs one cookie lookup at most."""

    def allowance(token: str, parents_token: str) -> int:
        idle = timedelta(minutes=app.state.settings.session_idle_minutes)
        with app.state.sessions() as db:
            if token:
                state = staff_for_token(db, token, now=app.state.clock(), idle=idle, touch=False)
                if state.staff is not None:
                    return STAFF_BODY
            # A signed-in parent sends the photo of whoever they ask to collect.
            if parents_token and parent_for_token(db, parents_token, now=app.state.clock()):
                return STAFF_BODY
        return PANEL_BODY

    async def wider(scope: Scope) -> int:
        cookies = Request(scope).cookies
        token = cookies.get(SESSION_COOKIE, "")
        parents_token = (
            cookies.get(family.FAMILY_COOKIE, "") if app.state.settings.parents_page else ""
        )
        if not (token or parents_token):
            return PANEL_BODY
        return await slots_of(app).run(allowance, token, parents_token)

    return wider


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
