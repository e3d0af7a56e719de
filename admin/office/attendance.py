"""Attendance over a range of days (issue 15 §4): a child's history on their page, and "who
collected whom", searched by child, by adult (who brought or collected) and by dates. Read from
the event log, folded day by day as the register is, so each row says what the register of that
day says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from admin.forms import check_range
from admin.office.registers import hours_text
from db.clock import local_day, local_day_bounds
from db.day_parts import Stay
from db.events import events_between
from db.register import PRESENCE_TYPES, Names, RegisterRow, register_rows, setting_zone
from db.timeline import EventRecord, Timeline


@dataclass(frozen=True)
class AttendanceRow:
    day: date
    row: RegisterRow


def _wanted(stay: Stay, child_id: int | None, adult_id: int | None) -> bool:
    if child_id is not None and stay.child_id != child_id:
        return False
    adults = (stay.brought_by_adult_id, stay.collected_by_adult_id)
    return adult_id is None or adult_id in adults


def _days(events: list[EventRecord], zone: ZoneInfo) -> dict[date, list[EventRecord]]:
    by_day: dict[date, list[EventRecord]] = {}
    for event in events:
        by_day.setdefault(local_day(event.occurred_at, zone), []).append(event)
    return by_day


def attendance(
    db: Session,
    *,
    first: date,
    last: date,
    now: datetime,
    child_id: int | None = None,
    adult_id: int | None = None,
) -> list[AttendanceRow]:
    """Every period from ``first`` to ``last`` (inclusive) of the child, or brought or
    collected by the adult, newest day first; within a day in name and time order."""
    check_range(first, last)
    zone = setting_zone(db)
    start, _ = local_day_bounds(first, zone)
    _, end = local_day_bounds(last, zone)
    by_day = _days(events_between(db, start, end, types=PRESENCE_TYPES), zone)
    folded: dict[date, Timeline] = {}
    children: set[int] = set()
    adults: set[int] = set()
    for day, events in by_day.items():
        timeline = Timeline.of(events)
        kept = {
            child: wanted
            for child, stays in timeline.stays.items()
            if (wanted := [s for s in stays if _wanted(s, child_id, adult_id)])
        }
        if kept:
            folded[day] = Timeline(stays=kept)
            children.update(kept)
            adults.update(
                a for stays in kept.values() for s in stays
                for a in (s.brought_by_adult_id, s.collected_by_adult_id) if a is not None
            )  # fmt: skip
    names = Names.load(db, children=children, adults=adults)
    rows: list[AttendanceRow] = []
    for day in sorted(folded, reverse=True):
        until = min(now, local_day_bounds(day, zone)[1])
        rows += [AttendanceRow(day, r) for r in register_rows(folded[day], names, until)]
    return rows


def total_hours(rows: list[AttendanceRow]) -> timedelta:
    return sum((r.row.hours for r in rows), timedelta())


HISTORY_DAYS = 28  # the child's page: four weeks; the search reaches further


def child_history(db: Session, child_id: int, now: datetime) -> dict[str, Any]:
    """What the child's page shows of their attendance: the last four weeks."""
    last = local_day(now, setting_zone(db))
    first = last - timedelta(days=HISTORY_DAYS - 1)
    rows = attendance(db, first=first, last=last, now=now, child_id=child_id)
    return {
        "history": rows,
        "history_hours": total_hours(rows),
        "history_from": first,
        "history_to": last,
        "hours_text": hours_text,
    }
