"""A forgotten sign-out: a child went home and no door recorded it, so the register still has
them on site. A manager records the departure after the fact, with the time and why. It is a
collection event written and signed by the office, carrying the reason and when it was
written, so the register marks it as corrected; nothing already recorded is changed."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from admin.errors import HubError
from admin.office.registers import audit_note
from admin.office_events import record_office_event
from db.clock import as_utc
from db.day_parts import Stay
from db.register import day_timeline, setting_zone
from db.timeline import EventRecord
from db.vocabulary import EventType, Role

MAX_REASON = 300
MAX_NAME = 200


def _clock_time(raw: str) -> time:
    try:
        return time.fromisoformat(raw.strip())
    except ValueError as exc:
        raise HubError(400, "bad_time", "The time the child left is not a time (HH:MM).") from exc


def open_stay(db: Session, child_id: int, day: date, zone: ZoneInfo) -> Stay:
    """The child's period that day with no departure: what a forgotten sign-out leaves."""
    timeline = day_timeline(
        db, day, zone, types=(EventType.CHILD_ARRIVED, EventType.CHILD_COLLECTED)
    )
    found = timeline.on_site.get(child_id)
    if found is None:
        raise HubError(409, "not_on_site", "That child has no open period on that day.")
    return found


def record_departure(
    db: Session,
    *,
    child_id: int,
    day: date,
    left_at: str,
    reason: str,
    collected_by: str,
    manager_id: int,
    manager_role: str,
    now: datetime,
) -> EventRecord:
    """Records that the child left ``day`` at ``left_at`` (HH:MM, the setting's clock). The
    time must be after the arrival and not in the future."""
    if manager_role != Role.MANAGER.value:
        raise HubError(403, "manager_only", "Only a manager records a departure after the fact.")
    reason = reason.strip()
    if not reason:
        raise HubError(400, "no_reason", "Please say why the departure is recorded afterwards.")
    if len(reason) > MAX_REASON or len(collected_by) > MAX_NAME:
        raise HubError(400, "too_long", f"Please keep the reason under {MAX_REASON} characters.")
    zone = setting_zone(db)
    stay = open_stay(db, child_id, day, zone)
    left = as_utc(datetime.combine(day, _clock_time(left_at), tzinfo=zone))
    if left < stay.arrived_at:
        raise HubError(400, "before_arrival", "The child cannot leave before they arrived.")
    if left > as_utc(now):
        raise HubError(400, "future_time", "That time has not come yet.")
    payload: dict[str, str] = {"correction_reason": reason, "recorded_at": as_utc(now).isoformat()}
    if collected_by.strip():
        payload["collector_name"] = collected_by.strip()
    audit_note(
        db, now, "correct", "children", child_id, {"departed_at": left.isoformat(), **payload}
    )
    return record_office_event(
        db,
        EventType.CHILD_COLLECTED,
        now=now,
        occurred_at=left,
        staff_id=manager_id,
        child_id=child_id,
        room_id=stay.room_id,
        payload=payload,
    )
