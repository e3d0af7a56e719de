"""Writing what the hub sent into the kiosk's database, one page per transaction. Called only
through :class:`kiosk.store.local.KioskStore`, which owns every write of the kiosk process.

The replica is a cache of the hub: rows are written as the hub numbered them (Core statements,
so the kiosk's own version hooks in db/audit.py do not renumber them), and a tombstone deletes
the row outright, so a child who left leaves nothing behind at the door. A page can name a row
before the row it points at (versions follow edits, not parents), so on SQLite foreign keys are
switched off for the page; the hub already checked them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
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
from db.models import SyncState
from db.models.sync import DOOR_TABLE_NAMES, deserialise_row
from db.timeline import EventRecord

STATE_ID = 1


@contextmanager
def _page_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # a PRAGMA that only takes effect outside a transaction
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                yield connection
        finally:
            if sqlite:
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


def apply_people_page(engine: Engine, rows: Sequence[Mapping[str, Any]], *, cursor: int) -> bool:
    """Apply one page and move the cursor, together. Returns whether any door row changed."""
    by_table: dict[Table, dict[int, Mapping[str, Any]]] = {}
    for row in rows:
        table = DOOR_TABLE_NAMES.get(str(row.get("table")))
        if table is None:  # a table a newer hub replicates; this kiosk has no use for it
            continue
        by_table.setdefault(table, {})[row["id"]] = row  # a row named twice: the later wins
    with _page_transaction(engine) as connection:
        for table, table_rows in by_table.items():
            _write_table(connection, table, table_rows)
        _state_values(connection)
        connection.execute(
            update(SyncState).where(SyncState.id == STATE_ID).values(people_version=cursor)
        )
    return bool(by_table)


def apply_events_page(
    sessions: sessionmaker[Session], events: Sequence[EventRecord], *, cursor: int
) -> list[EventRecord]:
    """Store others' events (never in the outbox: they came from the hub) and move the cursor,
    together. Returns the events this kiosk did not have."""
    with sessions.begin() as session:
        fresh = append_events(session, list(events))
        _state_values(session.connection())
        session.execute(update(SyncState).where(SyncState.id == STATE_ID).values(events_seq=cursor))
    return fresh


def read_state(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """``(people_version, events_seq)``: where the next pulls start."""
    with sessions() as session:
        state = session.get(SyncState, STATE_ID)
        return (state.people_version, state.events_seq) if state else (0, 0)


def note_attempt(
    sessions: sessionmaker[Session], *, at: Any, error: str | None, skew: float | None = None
) -> None:
    """A round ended: when it succeeded, or why not (for staff mode to show)."""
    with sessions.begin() as session:
        _state_values(session.connection())
        values: dict[str, Any] = {"last_error": error[:500] if error else None}
        if error is None:
            values["last_sync_at"] = at
        if skew is not None:
            values["clock_skew_seconds"] = skew
        session.execute(update(SyncState).where(SyncState.id == STATE_ID).values(values))
