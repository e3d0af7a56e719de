"""Turn the kiosk's database into what the door reads: a PeopleBook, a policy, today's events.

Only door data is read here (names, photo flags, key persons, who may collect whom, hashes);
the office-only and sensitive columns are never selected.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import local_day, local_day_bounds
from db.events import events_between
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


def _children(session: Session) -> list[ChildInfo]:
    booked: dict[int, dict[int, list[int]]] = {}
    for booking in session.scalars(select(ChildBooking).where(ChildBooking.deleted_at.is_(None))):
        booked.setdefault(booking.child_id, {}).setdefault(booking.weekday, []).append(
            booking.session_id
        )
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


def load_book(session: Session) -> PeopleBook:
    adults = session.execute(
        select(
            Adult.id,
            Adult.first_name,
            Adult.last_name,
            Adult.date_of_birth,
            Adult.confirmed_adult,
            Adult.photo.is_not(None),
        ).where(Adult.deleted_at.is_(None))
    )
    staff = session.execute(
        select(
            Staff.id,
            Staff.first_name,
            Staff.last_name,
            Staff.pin_hash,
            Staff.room_id,
            Staff.qualified_teacher,
            Staff.active,
            Staff.role,
        ).where(Staff.deleted_at.is_(None))
    )
    return PeopleBook(
        children=_children(session),
        adults=[AdultInfo(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in adults],
        staff=[
            StaffInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] == Role.MANAGER) for r in staff
        ],
        cards=[
            CardInfo(
                c.id, c.secret_hash, c.holder_adult_id, c.holder_staff_id, c.revoked_at is not None
            )
            for c in session.scalars(select(Card).where(Card.deleted_at.is_(None)))
        ],
        authorisations=[
            AuthorisationInfo(a.child_id, a.adult_id, a.relationship)
            for a in session.scalars(
                select(Authorisation).where(Authorisation.deleted_at.is_(None))
            )
        ],
        permissions=[
            PermissionInfo(
                p.id,
                p.child_id,
                p.adult_id,
                p.valid_from,
                p.valid_to,
                p.taken_by_staff_id,
                p.taken_at,
            )
            for p in session.scalars(
                select(OneOffPermission).where(OneOffPermission.deleted_at.is_(None))
            )
        ],
        restrictions=[
            RestrictionInfo(r.id, r.child_id, r.person_name, r.adult_id)
            for r in session.scalars(select(Restriction).where(Restriction.deleted_at.is_(None)))
        ],
        password_hashes={
            p.id: p.password_hash
            for p in session.scalars(
                select(AgreedPassword).where(AgreedPassword.deleted_at.is_(None))
            )
        },
        sessions=[
            SessionInfo(s.id, s.name, s.starts_at, s.ends_at)
            for s in session.scalars(
                select(NurserySession).where(NurserySession.deleted_at.is_(None))
            )
        ],
    )


def load_today(session: Session, *, now: datetime, zone: ZoneInfo) -> list[EventRecord]:
    start, end = local_day_bounds(local_day(now, zone), zone)
    return events_between(session, start, end)
