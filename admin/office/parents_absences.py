"""A parent's absence from the parents' page, on the register (issue 17 §3): each booked day a
``child_absent`` event, as a manager's absence is (admin/office/absences.py), marked as the
parent's. Those events are the one record of it: the register, Today's "not yet arrived",
the hub's alerts, the doors and ``handover verify`` all read them, and nothing reads the
request for it. So a request and its days are written in one transaction, and the requests
told before that (migration 0024) are written onto the register at the hub's start."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from admin.hub_key import OFFICE, seal_office_events
from admin.office.absences import MAX_NOTE, REPORTED_BY_PARENT
from admin.office.registers import audit_note
from admin.ops.logs import log_event
from db.clock import local_day
from db.events import append_events
from db.models import Adult, Child, ChildBooking, Event, FamilyRequest
from db.names import full_name
from db.register import PRESENCE_TYPES, day_timeline, setting_zone
from db.timeline import EventRecord
from db.vocabulary import AbsenceReason, EventType

ABSENCE_REQUEST = "absence"  # admin/office/family_requests.py ABSENCE


def put_on_register(
    db: Session,
    *,
    request: FamilyRequest,
    why: str,
    now: datetime,
    from_day: date | None = None,
    leave: Collection[date] = (),
) -> list[date]:
    """The days of the absence ``request`` tells, written onto the register with ``why`` (one
    of db/vocabulary.py's reasons; the parent's own words are the note): only the days the
    child is booked (all of them, if none is), from ``from_day`` on, never one the child came
    nor one in ``leave``. Staff correct a day by recording another absence. The caller
    commits, with the request: the two go together or not at all. Returns the days written."""
    request.on_register_at = now
    child, parent = db.get(Child, request.child_id), db.get(Adult, request.from_adult_id)
    if child is None:
        return []
    zone, start = setting_zone(db), from_day or request.first_day
    days = [
        d
        for d in _booked_days(db, request)
        if d >= start
        and d not in leave
        and child.id not in day_timeline(db, d, zone, types=PRESENCE_TYPES).stays
    ]
    told: dict[str, Any] = {
        "reason": AbsenceReason(why).value,
        "note": request.reason[:MAX_NOTE],
        REPORTED_BY_PARENT: request.from_adult_id,
        "parent_name": full_name(parent.first_name, parent.last_name) if parent else "",
    }
    records = []
    for day in days:
        payload = {"day": day.isoformat(), **told}
        audit_note(db, now, "absence", "children", child.id, payload)
        records.append(
            EventRecord(
                uuid=str(uuid4()),
                type=EventType.CHILD_ABSENT,
                occurred_at=request.made_at,  # when the parent told; the row keeps when written
                device=OFFICE,
                child_id=child.id,
                ref=day.isoformat(),
                payload=payload,
            )
        )
    append_events(db, seal_office_events(db, records))
    return days


def _booked_days(db: Session, request: FamilyRequest) -> list[date]:
    first, last = request.first_day, request.last_day
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weekdays = set(
        db.scalars(
            select(ChildBooking.weekday).where(
                ChildBooking.child_id == request.child_id, ChildBooking.deleted_at.is_(None)
            )
        )
    )
    return [d for d in days if d.weekday() in weekdays] or days


def put_earlier_absences_on_register(db: Session, now: datetime) -> int:
    """At the hub's start: the absences parents told before their days went onto the register
    with them (migration 0024) written there now, signed with the hub's key, which is why the
    hub does it and not the migration. From today on only: a day already over has its
    register, perhaps signed off, and nothing ever read the request for it. A day with an
    absence recorded already (a manager's, or the parent's written with the request) is left
    as it is. Each request is claimed first, so two hubs starting at once write it once.
    Commits; returns the days written."""
    waiting = db.scalars(
        select(FamilyRequest.id).where(
            FamilyRequest.kind == ABSENCE_REQUEST, FamilyRequest.on_register_at.is_(None)
        )
    ).all()
    today = local_day(now, setting_zone(db))
    written = sum(_put_earlier(db, request_id, today=today, now=now) for request_id in waiting)
    if written:
        log_event("parents_absences_put_on_register", days=written)
    return written


def _put_earlier(db: Session, request_id: int, *, today: date, now: datetime) -> int:
    claimed = db.execute(
        update(FamilyRequest)
        .where(FamilyRequest.id == request_id, FamilyRequest.on_register_at.is_(None))
        .values(on_register_at=now)
    )
    request = db.get(FamilyRequest, request_id) if getattr(claimed, "rowcount", 0) else None
    days = []
    if request is not None:  # else another hub took it
        why = AbsenceReason.OTHER.value  # the parents' page asked no reason then: the words
        recorded = _absences_recorded(db, request)
        days = put_on_register(
            db, request=request, why=why, now=now, from_day=today, leave=recorded
        )
    db.commit()
    return len(days)


def _absences_recorded(db: Session, request: FamilyRequest) -> set[date]:
    refs = db.scalars(
        select(Event.ref).where(
            Event.type == EventType.CHILD_ABSENT.value,
            Event.child_id == request.child_id,
            Event.ref >= request.first_day.isoformat(),  # ISO dates sort as the days do
            Event.ref <= request.last_day.isoformat(),
        )
    )
    return {date.fromisoformat(ref) for ref in refs if ref}
