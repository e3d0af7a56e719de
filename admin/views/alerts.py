"""Alerts: the open ones, acknowledge and resolve with a note of what was done (R13), and the
history with filters. Acknowledgements and resolutions are events, like everything at the door."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.deps import CurrentStaff, FormDep, NowDep, SessionDep
from admin.errors import not_found
from admin.office_events import record_office_event
from admin.templating import render
from db.clock import local_day, local_day_bounds
from db.day_parts import Alert
from db.events import events_between
from db.register import Names, setting_zone
from db.timeline import Timeline
from db.vocabulary import STAFF_TEXT, EventType, Severity

router = APIRouter()
ALERT_TYPES = (EventType.ALERT_RAISED, EventType.ALERT_ACKNOWLEDGED, EventType.ALERT_RESOLVED)
OPEN_LOOKBACK = timedelta(days=30)
CLOCK_SKEW = timedelta(days=1)  # a kiosk whose clock runs ahead still has its alerts seen
MAX_NOTE = 1000
SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.WARNING: 2, Severity.INFO: 3}


@dataclass(frozen=True)
class AlertView:
    uuid: str
    text: str
    severity: str
    raised_at: datetime
    device: str
    child: str
    adult: str
    presented: str
    acknowledged_by: str
    acknowledged_at: datetime | None
    resolved_by: str
    resolved_at: datetime | None
    resolution: str

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


def _presented(details: dict[str, Any]) -> str:
    shown = details.get("presented")
    if not isinstance(shown, dict):
        return ""
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in shown.items() if v not in ("", None))


def alert_view(alert: Alert, names: Names) -> AlertView:
    details = dict(alert.details)
    return AlertView(
        uuid=alert.uuid,
        text=str(details.get("text") or STAFF_TEXT.get(alert.reason, alert.reason.value)),
        severity=alert.severity.value,
        raised_at=alert.raised_at,
        device=alert.device,
        child=names.child(alert.child_id) if alert.child_id is not None else "",
        adult=names.adults.get(alert.adult_id or -1, ""),
        presented=_presented(details),
        acknowledged_by=names.staff.get(alert.acknowledged_by_staff_id or -1, ""),
        acknowledged_at=alert.acknowledged_at,
        resolved_by=names.staff.get(alert.resolved_by_staff_id or -1, ""),
        resolved_at=alert.resolved_at,
        resolution=alert.resolution or "",
    )


def alerts_since(db: Session, start: datetime, end: datetime) -> Timeline:
    return Timeline.of(events_between(db, start, end, types=ALERT_TYPES))


def open_alerts(db: Session, now: datetime, *, names: Names | None = None) -> list[AlertView]:
    """Open alerts of the last 30 days, the most serious first, then the newest."""
    names = names or Names.load(db)
    timeline = alerts_since(db, now - OPEN_LOOKBACK, now + CLOCK_SKEW)
    views = [alert_view(a, names) for a in timeline.open_alerts()]
    views.sort(key=lambda v: v.raised_at, reverse=True)
    views.sort(key=lambda v: SEVERITY_ORDER.get(Severity(v.severity), 9))
    return views


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


def _parse_day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


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
    first = _parse_day(start, today - timedelta(days=7))
    last = _parse_day(end, today)
    severity = severity if severity in {s.value for s in Severity} else ""
    context = {
        "open": open_alerts(db, now),
        "history": _history(db, now, first, last, severity, status),
        "filters": {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "severity": severity,
            "status": status,
        },
        "severities": [s.value for s in Severity],
        "errors": {},
    }
    return render(request, "alerts.html", context)


@router.get("/alerts/fragment")
def alerts_fragment(request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep) -> Response:
    return render(request, "alerts_open.html", {"open": open_alerts(db, now), "errors": {}})


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
        context = {
            "open": open_alerts(db, now),
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
