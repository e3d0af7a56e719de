"""A child's record as the office reads it: finding a child (or a 404 in words), the sessions
they are booked for, and everything the child's page shows, its viewing audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.errors import not_found
from admin.office.collection import collection_context
from admin.people import CONSENTS, WEEKDAYS, Choices
from db.audit import record_view
from db.clock import age_in_months, local_day
from db.models import Child, ChildBooking
from db.register import Names, setting_zone

# Fields whose viewing is written to the audit log, and which a subject-access export carries.
SENSITIVE_FIELDS = [
    "legal_guardians",
    "particular_needs",
    "consents",
    "emergency_contacts",
    "home_address",
    "lives_with",
]


def get_child(db: Session, child_id: int) -> Child:
    child = db.get(Child, child_id)
    if child is None or child.deleted_at is not None:
        raise not_found("That child")
    return child


def find_child(db: Session, raw: str | int | None) -> Child | None:
    """The child a form or link names by id, or None when it names none (or a removed one)."""
    if raw in (None, ""):
        return None
    child = db.get(Child, int(raw)) if str(raw).isdigit() else None
    return child if child is not None and child.deleted_at is None else None


def bookings_of(db: Session, child_id: int) -> set[tuple[int, int]]:
    """(weekday, session id) pairs the child is booked for."""
    rows = db.execute(
        select(ChildBooking.weekday, ChildBooking.session_id).where(
            ChildBooking.child_id == child_id, ChildBooking.deleted_at.is_(None)
        )
    ).all()
    return {(day, session) for day, session in rows}


def child_context(db: Session, child: Child, now: datetime) -> dict[str, Any]:
    """Everything the child's page shows; viewing it is recorded in the audit log."""
    record_view(db, entity="children", entity_id=child.id, fields=SENSITIVE_FIELDS)
    db.commit()
    names = Names.load(db)
    sessions = dict(Choices.load(db).sessions)
    booked = sorted(bookings_of(db, child.id))
    return {
        "child": child,
        "consents": CONSENTS,
        "room": names.rooms.get(child.room_id or -1, ""),
        "key_person": names.staff.get(child.key_person_id or -1, ""),
        "age_months": age_in_months(child.date_of_birth, local_day(now, setting_zone(db))),
        "booked": [(WEEKDAYS[d], sessions.get(s, "")) for d, s in booked if d < len(WEEKDAYS)],
    } | collection_context(db, child, now)


def save_bookings(db: Session, child: Child, wanted: set[tuple[int, int]], now: datetime) -> None:
    """Books exactly ``wanted``; bookings dropped are tombstoned so the doors hear of it."""
    existing = {
        (b.weekday, b.session_id): b
        for b in db.scalars(select(ChildBooking).where(ChildBooking.child_id == child.id))
    }
    for key, booking in existing.items():
        if key in wanted and booking.deleted_at is not None:
            booking.deleted_at = None
        elif key not in wanted and booking.deleted_at is None:
            booking.deleted_at = now
    for day, session_id in wanted - existing.keys():
        db.add(ChildBooking(child_id=child.id, weekday=day, session_id=session_id))
