"""Funded hours (issue 15 §4): each funded child's hours attended in a week against their
entitlement, and the termly headcount a local authority's portal is filled from.

An entitlement is so many hours a week over 38 term weeks (15 or 30); a family may take the
same yearly hours "stretched" over more weeks (570 hours over 51 weeks is about 11.2 a week).
Hours attended are the register's (db/register.py ``hours_attended``), not worked out again."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.errors import HubError
from admin.forms import check_range
from db.models import Child
from db.names import full_name, sort_key
from db.register import Hours, hours_attended, setting_zone

TERM_WEEKS = 38
MOST_HOURS = 30  # the most any English entitlement funds a week today
MOST_WEEKS = 52


@dataclass(frozen=True)
class FundedWeek:
    child_id: int
    name: str
    funded_hours: int
    funded_weeks: int
    entitled: timedelta  # a week, as the family takes the hours
    attended: timedelta

    @property
    def over(self) -> timedelta:
        """Hours attended beyond the funded ones (to charge), or none."""
        return max(self.attended - self.entitled, timedelta(0))


def weekly_entitlement(funded_hours: int, funded_weeks: int) -> timedelta:
    return timedelta(hours=funded_hours * TERM_WEEKS / max(funded_weeks, TERM_WEEKS))


def set_funding(db: Session, child: Child, *, hours: str, weeks: str) -> None:
    """Records the child's entitlement; the change is audited like any change to a child."""
    if not hours.strip().isdigit() or int(hours) > MOST_HOURS:
        raise HubError(
            400, "bad_hours", f"Funded hours a week are a whole number, 0 to {MOST_HOURS}."
        )
    if not weeks.strip().isdigit() or not TERM_WEEKS <= int(weeks) <= MOST_WEEKS:
        raise HubError(
            400, "bad_weeks", f"The weeks they are taken over are {TERM_WEEKS} to {MOST_WEEKS}."
        )
    child.funded_hours = int(hours)
    child.funded_weeks = int(weeks)
    db.commit()


def funded_children(db: Session) -> list[Child]:
    children = db.scalars(
        select(Child).where(Child.funded_hours > 0, Child.deleted_at.is_(None))
    ).all()
    return sorted(children, key=lambda c: sort_key(c.last_name, c.first_name))


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def funded_week(db: Session, monday: date, *, now: datetime) -> list[FundedWeek]:
    """Each funded child's hours attended Monday to Sunday against their week's entitlement."""
    attended = hours_attended(
        db, monday, monday + timedelta(days=6), now=now, zone=setting_zone(db)
    )
    return [
        FundedWeek(
            child_id=c.id,
            name=full_name(c.first_name, c.last_name),
            funded_hours=c.funded_hours,
            funded_weeks=c.funded_weeks,
            entitled=weekly_entitlement(c.funded_hours, c.funded_weeks),
            attended=attended.get(c.id, Hours()).counted,
        )
        for c in funded_children(db)
    ]


HEADCOUNT_COLUMNS = (
    "Last name",
    "First name",
    "Date of birth",
    "Funded hours a week (term time)",
    "Weeks taken over",
    "Funded hours a week as taken",
    "Weeks in period",
    "Funded hours in period",
    "Hours attended in period",
    # A stay whose arrival no door recorded has no length (db/register.py Hours): named, so a
    # claim is never short without saying why.
    "Hours unknown on",
)


def _hours(value: timedelta) -> str:
    return f"{value.total_seconds() / 3600:.2f}"


def headcount_rows(db: Session, first: date, last: date, *, now: datetime) -> list[list[str]]:
    """One row per funded child for a term (or any range): what the portal asks for, with
    the hours the register shows they attended."""
    check_range(first, last)
    weeks = math.ceil(((last - first).days + 1) / 7)
    attended = hours_attended(db, first, last, now=now, zone=setting_zone(db))
    rows = []
    for child in funded_children(db):
        week = weekly_entitlement(child.funded_hours, child.funded_weeks)
        hours = attended.get(child.id, Hours())  # no stay in the range: nothing, nothing unknown
        rows.append(
            [
                child.last_name,
                child.first_name,
                child.date_of_birth.isoformat(),
                str(child.funded_hours),
                str(child.funded_weeks),
                _hours(week),
                str(weeks),
                _hours(week * weeks),
                _hours(hours.counted),
                "; ".join(d.isoformat() for d in hours.unknown_on),
            ]
        )
    return rows
