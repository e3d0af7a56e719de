"""The days the nursery is closed: bank holidays, INSET (training) days, the Christmas closure.
On such a day no booked child is expected, so the hub raises no "not yet arrived" alert, Today
says the nursery is closed instead of listing every booked child as missing, and the register
says the day was a closed day. The manager keeps the list under Settings; each row is a day or
a run of days with a label. Rows are versioned, audited and tombstoned like the setting's
other rows (db/audit.py). They stay in the office: a door does nothing different that day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.errors import HubError
from db.models import ClosedDay

# A closure longer than this is more likely a mistyped year than a real one.
LONGEST_DAYS = 366


def closure_on(db: Session, day: date) -> ClosedDay | None:
    """The closed day (or run of days) that covers ``day``, if the nursery is closed then."""
    return db.scalar(
        select(ClosedDay)
        .where(
            ClosedDay.deleted_at.is_(None),
            ClosedDay.first_day <= day,
            ClosedDay.last_day >= day,
        )
        .order_by(ClosedDay.first_day, ClosedDay.id)
        .limit(1)
    )


def closed_days_from(db: Session, first: date) -> list[ClosedDay]:
    """The closures not over by ``first``, soonest first: the list the manager keeps."""
    return list(
        db.scalars(
            select(ClosedDay)
            .where(ClosedDay.deleted_at.is_(None), ClosedDay.last_day >= first)
            .order_by(ClosedDay.first_day, ClosedDay.id)
        )
    )


def add_closed_days(db: Session, first: date, last: date | None, label: str) -> ClosedDay:
    """One closed day, or a run from ``first`` to ``last``; not committed."""
    last = last or first
    if last < first:
        raise HubError(400, "bad_range", "The last day is before the first day.")
    if (last - first).days >= LONGEST_DAYS:
        raise HubError(400, "bad_range", f"A closure can be at most {LONGEST_DAYS} days long.")
    row = ClosedDay(first_day=first, last_day=last, label=label)
    db.add(row)
    return row


def remove_closed_day(db: Session, row_id: int, now: datetime) -> ClosedDay | None:
    """Tombstone a closure (the audit log keeps what it was); None if there is no such row."""
    row = db.get(ClosedDay, row_id)
    if row is None or row.deleted_at is not None:
        return None
    row.deleted_at = now
    return row


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm): a fixed
    sum, so the bank holidays need no download."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    week = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * week) // 451
    month, day = divmod(h + week - 7 * m + 114, 31)
    return date(year, month, day + 1)


@dataclass(frozen=True)
class Holiday:
    day: date
    label: str


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def _weekday_on_or_after(day: date) -> date:
    return day if day.weekday() < 5 else _monday_on_or_after(day)


def _last_monday(year: int, month: int) -> date:
    end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return end - timedelta(days=end.weekday())


def _christmas(year: int) -> list[Holiday]:
    """Christmas Day and Boxing Day, or the weekdays they move to (gov.uk's substitute days)."""
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        christmas, boxing = christmas + timedelta(days=2), boxing + timedelta(days=2)
    elif christmas.weekday() == 6:  # Sunday: Boxing Day on Monday, Christmas on Tuesday
        christmas = christmas + timedelta(days=2)
    elif boxing.weekday() == 5:  # Friday's Christmas: Boxing Day on Monday
        boxing = boxing + timedelta(days=2)
    return [Holiday(christmas, "Christmas Day"), Holiday(boxing, "Boxing Day")]


def bank_holidays(year: int) -> list[Holiday]:
    """England and Wales' usual bank holidays, a weekend's one moved to a weekday. The one-off
    ones a government adds (a coronation, a jubilee) or moves (VE day in 2020) are not known
    here: the manager adds those by hand."""
    easter = easter_sunday(year)
    days = [
        (_weekday_on_or_after(date(year, 1, 1)), "New Year's Day"),
        (easter - timedelta(days=2), "Good Friday"),
        (easter + timedelta(days=1), "Easter Monday"),
        (_monday_on_or_after(date(year, 5, 1)), "Early May bank holiday"),
        (_last_monday(year, 5), "Spring bank holiday"),
        (_last_monday(year, 8), "Summer bank holiday"),
    ]
    return [Holiday(day, label) for day, label in days] + _christmas(year)


def add_bank_holidays(db: Session, years: list[int]) -> int:
    """Add the bank holidays of ``years`` the list does not cover yet (a Christmas closure
    already covers Christmas Day); how many were added. Not committed."""
    added = 0
    for holiday in (h for year in years for h in bank_holidays(year)):
        if closure_on(db, holiday.day) is None:
            add_closed_days(db, holiday.day, None, holiday.label)
            db.flush()  # so the next one's look sees this one
            added += 1
    return added
