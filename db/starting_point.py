"""Where a new door starts reading the event stream: what it needs to decide, not every year.

A door decides from the people data and the day's events (kiosk/store/replica.py reads the
local day; every window it counts in, password failures, wrong PINs, late collections, is
minutes long). So a new door is given:

* every event since the start of *yesterday*, local time: today whatever the door's clock
  says near midnight, and any window that reaches back over midnight;
* every alert raised before that and never resolved, with every answer to it (an
  acknowledgement), because an open alert stays open, whatever its age, until staff resolve it;

and then continues from the stream's position when these were read, like any other door.
Pending collections, lockouts and PIN pauses belong to the day (a collection request is
answered or dropped when the child leaves; the rest are windows of minutes), so they are in the
first part. Each part is an indexed query, so the cost follows one day and the open alerts,
not the years behind them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.clock import local_day, local_day_bounds
from db.events import RECORD_COLUMNS, SEAL_COLUMNS, stream_position
from db.models import Event
from db.vocabulary import EventType

STARTING_COLUMNS = (
    Event.seq,
    *(Event.__table__.c[name] for name in (*RECORD_COLUMNS, *SEAL_COLUMNS)),
)
"""``seq``, :data:`db.events.RECORD_COLUMNS` and the seal: the columns of every row returned."""


def horizon(now: datetime, zone: ZoneInfo) -> datetime:
    """The start of yesterday, local time, as a UTC instant."""
    start, _ = local_day_bounds(local_day(now, zone) - timedelta(days=1), zone)
    return start


def starting_point(
    session: Session, *, now: datetime, zone: ZoneInfo
) -> tuple[list[Sequence[Any]], int]:
    """``(rows, position)``: the events a new door needs, oldest position first, and the
    position to read on from. A door's own events are included: a door paired again under
    the same name after a new SD card has none of its own left."""
    # Read first: every event at or below it has committed (db/events.py), so nothing below
    # it can appear after these queries, and everything above it comes with the next pull.
    position = stream_position(session)
    since = horizon(now, zone)

    def rows(*where: Any) -> list[Sequence[Any]]:
        query = select(*STARTING_COLUMNS).where(Event.seq <= position, *where)
        return list(session.execute(query).all())

    found = rows(Event.occurred_at >= since)
    alerts = _open_alerts(session, before=since, position=position)
    if alerts:
        found += rows(Event.occurred_at < since, Event.uuid.in_(alerts))
        found += rows(Event.occurred_at < since, Event.ref.in_(alerts))
    unique = {row[0]: row for row in found}
    return [unique[seq] for seq in sorted(unique)], position


def _open_alerts(session: Session, *, before: datetime, position: int) -> list[str]:
    resolution = aliased(Event)
    resolved = (
        select(resolution.seq)
        .where(
            resolution.ref == Event.uuid,
            resolution.type == EventType.ALERT_RESOLVED.value,
            resolution.seq <= position,
        )
        .exists()
    )
    query = select(Event.uuid).where(
        Event.type == EventType.ALERT_RAISED.value,
        Event.occurred_at < before,
        Event.seq <= position,
        ~resolved,
    )
    return list(session.scalars(query))
