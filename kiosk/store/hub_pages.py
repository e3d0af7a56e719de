"""Writing what the hub sent into the kiosk's database: a whole round in one transaction, the
cursors with the data they cover. Called only through :class:`kiosk.store.local.KioskStore`,
which owns every write of the kiosk process.

That transaction commits with ``synchronous=NORMAL``: in WAL mode a crash of the process loses
nothing, and a power cut may undo the last rounds whole, cursors and all, so the door pulls them
again (and resends what it had not marked sent; the hub ignores a resend by UUID). The door's
own events keep ``synchronous=FULL``: each is on disk before the screen says done, and its
fsync carries every round written before it.

The replica is a cache of the hub: rows are written as the hub numbered them (Core statements,
so the kiosk's own version hooks in db/audit.py do not renumber them), and a tombstone deletes
the row outright, so a child who left leaves nothing behind at the door. A page can name a row
before the row it points at (versions follow edits, not parents), so on SQLite foreign keys are
switched off for the page; the hub already checked them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    String,
    Table,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from db.events import append_events
from db.loading import collector_paused
from db.models import Outbox, SyncState
from db.models.sync import DOOR_TABLE_NAMES, deserialise_row
from db.timeline import EventRecord

STATE_ID = 1


@contextmanager
def _page_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # PRAGMAs that only take effect outside a transaction
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # Measured: three or four fsyncs a round were half of a door's own time in a round.
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            connection.commit()
        try:
            with connection.begin():
                yield connection
        finally:
            if sqlite:  # back as every other write of the door expects it, FULL above all
                connection.exec_driver_sql("PRAGMA synchronous=FULL")
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _filler(column: Column[Any]) -> Any:
    """A value for a column the kiosk is never sent but the schema requires (e.g. the reason
    for a restriction, which stays in the office)."""
    return "" if isinstance(column.type, String) else None


def _filled(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    for column in table.columns:
        required = not column.nullable and column.default is None
        if column.name not in values and required and column.server_default is None:
            values[column.name] = _filler(column)
    return values


def _by_columns(rows: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Rows in groups with the same columns: one executemany takes one shape of row."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    yield from groups.values()


def _write_table(
    connection: Connection, table: Table, rows: Mapping[int, Mapping[str, Any]]
) -> None:
    """A page's rows of one table, in three statements (deletes, updates, inserts) run over
    many rows each: one statement per row made a new door's first sync of 200 children's
    people (2,000 rows) take 6 to 8 seconds, most of it building those statements."""
    gone = [row_id for row_id, row in rows.items() if row.get("deleted")]
    if gone:
        connection.execute(delete(table).where(table.c.id.in_(gone)))
    kept = {row_id: row for row_id, row in rows.items() if not row.get("deleted")}
    if not kept:
        return
    held = set(connection.scalars(select(table.c.id).where(table.c.id.in_(list(kept)))))
    changed: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for row_id, row in kept.items():
        values = deserialise_row(table, row.get("row", {}))
        values.update(id=row_id, version=int(row["version"]), deleted_at=None)
        (changed if row_id in held else new).append(values)
    for group in _by_columns(changed):
        # "row_id": a bound name must differ from the column names that are set.
        to_set: dict[str, Any] = {name: bindparam(name) for name in group[0] if name != "id"}
        statement = update(table).where(table.c.id == bindparam("row_id")).values(to_set)
        connection.execute(statement, [{**values, "row_id": values["id"]} for values in group])
    for group in _by_columns([_filled(table, values) for values in new]):
        connection.execute(insert(table), group)


def _state_values(connection: Connection) -> None:
    if connection.scalar(select(SyncState.id).where(SyncState.id == STATE_ID)) is None:
        connection.execute(insert(SyncState).values(id=STATE_ID, people_version=0, events_seq=0))


@dataclass(frozen=True)
class Attempt:
    """A round ended: when, and why it failed (None: it succeeded), for staff mode to show."""

    at: datetime
    error: str | None
    skew: float | None = None


@dataclass
class Received:
    """What a round brought from the hub, and what it did, kept until it is written in one
    transaction: events the hub took (to mark sent), people rows and events pulled, the
    cursors that cover them, and how the round ended."""

    sent: list[str] = field(default_factory=list)
    sent_at: datetime | None = None
    people: list[Mapping[str, Any]] = field(default_factory=list)
    people_cursor: int | None = None  # None: no page of people came
    events: list[EventRecord] = field(default_factory=list)
    events_cursor: int | None = None
    attempt: Attempt | None = None

    def rows(self) -> int:
        return len(self.people) + len(self.events)

    def nothing(self) -> bool:
        moved = self.people_cursor is not None or self.events_cursor is not None
        return not (self.sent or self.rows() or moved or self.attempt)


@dataclass(frozen=True)
class Written:
    people_changed: bool = False
    fresh: list[EventRecord] = field(default_factory=list)  # the events this door lacked


def _write_people(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> bool:
    """People rows, table by table; whether any door row changed."""
    by_table: dict[Table, dict[int, Mapping[str, Any]]] = {}
    for row in rows:
        table = DOOR_TABLE_NAMES.get(str(row.get("table")))
        if table is None:  # a table a newer hub replicates; this kiosk has no use for it
            continue
        by_table.setdefault(table, {})[row["id"]] = row  # a row named twice: the later wins
    for table, table_rows in by_table.items():
        _write_table(connection, table, table_rows)
    return bool(by_table)


def _state_changes(received: Received) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if received.people_cursor is not None:
        values["people_version"] = received.people_cursor
    if received.events_cursor is not None:
        values["events_seq"] = received.events_cursor
    if (attempt := received.attempt) is not None:
        values["last_error"] = attempt.error[:500] if attempt.error else None
        if attempt.error is None:
            values["last_sync_at"] = attempt.at
        if attempt.skew is not None:
            values["clock_skew_seconds"] = attempt.skew
    return values


@collector_paused()  # thousands of rows at a new door's first sync: no cycle hunts among them
def write_received(engine: Engine, sessions: sessionmaker[Session], received: Received) -> Written:
    """Everything a round received, with its cursors, in one transaction and one commit: a
    door killed or cut off mid-write keeps all of it or none, and pulls again what it lost."""
    if received.nothing():
        return Written()
    with _page_transaction(engine) as connection:
        if received.sent:
            sent = update(Outbox).where(Outbox.event_uuid.in_(received.sent))
            connection.execute(sent.values(sent_at=received.sent_at))
        changed = _write_people(connection, received.people)
        fresh: list[EventRecord] = []
        if received.events:
            # Others' events: never in the outbox, they came from the hub.
            with sessions(bind=connection) as session:
                fresh = append_events(session, received.events)
        if values := _state_changes(received):
            _state_values(connection)
            connection.execute(update(SyncState).where(SyncState.id == STATE_ID).values(values))
    return Written(changed, fresh)


def read_state(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """``(people_version, events_seq)``: where the next pulls start."""
    with sessions() as session:
        state = session.get(SyncState, STATE_ID)
        return (state.people_version, state.events_seq) if state else (0, 0)
