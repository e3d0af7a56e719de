"""The register, the on-site list and hours: read from the event log, never stored twice.

Every function here takes the setting's time zone, because a register is for a *local* day and
the days the clocks change have 23 or 25 hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import local_day, local_day_bounds
from db.day_parts import Shift, Stay, Visit
from db.events import event_rows, events_between
from db.kept_fold import KeptFold, fold_forward
from db.loading import collector_paused
from db.models import Setting

# Names and ChildName are read where the register's names are (db/name_rows.py); callers and
# tests that name a register's people still import them from here.
from db.name_rows import ChildName as ChildName
from db.name_rows import Names as Names
from db.name_rows import name_rows
from db.names import sort_key
from db.on_site import on_site_by_room
from db.read_memo import ReadMemo
from db.timeline import EventRecord, Timeline
from db.vocabulary import EventType

PRESENCE_TYPES = (
    EventType.CHILD_ARRIVED,
    EventType.ARRIVAL_ACKNOWLEDGED,
    EventType.CHILD_COLLECTED,
)
# Who is on the premises: children's stays, staff shifts and visits. Alerts, requests and PIN
# failures change none of these, so the on-site list does not read them.
ON_SITE_TYPES = (
    *PRESENCE_TYPES,
    EventType.STAFF_SIGNED_IN,
    EventType.STAFF_SIGNED_OUT,
    EventType.VISITOR_SIGNED_IN,
    EventType.VISITOR_SIGNED_OUT,
)


def setting_zone(session: Session) -> ZoneInfo:
    setting = session.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    return ZoneInfo(setting.time_zone if setting else "Europe/London")


@collector_paused()
def day_timeline(
    session: Session, day: date, zone: ZoneInfo, *, types: Iterable[EventType] | None = None
) -> Timeline:
    """The local day folded from its events; ``types`` narrows the read to what a caller
    folds (the register reads three kinds, not alerts and requests)."""
    start, end = local_day_bounds(day, zone)
    return Timeline.of(events_between(session, start, end, types=types))


# Who brought a child whose arrival no door recorded: the register says so rather than blank.
NOT_RECORDED = "not recorded"


_new = object.__new__
_set = object.__setattr__


@dataclass(frozen=True)
class RegisterRow:
    """One period of one child on one day (a child who goes home for lunch has two)."""

    child_id: int
    child_name: str
    room: str
    key_person: str
    arrived_at: datetime | None  # None: collected at a door whose arrival was never recorded
    departed_at: datetime | None
    brought_by: str
    collected_by: str
    confirmed_by: str
    acknowledged_by: str
    id_document: str
    # Whose names the row shows, so a page showing it can record who was seen (R12).
    adult_ids: tuple[int, ...] = ()
    # Time on site in this period; an open period counts until the time the register was asked
    # to count to (none given: it counts nothing yet).
    hours: timedelta = timedelta(0)
    # A departure recorded after the fact by a manager: why, and when it was written.
    correction_reason: str = ""
    correction_recorded_at: datetime | None = None


def _recorded_at(stay: Stay) -> datetime | None:
    if not stay.correction_recorded_at:  # most stays: no exception raised and caught for them
        return None
    try:
        return datetime.fromisoformat(stay.correction_recorded_at)
    except ValueError:
        return None


def _hours(stay: Stay, until: datetime | None) -> timedelta:
    end = stay.departed_at or until
    return timedelta(0) if end is None else stay.duration(end)


def _row(stay: Stay, names: Names, until: datetime | None = None) -> RegisterRow:
    child = names.children.get(stay.child_id)
    key_person_id = child.key_person_id if child else None
    room_id = stay.room_id if stay.room_id is not None else (child.room_id if child else None)
    brought = names.adults.get(stay.brought_by_adult_id or -1) or stay.brought_by_name or ""
    if not stay.arrival_recorded:
        brought = NOT_RECORDED
    collected = names.adults.get(stay.collected_by_adult_id or -1) or stay.collected_by_name or ""
    # Every field given, so made as events' records are (db.events._record): the frozen
    # constructor's sixteen ``object.__setattr__`` calls were a fifth of a large register's rows.
    row = _new(RegisterRow)
    _set(row, "__dict__", dict(
        child_id=stay.child_id,
        child_name=names.child(stay.child_id),
        room=names.rooms.get(room_id or -1, ""),
        key_person=names.staff.get(key_person_id or -1, ""),
        arrived_at=stay.arrived_at if stay.arrival_recorded else None,
        departed_at=stay.departed_at,
        brought_by=brought,
        collected_by=collected if stay.departed_at else "",
        confirmed_by=names.staff.get(stay.confirmed_by_staff_id or -1, ""),
        acknowledged_by=names.staff.get(stay.acknowledged_by_staff_id or -1, ""),
        id_document=stay.id_document or "",
        adult_ids=tuple(
            a
            for a in (
                stay.brought_by_adult_id,
                stay.collected_by_adult_id if stay.departed_at else None,
            )
            if a is not None
        ),
        hours=_hours(stay, until),
        correction_reason=stay.correction_reason or "",
        correction_recorded_at=_recorded_at(stay),
    ))  # fmt: skip
    return row


def _child_order(names: Names, child_id: int) -> tuple[str, ...]:
    child = names.children.get(child_id)
    return sort_key(child.last_name, child.first_name) if child else ("",)


_MEMO = ReadMemo()


def _database(session: Session) -> str:
    return str(session.get_bind().engine.url)


def kept_day_fold(
    session: Session, day: date, zone: ZoneInfo, types: tuple[EventType, ...]
) -> KeptFold:
    """The local day folded from its events: the kept fold when the day has not changed, the
    kept fold carried forward when events were only added after it (db/kept_fold.py). Read
    only: the answers made from it are kept beside it, and the next fold carries it forward."""
    start, end = local_day_bounds(day, zone)
    rows = event_rows(session, start, end, types=types)
    slot = ("fold", _database(session), start, end, types)
    kept = _MEMO.kept(slot)
    fold = fold_forward(None if kept is None else kept[1], rows)
    if kept is None or fold is not kept[1]:
        _MEMO.keep(slot, rows, fold)
    return fold


@collector_paused()
def daily_register(
    session: Session, day: date, zone: ZoneInfo | None = None, *, now: datetime | None = None
) -> list[RegisterRow]:
    """R17: each child present that local day, every period, in name order; with ``now``, a
    period still open counts its hours until then (or the day's end, for a day that is over)."""
    zone = zone or setting_zone(session)
    folded = kept_day_fold(session, day, zone, PRESENCE_TYPES)
    timeline = folded.timeline
    adults = {
        adult
        for periods in timeline.stays.values()
        for s in periods
        for adult in (s.brought_by_adult_id, s.collected_by_adult_id)
        if adult is not None
    }
    names = name_rows(session, children=timeline.stays.keys(), adults=adults)
    slot = ("register", _database(session), day, zone.key)
    rows = _MEMO.answer(slot, (folded, names), lambda: register_rows(timeline, Names.of(names)))
    until = None if now is None else min(now, local_day_bounds(day, zone)[1])
    return rows if until is None else [_counted_until(row, until) for row in rows]


def _counted_until(row: RegisterRow, until: datetime) -> RegisterRow:
    """A row as :func:`register_rows` makes it with ``until``: only a period still open counts
    differently (a closed one counts to its departure, whatever the time)."""
    if row.departed_at is not None or row.arrived_at is None:
        return row
    return replace(row, hours=max(until - row.arrived_at, timedelta(0)))


def register_rows(
    timeline: Timeline, names: Names, until: datetime | None = None
) -> list[RegisterRow]:
    """Every stay of a folded day, in name order: what the register shows."""
    order = {child_id: _child_order(names, child_id) for child_id in timeline.stays}
    stays = [s for periods in timeline.stays.values() for s in periods]
    stays.sort(key=lambda s: (order[s.child_id], s.arrived_at))
    return [_row(s, names, until) for s in stays]


def child_periods(
    session: Session, child_id: int, day: date, zone: ZoneInfo | None = None
) -> list[Stay]:
    """A child's arrivals and departures on a local day."""
    zone = zone or setting_zone(session)
    return list(day_timeline(session, day, zone).stays.get(child_id, []))


_Part = TypeVar("_Part", Stay, Shift, Visit)


def _own(part: _Part) -> _Part:
    """A shallow copy of a plain dataclass, a third of what ``copy.copy`` costs (its pickle
    protocol): the on-site list copies every child on site, each time it is asked."""
    twin = _new(type(part))
    twin.__dict__.update(part.__dict__)
    return twin


@dataclass
class OnSite:
    """Who is on the premises now: for the fire roll call and the ratios (R16, R17)."""

    children_by_room: dict[int | None, list[Stay]] = field(default_factory=dict)
    staff: list[Shift] = field(default_factory=list)
    visitors: list[Visit] = field(default_factory=list)

    def copy(self) -> OnSite:
        """Its own stays, shifts and visits: a caller may change what it is handed without
        changing the answer kept for the next (db/read_memo.py)."""
        return OnSite(
            children_by_room={
                room: [_own(s) for s in stays] for room, stays in self.children_by_room.items()
            },
            staff=[_own(s) for s in self.staff],
            visitors=[_own(v) for v in self.visitors],
        )

    @property
    def child_count(self) -> int:
        return sum(len(v) for v in self.children_by_room.values())


@collector_paused()
def on_site_now(session: Session, now: datetime, zone: ZoneInfo | None = None) -> OnSite:
    zone = zone or setting_zone(session)
    day = local_day(now, zone)
    folded = kept_day_fold(session, day, zone, ON_SITE_TYPES)
    timeline = folded.timeline
    names = name_rows(session, children=timeline.on_site.keys(), adults=())
    slot = ("on site", _database(session), day, zone.key)
    here = _MEMO.answer(slot, (folded, names), lambda: who_is_on_site(timeline, Names.of(names)))
    return here.copy()


def who_is_on_site(timeline: Timeline, names: Names) -> OnSite:
    """Children by room in name order, staff by name, visitors as they came."""
    result = OnSite()
    home_rooms = {child_id: child.room_id for child_id, child in names.children.items()}
    for room_id, here in on_site_by_room(timeline, home_rooms).items():
        if here.children:
            order = sorted(here.children, key=lambda s: _child_order(names, s.child_id))
            result.children_by_room[room_id] = order
    result.staff = sorted(
        timeline.staff_on_site.values(), key=lambda s: names.staff.get(s.staff_id, "")
    )
    result.visitors = sorted(timeline.visitors_on_site.values(), key=lambda v: v.signed_in_at)
    return result


@dataclass
class Hours:
    """A child's hours over a range of days, for funding returns.

    Only stays with a recorded arrival are counted. A stay handed over at a door that never saw
    the child arrive, whose arrival never synced in, has no start: its length is unknown, so it
    is neither made up nor silently counted as nothing; its days are named in ``unknown_on``
    for the office to check against its paper register before claiming."""

    counted: timedelta = timedelta()
    unknown_on: list[date] = field(default_factory=list)


def hours_attended(
    session: Session,
    first_day: date,
    last_day: date,
    *,
    now: datetime,
    zone: ZoneInfo | None = None,
) -> dict[int, Hours]:
    """Hours per child over local days first_day..last_day inclusive (funding returns). A stay
    still open counts until now, or until the end of its day if that day is over."""
    zone = zone or setting_zone(session)
    totals: dict[int, Hours] = {}
    start, _ = local_day_bounds(first_day, zone)
    _, end = local_day_bounds(last_day, zone)
    events = events_between(session, start, end, types=PRESENCE_TYPES)
    by_day: dict[date, list[EventRecord]] = {}
    for event in events:
        by_day.setdefault(local_day(event.occurred_at, zone), []).append(event)
    for day, day_events in sorted(by_day.items()):
        _, day_end = local_day_bounds(day, zone)
        until = min(now, day_end)
        for child_id, stays in Timeline.of(day_events).stays.items():
            hours = totals.setdefault(child_id, Hours())
            for stay in stays:
                if stay.arrival_recorded:
                    hours.counted += stay.duration(until)
                elif day not in hours.unknown_on:
                    hours.unknown_on.append(day)
    return totals
