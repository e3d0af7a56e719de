"""Booked children who have not come (issue 15 §4): staff see "not yet arrived" on Today once a
booked session has been running for the setting's minutes, and the manager records why a child
is absent (ill, on holiday, not brought, not known). The EYFS asks settings to follow up a
child who is not brought. An absence is an event the office signs, like a sign-off: later
records are added, never written over, and the latest one is the one shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from admin.errors import HubError
from admin.office.closed_days import closure_on
from admin.office.registers import audit_note
from admin.office_events import record_office_event
from db.clock import as_utc, local_day
from db.models import (
    Child,
    ChildBooking,
    Event,
    NurserySession,
    Room,
    Setting,
    Staff,
)
from db.names import full_name, sort_key
from db.register import PRESENCE_TYPES, day_timeline, setting_zone
from db.vocabulary import ABSENCE_TEXT, AbsenceReason, EventType, Role

MAX_NOTE = 300
REPORTED_BY_PARENT = "reported_by_parent"  # the payload's key: the parent's adult id


@dataclass(frozen=True)
class Absent:
    """A booked child with no period that day: why, if anyone has said."""

    child_id: int
    name: str
    room: str
    booked_from: time
    sessions: str
    reason: str = ""  # empty: nobody has recorded why yet
    note: str = ""
    recorded_by: str = ""  # a member of staff, or "<name> (parent)" from the parents' page
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class _Booked:
    child: Child
    starts: time
    sessions: list[str]


def _booked(db: Session, day: date) -> dict[int, _Booked]:
    """Children booked into a session on that weekday, with their first session's start."""
    rows = db.execute(
        select(Child, NurserySession.name, NurserySession.starts_at)
        .join(ChildBooking, ChildBooking.child_id == Child.id)
        .join(NurserySession, NurserySession.id == ChildBooking.session_id)
        .where(
            ChildBooking.weekday == day.weekday(),
            ChildBooking.deleted_at.is_(None),
            Child.deleted_at.is_(None),
            # Not yet started, or already left: booked on paper, not expected that day.
            or_(Child.started_on.is_(None), Child.started_on <= day),
            or_(Child.left_on.is_(None), Child.left_on >= day),
            NurserySession.deleted_at.is_(None),
        )
        .order_by(NurserySession.starts_at)
    ).all()
    booked: dict[int, _Booked] = {}
    for child, session_name, starts in rows:
        entry = booked.setdefault(child.id, _Booked(child, starts, []))
        entry.sessions.append(session_name)
    return booked


def recorded_absences(db: Session, day: date) -> dict[int, Event]:
    """The latest absence recorded for each child that day."""
    events = db.scalars(
        select(Event)
        .where(Event.type == EventType.CHILD_ABSENT.value, Event.ref == day.isoformat())
        .order_by(Event.seq)
    ).all()
    return {e.child_id: e for e in events if e.child_id is not None}


def _absent(
    child: Child,
    entry: _Booked | None,
    event: Event | None,
    rooms: dict[int, str],
    staff: dict[int, str],
) -> Absent:
    payload = event.payload if event else {}
    by = staff.get(event.staff_id or -1, "") if event else ""
    if event and payload.get(REPORTED_BY_PARENT):
        by = f"{payload.get('parent_name', '')} (parent, parents' page)"
    return Absent(
        child_id=child.id,
        name=full_name(child.first_name, child.last_name),
        room=rooms.get(child.room_id or -1, ""),
        booked_from=entry.starts if entry else time.min,
        sessions=", ".join(entry.sessions) if entry else "not booked",
        reason=_reason_text(str(payload.get("reason", ""))) if event else "",
        note=str(payload.get("note", "")),
        recorded_by=by,
        recorded_at=as_utc(event.recorded_at) if event else None,
    )


def absent_on(db: Session, day: date, *, now: datetime) -> list[Absent]:
    """Booked children with no period that day whose session has run the setting's minutes
    (every booked child who did not come, for a day that is over), and any child whose absence
    was recorded; in name order. On a closed day nobody is expected: only recorded absences."""
    zone = setting_zone(db)
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    grace = timedelta(minutes=setting.not_arrived_minutes if setting else 30)
    # Collections too: a child handed over at a door whose arrival no door recorded came.
    came = day_timeline(db, day, zone, types=PRESENCE_TYPES).stays.keys()
    local_now = as_utc(now).astimezone(zone).replace(tzinfo=None)
    booked = {} if closure_on(db, day) else _booked(db, day)
    recorded = recorded_absences(db, day)
    rooms = dict(db.execute(select(Room.id, Room.name)).all())
    staff = {s.id: full_name(s.first_name, s.last_name) for s in db.scalars(select(Staff))}
    missing: list[tuple[tuple[str, ...], Absent]] = []
    for child_id in (booked.keys() | recorded.keys()) - came:
        entry = booked.get(child_id)
        child = entry.child if entry else db.get(Child, child_id)
        event = recorded.get(child_id)
        due = datetime.combine(day, entry.starts) + grace if entry else None
        if child is None or (event is None and (due is None or local_now < due)):
            continue
        order = sort_key(child.last_name, child.first_name)
        missing.append((order, _absent(child, entry, event, rooms, staff)))
    return [absent for _, absent in sorted(missing, key=lambda pair: pair[0])]


def _reason_text(raw: str) -> str:
    try:
        return ABSENCE_TEXT[AbsenceReason(raw)]
    except ValueError:
        return raw


def not_yet_arrived(db: Session, now: datetime) -> list[Absent]:
    """Today's booked children past their session's start plus the setting's minutes, with
    no arrival and no absence recorded (a parent's, from the parents' page, is one too:
    admin/office/parents_absences.py): the notice staff see on Today, and the hub's alerts
    (admin/office/not_arrived.py). None on a day the nursery is closed."""
    today = local_day(now, setting_zone(db))
    if closure_on(db, today):
        return []
    return [a for a in absent_on(db, today, now=now) if not a.reason]


def record_absence(
    db: Session,
    *,
    child_id: int,
    day: date,
    reason: str,
    note: str,
    manager: Staff,
    now: datetime,
) -> None:
    if manager.role != Role.MANAGER.value:
        raise HubError(403, "manager_only", "Only a manager records an absence.")
    try:
        why = AbsenceReason(reason)
    except ValueError as exc:
        raise HubError(400, "bad_reason", "Please choose why the child is absent.") from exc
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise HubError(400, "too_long", f"Please keep the note under {MAX_NOTE} characters.")
    child = db.get(Child, child_id)
    if child is None or child.deleted_at is not None:
        raise HubError(404, "not_found", "That child is not on the roll.")
    zone = setting_zone(db)
    if child_id in day_timeline(db, day, zone, types=PRESENCE_TYPES).stays:
        raise HubError(409, "arrived", "That child came that day: the register shows them.")
    payload = {"day": day.isoformat(), "reason": why.value, "note": note}
    audit_note(db, now, "absence", "children", child_id, payload)
    record_office_event(
        db,
        EventType.CHILD_ABSENT,
        now=now,
        staff_id=manager.id,
        child_id=child_id,
        ref=day.isoformat(),
        payload=payload,
    )
