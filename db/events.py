"""Writing and reading the event log. Events are inserted once (by UUID) and never changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.clock import utc_now
from db.models import Event
from db.timeline import EventRecord
from db.vocabulary import EventType


def to_row(record: EventRecord, *, recorded_at: datetime | None = None) -> Event:
    return Event(**row_values(record, recorded_at or utc_now()))


class _EventRow(Protocol):
    """An ORM ``Event`` or a plain result row of the same columns."""

    uuid: str
    type: str
    occurred_at: datetime
    device: str
    child_id: int | None
    adult_id: int | None
    staff_id: int | None
    visitor_id: int | None
    room_id: int | None
    ref: str | None
    payload: dict[str, Any] | None


KNOWN_TYPES = frozenset(t.value for t in EventType)


def event_type(name: str) -> EventType | str:
    """The type as this version knows it, or the plain string a newer version wrote."""
    return EventType(name) if name in KNOWN_TYPES else name


def to_record(row: _EventRow) -> EventRecord:
    return EventRecord(
        uuid=row.uuid,
        type=event_type(row.type),
        occurred_at=row.occurred_at,
        device=row.device,
        child_id=row.child_id,
        adult_id=row.adult_id,
        staff_id=row.staff_id,
        visitor_id=row.visitor_id,
        room_id=row.room_id,
        ref=row.ref,
        payload=row.payload or {},
    )


def append_events(session: Session, records: Sequence[EventRecord]) -> list[EventRecord]:
    """Insert the events not already stored; returns those that were new, in the order given.
    A resend after a crash or a lost reply is therefore harmless, and so are two resends
    racing each other: on PostgreSQL and SQLite the insert is ``ON CONFLICT (uuid) DO
    NOTHING``, so the second waits for the first and stores nothing. The caller commits."""
    if not records:
        return []
    uuids = [r.uuid for r in records]
    known = set(session.scalars(select(Event.uuid).where(Event.uuid.in_(uuids))))
    wanted: dict[str, EventRecord] = {}
    for record in records:
        if record.uuid not in known and record.uuid not in wanted:
            wanted[record.uuid] = record
    if not wanted:
        return []
    recorded_at = utc_now()
    rows = [row_values(record, recorded_at) for record in wanted.values()]
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # any other database: plain inserts
        session.add_all(to_row(record, recorded_at=recorded_at) for record in wanted.values())
        session.flush()
        return list(wanted.values())
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Event).on_conflict_do_nothing(index_elements=["uuid"])
    stored: set[str] = set()
    for start in range(0, len(rows), 500):  # within every database's parameter limit
        done = session.execute(statement.values(rows[start : start + 500]).returning(Event.uuid))
        stored.update(done.scalars())
    return [record for uuid, record in wanted.items() if uuid in stored]


def row_values(record: EventRecord, recorded_at: datetime) -> dict[str, Any]:
    """The ``events`` row for a record, as column values."""
    return {
        "uuid": record.uuid,
        "type": str(record.type),
        "occurred_at": record.occurred_at,
        "recorded_at": recorded_at,
        "device": record.device,
        "child_id": record.child_id,
        "adult_id": record.adult_id,
        "staff_id": record.staff_id,
        "visitor_id": record.visitor_id,
        "room_id": record.room_id,
        "ref": record.ref,
        "payload": dict(record.payload),
    }


def events_between(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    types: Iterable[EventType] | None = None,
) -> list[EventRecord]:
    """Events that happened in [start, end), oldest first. Plain rows, not ORM objects: a
    register reads hundreds of events and never changes one."""
    table = Event.__table__
    query = select(*(table.c[name] for name in _RECORD_COLUMNS)).where(
        table.c.occurred_at >= start, table.c.occurred_at < end
    )
    # Only the types this version knows: a newer kiosk's new kind of event is kept, not folded.
    wanted = list(EventType) if types is None else types
    query = query.where(table.c.type.in_([t.value for t in wanted]))
    query = query.order_by(table.c.occurred_at, table.c.seq)
    return [to_record(row) for row in session.execute(query)]


_RECORD_COLUMNS = (
    "uuid",
    "type",
    "occurred_at",
    "device",
    "child_id",
    "adult_id",
    "staff_id",
    "visitor_id",
    "room_id",
    "ref",
    "payload",
)
