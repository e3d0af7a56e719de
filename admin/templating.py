"""Jinja2 templates (autoescaped) and what every page needs: who is signed in, the CSRF token,
demo mode, the setting's name, and times shown in the setting's zone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from admin.config import HubSettings
from admin.dates import typed_day
from admin.errors import HubError
from admin.security import csrf_seed, csrf_token
from db.clock import as_utc
from db.names import full_name
from db.vocabulary import STAFF_TEXT, Reason

# Loaded from the installed package (Jinja's PackageLoader goes through importlib), so a wheel
# installed anywhere finds its pages.
TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.PackageLoader("admin", "templates"),
        autoescape=True,
        # The parents' page is translated (admin/family_language.py hands each page its
        # language's gettext); the office's pages are in English and call none of it.
        extensions=["jinja2.ext.i18n"],
    )
)
TEMPLATES.env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.setting_info().time_zone)


def _clock(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else as_utc(value).astimezone(zone).strftime("%H:%M")


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else as_utc(value).astimezone(zone).strftime("%a %d %b %Y %H:%M")


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%a %d %b %Y")


def _reason(value: str) -> str:
    try:
        return STAFF_TEXT[Reason(value)]
    except ValueError:
        return value


def office_ca_file(settings: HubSettings) -> Path | None:
    """The CA the hub made itself (none with --tls-cert or --insecure-http): browsers are
    offered it on the login page."""
    return None if settings.certificate is None else settings.certificate.ca_file


def count(n: int, one: str, many: str) -> str:
    """ "1 child", "14 children": English plurals, where a printed register is read aloud."""
    return f"{n} {one if n == 1 else many}"


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    zone = _zone(request)
    info = request.app.state.setting_info()
    base: dict[str, Any] = {
        "request": request,
        "me": getattr(request.state, "staff", None),
        "csrf": csrf_token(request.app.state.settings.secret_key, csrf_seed(request)),
        "demo": request.app.state.settings.demo,
        # --insecure-http, and this browser's connection really is plain (not a local HTTPS
        # reverse proxy's, which uvicorn reads from X-Forwarded-Proto).
        "insecure_http": request.app.state.settings.insecure_http and request.url.scheme != "https",
        "office_ca": office_ca_file(request.app.state.settings) is not None,
        "setting_name": info.name,
        "clock": lambda v: _clock(v, zone),
        "when": lambda v: _when(v, zone),
        "day": _day,
        # Date fields (the date_field macro, imported with context) write dates this way.
        "date_hint": info.date_order.hint,
        "date_order": info.date_order.key,
        "date_text": lambda v: typed_day(v, info.date_order),
        "full_name": full_name,
        "count": count,
        "reason_text": _reason,
    }
    response = TEMPLATES.TemplateResponse(request, name, base | (context or {}), status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def render_error(request: Request, error: HubError) -> HTMLResponse:
    return render(request, "error.html", {"error": error}, status=error.status)
