"""Alerts: the open ones, acknowledge and resolve with a note of what was done (R13), and the
history with filters. Acknowledgements and resolutions are events, like everything at the door."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.dates import order_for
from admin.deps import CurrentStaff, FormDep, NowDep, SessionDep
from admin.errors import not_found
from admin.forms import AskedDays
from admin.office.absences import not_yet_arrived
from admin.office.alerts import (
    CLOCK_SKEW,
    AlertView,
    alert_view,
    alerts_since,
    open_alerts,
    people_in,
)
from admin.office.viewing import record_people_seen
from admin.office_events import record_office_event
from admin.templating import render
from db.chain import missing_events
from db.clock import local_day, local_day_bounds
from db.day_parts import Alert
from db.register import Names, setting_zone
from db.vocabulary import EventType, Severity

router = APIRouter()
MAX_NOTE = 1000


def _history(
    db: Session, now: datetime, first: date, last: date, severity: str, status: str
) -> list[AlertView]:
    zone = setting_zone(db)
    start, _ = local_day_bounds(first, zone)
    _, end = local_day_bounds(last, zone)
    names = Names.load(db)
    timeline = alerts_since(db, start, max(end, now + CLOCK_SKEW))
    views = [alert_view(a, names) for a in timeline.alerts.values() if a.raised_at < end]
    if severity:
        views = [v for v in views if v.severity == severity]
    if status == "open":
        views = [v for v in views if v.is_open]
    elif status == "resolved":
        views = [v for v in views if not v.is_open]
    return sorted(views, key=lambda v: v.raised_at, reverse=True)


@router.get("/alerts")
def alerts_page(
    request: Request,
    staff: CurrentStaff,
    db: SessionDep,
    now: NowDep,
    start: str | None = None,
    end: str | None = None,
    severity: str = "",
    status: str = "",
) -> Response:
    today = local_day(now, setting_zone(db))
    asked = AskedDays(order_for(request))
    first = asked.day("start", start, today - timedelta(days=7))
    last = asked.day("end", end, today)
    severity = severity if severity in {s.value for s in Severity} else ""
    shown, history = open_alerts(db, now), _history(db, now, first, last, severity, status)
    record_people_seen(request, db, people_in(shown + history), "alerts")
    context = {
        "open": shown,
        "gaps": missing_events(db, now=now),
        "not_arrived": len(not_yet_arrived(db, now)),  # a count: no names on this page
        "history": history,
        "filters": asked.values | {"severity": severity, "status": status},
        "date_errors": asked.errors,
        "severities": [s.value for s in Severity],
        "errors": {},
    }
    return render(request, "alerts.html", context, status=asked.status)


@router.get("/alerts/fragment")
def alerts_fragment(request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep) -> Response:
    shown = open_alerts(db, now)
    record_people_seen(request, db, people_in(shown), "alerts")
    return render(request, "alerts_open.html", {"open": shown, "errors": {}})


def _find(db: Session, now: datetime, uuid: str) -> Alert:
    alert = alerts_since(db, now - timedelta(days=400), now + CLOCK_SKEW).alerts.get(uuid)
    if alert is None:
        raise not_found("That alert")
    return alert


@router.post("/alerts/{uuid}/acknowledge")
def acknowledge(
    uuid: str, form: FormDep, staff: CurrentStaff, db: SessionDep, now: NowDep
) -> Response:
    alert = _find(db, now, uuid)
    if alert.acknowledged_at is None:
        record_office_event(
            db,
            EventType.ALERT_ACKNOWLEDGED,
            now=now,
            staff_id=staff.id,
            ref=uuid,
            child_id=alert.child_id,
        )
    back = str(form.get("back") or "")
    return RedirectResponse(back if back in ("/today", "/alerts") else "/alerts", status_code=303)


@router.post("/alerts/{uuid}/resolve")
def resolve(
    request: Request, uuid: str, form: FormDep, staff: CurrentStaff, db: SessionDep, now: NowDep
) -> Response:
    alert = _find(db, now, uuid)
    note = " ".join(str(form.get("note") or "").split())
    error = ""
    if not note:
        error = "Please write what was done (for the record), then resolve."
    elif len(note) > MAX_NOTE:
        error = f"That note is too long: at most {MAX_NOTE} characters."
    if error:
        shown = open_alerts(db, now)
        record_people_seen(request, db, people_in(shown), "alerts")
        context = {
            "open": shown,
            "history": [],
            "errors": {uuid: error},
            "filters": {},
            "severities": [s.value for s in Severity],
            "note": note,
        }
        return render(request, "alerts.html", context, status=400)
    if alert.resolved_at is None:
        record_office_event(
            db,
            EventType.ALERT_RESOLVED,
            now=now,
            staff_id=staff.id,
            ref=uuid,
            child_id=alert.child_id,
            payload={"note": note},
        )
    return RedirectResponse("/alerts", status_code=303)
