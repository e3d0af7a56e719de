"""Sync's part of the schema: which people data a kiosk replicates and how a row travels as
JSON (shared by the hub, which serialises, and the kiosk, which reads back), and what a kiosk
keeps about its conversation with the hub (the outbox and the cursors).

The replicated columns are derived from the ``info`` flags on the models (db/models/base.py),
never written out by hand: a column added later with ``OFFICE_ONLY`` or ``SENSITIVE`` stays in
the office without anyone remembering to leave it out here.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, String, Table, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.models.people import (
    Adult,
    AgreedPassword,
    Authorisation,
    Card,
    Child,
    ChildBooking,
    OneOffPermission,
    Restriction,
    Staff,
)
from db.models.setting import NurserySession, Room, Setting

ALERT_PRIORITY = 0  # alerts go first and at once (DESIGN.md, Sync)
NORMAL_PRIORITY = 1


class Outbox(Base):
    """One row per event made here, written in the same transaction as the event, so an event
    on disk is always an event that will reach the hub. ``sent_at`` is set only after the hub
    acknowledged it; a lost reply means a resend, which the hub ignores by UUID."""

    __tablename__ = "outbox"

    event_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    priority: Mapped[int] = mapped_column(default=NORMAL_PRIORITY)


class SyncState(Base):
    """One row: how far this kiosk has read the hub's people data and events."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    people_version: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), default=0
    )
    events_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    last_sync_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    # The hub's clock minus ours, as the hub last measured it: staff mode says when it is off.
    clock_skew_seconds: Mapped[float | None]


# Parents before the rows that point at them, so a kiosk applying one page in this order meets
# fewer dangling references (it still tolerates them: see kiosk/sync/apply.py).
DOOR_TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        Setting,
        NurserySession,
        Room,
        Staff,
        AgreedPassword,
        Adult,
        Child,
        ChildBooking,
        Authorisation,
        OneOffPermission,
        Restriction,
        Card,
    )
)
DOOR_TABLE_NAMES = {table.name: table for table in DOOR_TABLES}
SYNC_COLUMNS = ("version", "deleted_at")  # the sync protocol's own, sent beside the row


def is_door_column(column: Column[Any]) -> bool:
    return not (column.info.get("office_only") or column.info.get("sensitive"))


@cache  # asked once a row, thousands of times a page, of a schema that never changes
def door_columns(table: Table) -> tuple[Column[Any], ...]:
    return tuple(c for c in table.columns if is_door_column(c) and c.name not in SYNC_COLUMNS)


@cache
def _door_kinds(table: Table) -> tuple[tuple[str, type | None], ...]:
    return tuple((c.name, python_type(c)) for c in door_columns(table))


_AS_THEY_ARE = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _AS_THEY_ARE:  # most of a row: one look-up instead of three isinstance
        return value
    if isinstance(value, bytes):
        return b64encode(value).decode("ascii")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


@cache
def _door_names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in door_columns(table))


def serialise_row(table: Table, row: Mapping[Any, Any]) -> dict[str, Any]:
    """One people row as the kiosk receives it: door columns only, whatever ``row`` holds (a
    plain dict is the quickest: a new door's first sync serialises thousands)."""
    version = int(row["version"])
    if row.get("deleted_at") is not None:
        return {"table": table.name, "id": row["id"], "deleted": True, "version": version}
    data = {name: _plain(row[name]) for name in _door_names(table) if name in row}
    return {"table": table.name, "id": row["id"], "version": version, "row": data}


def python_type(column: Column[Any]) -> type | None:
    """The Python type a column holds; a TypeDecorator (UTCDateTime) answers for its impl."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        found: type = kind.python_type
    except NotImplementedError:
        return None
    return found


def deserialise_row(table: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    """The reverse of :func:`serialise_row`'s ``row``. Columns the kiosk must not hold are
    dropped here too, so a hub that sent one by mistake still leaves nothing on the kiosk."""
    values: dict[str, Any] = {}
    for name, kind in _door_kinds(table):
        if name not in data:
            continue
        value = data[name]
        if value is not None and isinstance(value, str):
            if kind is bytes:
                value = b64decode(value)
            elif kind is datetime:
                value = datetime.fromisoformat(value)
            elif kind is date:
                value = date.fromisoformat(value)
            elif kind is time:
                value = time.fromisoformat(value)
        values[name] = value
    return values
