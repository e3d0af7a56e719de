"""What the parents' page shows a parent about their own child (issue 17 §3): the recent
register, read from the same read model as the office's register (db/register.py), and who may
collect. Nothing here takes a child id without the parent's own list of children: a parent
asking for another family's child gets nothing at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.office.attendance import attendance
from admin.office.family import current_children
from admin.office.notices import name_of
from db.clock import local_day
from db.models import Adult, Authorisation, Child, OneOffPermission
from db.register import RegisterRow, setting_zone

WEEKS_SHOWN = 4


def parents_child(db: Session, adult_id: int, child_id: int, *, now: datetime) -> Child | None:
    """The child, only when this adult is their parent today; None for anyone else's child,
    a child who has left, or a number that is no child at all."""
    today = local_day(now, setting_zone(db))
    return next((c for c in current_children(db, adult_id, today=today) if c.id == child_id), None)


@dataclass(frozen=True)
class AttendanceDay:
    day: date
    periods: list[RegisterRow]
    hours: timedelta


@dataclass(frozen=True)
class Attendance:
    first_day: date
    last_day: date
    days: list[AttendanceDay]  # newest first, only the days the child came
    total: timedelta


def recent_attendance(db: Session, child: Child, *, now: datetime) -> Attendance:
    """The child's arrivals and departures over the last WEEKS_SHOWN weeks, with hours: the
    office's attendance read model (one read of those weeks' events), grouped by day."""
    last = local_day(now, setting_zone(db))
    first = last - timedelta(weeks=WEEKS_SHOWN) + timedelta(days=1)
    by_day: dict[date, list[RegisterRow]] = {}
    for found in attendance(db, first=first, last=last, now=now, child_id=child.id):
        by_day.setdefault(found.day, []).append(found.row)  # newest day first, as it comes
    # A period with no recorded arrival has no length (db/register.py Hours): it adds nothing.
    days = [
        AttendanceDay(day, periods, sum((r.hours for r in periods), timedelta()))
        for day, periods in by_day.items()
    ]
    total = sum((d.hours for d in days), timedelta())
    return Attendance(first, last, days, total)


@dataclass(frozen=True)
class Collector:
    adult_id: int
    name: str
    relationship: str
    parent: bool


@dataclass(frozen=True)
class WrittenPermission:
    name: str
    valid_from: date
    valid_to: date


def who_may_collect(
    db: Session, child: Child, *, now: datetime
) -> tuple[list[Collector], list[WrittenPermission]]:
    """Standing authorisations, and written permissions not yet over. Restrictions are not
    shown: a court order's details stay with the office."""
    today = local_day(now, setting_zone(db))
    standing = db.execute(
        select(Authorisation, Adult)
        .join(Adult, Adult.id == Authorisation.adult_id)
        .where(
            Authorisation.child_id == child.id,
            Authorisation.deleted_at.is_(None),
            Adult.deleted_at.is_(None),
        )
        .order_by(Authorisation.parental_responsibility.desc(), Adult.first_name)
    ).all()
    written = db.execute(
        select(OneOffPermission, Adult)
        .join(Adult, Adult.id == OneOffPermission.adult_id)
        .where(
            OneOffPermission.child_id == child.id,
            OneOffPermission.deleted_at.is_(None),
            OneOffPermission.valid_to >= today,
        )
        .order_by(OneOffPermission.valid_from)
    ).all()
    collectors = [
        Collector(a.id, name_of(a), auth.relationship, auth.parental_responsibility)
        for auth, a in standing
    ]
    permissions = [WrittenPermission(name_of(a), p.valid_from, p.valid_to) for p, a in written]
    return collectors, permissions
