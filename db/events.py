"""Writing and reading the event log. Events are inserted once (by UUID) and never changed.

An event's ``seq`` is its position in the stream the doors pull (``GET /events?since=``), so it
must follow commit order: a door that has read position 7 must never later meet a 6 that
committed after it looked. A database sequence cannot promise that (PostgreSQL hands out
``nextval`` before the insert and never rolls it back, so a slow push commits a lower number
after a faster one). Positions are therefore taken from a counter row, updated just before the
insert: the update locks the row until the push commits, so the next push takes its positions
only after this one is visible. Pushes wait for each other only for that insert and commit;
parsing, checking and the duplicate lookup run side by side. A push that stores fewer events
than it reserved (a racing resend) leaves a gap, which no later commit fills.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from sqlalchemy import (
    String,
    Table,
    Text,
    func,
    insert,
    literal,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.clock import utc_now
from db.models import Event, VersionCounter
from db.timeline import EventRecord, Seal
from db.vocabulary import EventType

EVENTS = cast(Table, Event.__table__)  # Core statements: no ORM bookkeeping per row
EVENT_STREAM = 2  # the counter row that numbers events (row 1 numbers people data)


def stream_position(session: Session) -> int:
    """The last position handed out to an event that committed (0 before the first). Every
    event at or below it is visible now or never will be: a door may move its cursor there."""
    top = session.scalar(select(VersionCounter.value).where(VersionCounter.id == EVENT_STREAM))
    if top is None:  # a database from before the counter: its events came in commit order
        return int(session.scalar(select(func.coalesce(func.max(Event.seq), 0))) or 0)
    return int(top)


def take_positions(session: Session, count: int) -> int:
    """Reserve ``count`` positions in the stream and return the first. The counter row stays
    locked until the caller commits, so call this last, just before the insert."""
    bump = (
        update(VersionCounter)
        .where(VersionCounter.id == EVENT_STREAM)
        .values(value=VersionCounter.value + count)
        .returning(VersionCounter.value)
    )
    top = session.execute(bump).scalar_one_or_none()
    if top is None:  # the first event since the counter came: start above what is stored
        # "WHERE true": SQLite reads ON CONFLICT after a bare SELECT as part of a join.
        above = func.coalesce(func.max(Event.seq), 0)
        start = select(literal(EVENT_STREAM), above).where(true())
        first = insert(VersionCounter).from_select(["id", "value"], start)
        dialect = session.get_bind().dialect.name
        if dialect in ("postgresql", "sqlite"):  # two first pushes at once: one row, no error
            conflict = postgresql_insert if dialect == "postgresql" else sqlite_insert
            first = conflict(VersionCounter).from_select(["id", "value"], start)
            first = first.on_conflict_do_nothing(index_elements=["id"])
        session.execute(first)
        top = session.execute(bump).scalar_one()
    return int(top) - count + 1


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

    @property  # read-only here, so a row whose payload is never None also fits
    def payload(self) -> dict[str, Any] | None: ...


KNOWN_TYPES = frozenset(t.value for t in EventType)


def event_type(name: str) -> EventType | str:
    """The type as this version knows it, or the plain string a newer version wrote."""
    return EventType(name) if name in KNOWN_TYPES else name


_TYPES: dict[str, EventType] = {t.value: t for t in EventType}


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


def to_records(rows: Iterable[Sequence[Any]]) -> list[EventRecord]:
    """Plain rows of :data:`RECORD_COLUMNS`, in that order, as records. A register converts
    thousands: unpacking each tuple and finding its type in a dict is about twice as fast as
    reading the columns by name and calling the enum. Rows of :func:`raw_record_columns` (time
    and payload as the driver gave them) are read too."""
    known = _TYPES.get
    return [
        _record({"uuid": uuid, "type": known(kind, kind), "occurred_at": _utc(at),
                 "device": device, "child_id": child, "adult_id": adult, "staff_id": staff,
                 "visitor_id": visitor, "room_id": room, "ref": ref,
                 "payload": _payload(payload), "seal": None})
        for uuid, kind, at, device, child, adult, staff, visitor, room, ref, payload in rows
    ]  # fmt: skip


_new = object.__new__
_set = object.__setattr__


def _record(values: dict[str, Any]) -> EventRecord:
    """An :class:`EventRecord` of every field's value, made without its generated ``__init__``:
    a frozen dataclass sets each of its twelve fields through ``object.__setattr__``, three times
    what the whole record costs this way (a register makes thousands). Nothing is checked or
    defaulted in ``__init__``, so the two are the same record (tests/db/test_event_rows.py)."""
    record = _new(EventRecord)
    _set(record, "__dict__", values)
    return record


_from_text = datetime.fromisoformat


_combine = datetime.combine


def _utc(at: datetime | str) -> datetime:
    # Marked UTC as it is parsed or put together: ``replace(tzinfo=UTC)``, a keyword call,
    # cost several times the parse itself (a fifth of a large register's first fold).
    if isinstance(at, str):  # SQLite's text, stored as naive UTC
        return _from_text(at + "+00:00")
    return at if at.tzinfo is not None else _combine(at, at.time(), UTC)


def _payload(payload: dict[str, Any] | str | None) -> dict[str, Any]:
    if isinstance(payload, str):
        return {} if payload == "{}" else dict(json.loads(payload))
    return payload or {}


def raw_record_columns() -> list[Any]:
    """:data:`RECORD_COLUMNS`, with the time and the payload as the driver hands them (text on
    SQLite): :func:`to_records` parses them in C (``fromisoformat``) for about half what the
    column types' own converters cost on a register of thousands of events."""
    table = Event.__table__
    columns: list[Any] = [table.c[name] for name in RECORD_COLUMNS]
    at, payload = RECORD_COLUMNS.index("occurred_at"), RECORD_COLUMNS.index("payload")
    columns[at] = type_coerce(table.c.occurred_at, String).label("occurred_at")
    # Cast, not only typed: psycopg parses a JSON column itself, one ``json.loads`` a row (a
    # third of a look at the register on PostgreSQL), even when the look reuses its last answer.
    columns[payload] = sql_cast(table.c.payload, Text).label("payload")
    return columns


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
    first = take_positions(session, len(wanted))
    rows = [
        {"seq": first + i, **row_values(record, recorded_at)}
        for i, record in enumerate(wanted.values())
    ]
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # any other database: plain inserts
        session.add_all(Event(**row) for row in rows)
        session.flush()
        return list(wanted.values())
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # The table, not the ORM entity: the ORM's bulk insert would send one statement a row.
    statement = insert(EVENTS).on_conflict_do_nothing(index_elements=["uuid"])
    # A list of rows, not ``.values(rows)``: SQLAlchemy batches them within the database's
    # parameter limit from one cached statement, where a 500-row VALUES was compiled anew on
    # every call (0.9 s of a new door's first sync of 1,000 events).
    done = session.execute(statement.returning(EVENTS.c.uuid), rows)
    stored = set(done.scalars())
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
        **seal_values(record.seal),
    }


