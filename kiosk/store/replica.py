"""Turn the kiosk's database into what the door reads: a PeopleBook, a policy, today's events.

Only door data is read here (names, photo flags, key persons, who may collect whom, hashes);
the office-only and sensitive columns are never selected.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import local_day, local_day_bounds
from db.events import events_between
from db.loading import collector_paused
from db.models import (
    Adult,
    AgreedPassword,
    Authorisation,
    Card,
    Child,
    ChildBooking,
    NurserySession,
    OneOffPermission,
    Restriction,
    Setting,
    Staff,
)
from db.timeline import EventRecord
from db.vocabulary import Role
from kiosk.door.book import (
    AdultInfo,
    AuthorisationInfo,
    CardInfo,
    ChildInfo,
    DoorPolicy,
    PeopleBook,
    PermissionInfo,
    RestrictionInfo,
    SessionInfo,
    StaffInfo,
)


def load_policy(session: Session) -> DoorPolicy:
    setting = session.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    if setting is None:
        return DoorPolicy()
    return DoorPolicy(
        time_zone=ZoneInfo(setting.time_zone),
        minimum_collector_age=setting.minimum_collector_age,
        password_attempt_limit=setting.password_attempt_limit,
        password_window=timedelta(minutes=setting.password_window_minutes),
        acknowledgement_window=timedelta(minutes=setting.arrival_acknowledgement_minutes),
        late_collection_grace=timedelta(minutes=setting.late_collection_grace_minutes),
    )


def _rows(session: Session, *columns: Any) -> Sequence[Sequence[Any]]:
    """Plain rows of the live (not tombstoned) records of the first column's table: the book
    is rebuilt at start and every 30 s, and ORM objects cost ten times as much to load."""
    table = columns[0].class_
    return session.execute(select(*columns).where(table.deleted_at.is_(None))).all()


def _children(session: Session) -> list[ChildInfo]:
    booked: dict[int, dict[int, list[int]]] = {}
    bookings = _rows(session, ChildBooking.child_id, ChildBooking.weekday, ChildBooking.session_id)
    for child_id, weekday, session_id in bookings:
        booked.setdefault(child_id, {}).setdefault(weekday, []).append(session_id)
    rows = session.execute(
        select(
            Child.id,
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Child.room_id,
            Child.key_person_id,
            Child.agreed_password_id,
            Child.photo.is_not(None),
        ).where(Child.deleted_at.is_(None), Child.left_on.is_(None))
    )
    return [
        ChildInfo(
            id=r[0],
            first_name=r[1],
            last_name=r[2],
            date_of_birth=r[3],
            room_id=r[4],
            key_person_id=r[5],
            agreed_password_id=r[6],
            has_photo=bool(r[7]),
            booked={d: tuple(s) for d, s in booked.get(r[0], {}).items()},
        )
        for r in rows
    ]


def _adults(session: Session) -> list[AdultInfo]:
    rows = _rows(
        session,
        Adult.id,
        Adult.first_name,
        Adult.last_name,
        Adult.date_of_birth,
        Adult.confirmed_adult,
        Adult.photo.is_not(None),
    )
    return [AdultInfo(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


def _staff(session: Session) -> list[StaffInfo]:
    rows = _rows(
        session,
        Staff.id,
        Staff.first_name,
        Staff.last_name,
        Staff.pin_hash,
        Staff.room_id,
        Staff.qualified_teacher,
        Staff.active,
        Staff.role,
    )
    return [StaffInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] == Role.MANAGER) for r in rows]


def _cards(session: Session) -> list[CardInfo]:
    rows = _rows(
        session,
        Card.id,
        Card.secret_hash,
        Card.holder_adult_id,
        Card.holder_staff_id,
        Card.revoked_at.is_not(None),
    )
    return [CardInfo(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


@collector_paused()
def load_book(session: Session) -> PeopleBook:
    authorisations = _rows(
        session, Authorisation.child_id, Authorisation.adult_id, Authorisation.relationship
    )
    permissions = _rows(
        session,
        OneOffPermission.id,
        OneOffPermission.child_id,
        OneOffPermission.adult_id,
        OneOffPermission.valid_from,
        OneOffPermission.valid_to,
        OneOffPermission.taken_by_staff_id,
        OneOffPermission.taken_at,
        OneOffPermission.photo.is_not(None),
    )
    restrictions = _rows(
        session, Restriction.id, Restriction.child_id, Restriction.person_name, Restriction.adult_id
    )
    passwords = _rows(session, AgreedPassword.id, AgreedPassword.password_hash)
    sessions = _rows(
        session,
        NurserySession.id,
        NurserySession.name,
        NurserySession.starts_at,
        NurserySession.ends_at,
    )
    return PeopleBook(
        children=_children(session),
        adults=_adults(session),
        staff=_staff(session),
        cards=_cards(session),
        authorisations=[AuthorisationInfo(*r) for r in authorisations],
        permissions=[
            PermissionInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], has_photo=bool(r[7]))
            for r in permissions
        ],
        restrictions=[RestrictionInfo(*r) for r in restrictions],
        password_hashes={r[0]: r[1] for r in passwords},
        sessions=[SessionInfo(*r) for r in sessions],
    )


@collector_paused()
def load_today(session: Session, *, now: datetime, zone: ZoneInfo) -> list[EventRecord]:
    start, end = local_day_bounds(local_day(now, zone), zone)
    return events_between(session, start, end)
