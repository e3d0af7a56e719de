"""Alerts as staff see them: the open ones, most serious first, read from the event log. Today,
the Alerts page, the Kiosks page and the metrics all ask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from db.day_parts import Alert
from db.events import events_between
from db.register import Names
from db.timeline import Timeline
from db.vocabulary import STAFF_TEXT, EventType, Severity

ALERT_TYPES = (EventType.ALERT_RAISED, EventType.ALERT_ACKNOWLEDGED, EventType.ALERT_RESOLVED)
OPEN_LOOKBACK = timedelta(days=30)
CLOCK_SKEW = timedelta(days=1)  # a kiosk whose clock runs ahead still has its alerts seen
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
    child_id: int | None = None  # whose view the page records (admin/office/viewing.py)
    adult_id: int | None = None

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
        child_id=alert.child_id,
        adult_id=alert.adult_id,
    )


def people_in(views: list[AlertView]) -> dict[str, list[int | None]]:
    """The children and adults a list of alerts names, for the audit log."""
    return {"children": [v.child_id for v in views], "adults": [v.adult_id for v in views]}


def alerts_since(db: Session, start: datetime, end: datetime) -> Timeline:
    return Timeline.of(events_between(db, start, end, types=ALERT_TYPES))


def open_alert_records(db: Session, now: datetime) -> list[Alert]:
    """Alerts of the last 30 days no one has resolved, as the event log has them."""
    return alerts_since(db, now - OPEN_LOOKBACK, now + CLOCK_SKEW).open_alerts()


def open_alerts(db: Session, now: datetime, *, names: Names | None = None) -> list[AlertView]:
    """Open alerts of the last 30 days, the most serious first, then the newest."""
    names = names or Names.load(db)
    views = [alert_view(a, names) for a in open_alert_records(db, now)]
    views.sort(key=lambda v: v.raised_at, reverse=True)
    views.sort(key=lambda v: SEVERITY_ORDER.get(Severity(v.severity), 9))
    return views