SEAL_COLUMNS = ("signer", "device_seq", "prev_hash", "payload_digest", "payload_salt", "signature")


def seal_values(seal: Seal | None) -> dict[str, Any]:
    if seal is None:
        return dict.fromkeys(SEAL_COLUMNS)
    return {name: getattr(seal, name) for name in SEAL_COLUMNS}


def seal_of(row: Any) -> Seal | None:
    """The seal of an ``events`` row (ORM or plain), None when it was never signed."""
    if row.signer is None or row.signature is None:
        return None
    return Seal(
        row.signer, row.device_seq, row.prev_hash, row.payload_digest, row.payload_salt,
        row.signature,
    )  # fmt: skip


def events_between(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    types: Iterable[EventType] | None = None,
) -> list[EventRecord]:
    """Events that happened in [start, end), oldest first. Plain rows, not ORM objects: a
    register reads hundreds of events and never changes one."""
    return to_records(event_rows(session, start, end, types=types))


def event_rows(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    types: Iterable[EventType] | None = None,
) -> list[Any]:
    """The rows :func:`events_between` makes its records from (:func:`raw_record_columns`),
    as the driver handed them: equal rows fold to the same day (db/read_memo.py)."""
    table = Event.__table__
    query = select(*raw_record_columns()).where(
        table.c.occurred_at >= start, table.c.occurred_at < end
    )
    # Only the types this version knows: a newer kiosk's new kind of event is kept, not folded.
    wanted = list(EventType) if types is None else types
    query = query.where(table.c.type.in_([t.value for t in wanted]))
    query = query.order_by(table.c.occurred_at, table.c.seq)
    # One fetchall, not a fetchone a row; plain tuples, which compare in C (db/read_memo.py).
    return list(map(tuple, session.execute(query).all()))


RECORD_COLUMNS = (
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
