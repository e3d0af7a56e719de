"""Display names for the ids in events, read for the register, the on-site list and the office's
pages: only name columns, and only the people asked for."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Integer, Select, any_, bindparam, column, func, select
from sqlalchemy.orm import Session

from db.models import Adult, Child, Room, Staff
from db.names import full_name

# Ids per query where a database takes no list as one value: inside every limit on parameters.
_IDS_PER_QUERY = 5000


def _named(
    session: Session,
    query: Select[*tuple[Any, ...]],
    id_column: Any,
    ids: Collection[int] | None,
) -> list[Any]:
    """Plain tuples: they compare in C when the register asks whether its names changed."""
    if ids is None:
        return list(map(tuple, session.execute(query).all()))
    if not ids:
        return []
    wanted, dialect = sorted(ids), session.get_bind().dialect.name
    # The ids as one value, not a parameter each: the statement is compiled once and cached,
    # where ``in_(ids)``, even expanding, rendered 1,700 parameters on every call (and psycopg
    # split them out of the text again).
    if dialect == "postgresql":
        query = query.where(id_column == any_(bindparam("ids", type_=ARRAY(Integer))))
        return list(map(tuple, session.execute(query, {"ids": wanted})))
    if dialect == "sqlite":
        listed: Select[tuple[Any]] = select(column("value")).select_from(
            func.json_each(bindparam("ids"))
        )
        query = query.where(id_column.in_(listed))
        return list(map(tuple, session.execute(query, {"ids": json.dumps(wanted)})))
    query = query.where(id_column.in_(bindparam("ids", expanding=True)))
    rows: list[Any] = []
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        rows += map(tuple, session.execute(query, {"ids": wanted[start : start + _IDS_PER_QUERY]}))
    return rows


# Children, adults, staff and rooms, as read: what :meth:`Names.of` makes names from.
NameRows = tuple[list[Any], list[Any], list[Any], list[Any]]


def name_rows(
    session: Session,
    *,
    children: Collection[int] | None = None,
    adults: Collection[int] | None = None,
) -> NameRows:
    """Only name columns: no photos, and none of the sensitive fields."""
    # The tables' columns, not the entities': plain rows without the ORM's loading step (a
    # fifth of each read of 2,000 names).
    child, adult, staff, room = (_columns(m) for m in (Child, Adult, Staff, Room))
    return (
        _named(
            session,
            select(child.id, child.first_name, child.last_name, child.key_person_id, child.room_id),
            child.id,
            children,
        ),
        _named(session, select(adult.id, adult.first_name, adult.last_name), adult.id, adults),
        _named(session, select(staff.id, staff.first_name, staff.last_name), staff.id, None),
        _named(session, select(room.id, room.name), room.id, None),
    )


def _columns(model: Any) -> Any:
    return model.__table__.c


@dataclass(frozen=True)
class ChildName:
    first_name: str
    last_name: str
    key_person_id: int | None
    room_id: int | None


@dataclass(frozen=True)
class Names:
    """Display names for the ids in events; deleted people keep their names in old registers.
    Only name columns are read: no photos, and none of the sensitive fields."""

    children: dict[int, ChildName]
    adults: dict[int, str]
    staff: dict[int, str]
    rooms: dict[int, str]

    @classmethod
    def load(
        cls,
        session: Session,
        *,
        children: Collection[int] | None = None,
        adults: Collection[int] | None = None,
    ) -> Names:
        """Every name, or only those of the children and adults given: a day's register of a
        large nursery names a few hundred people, not every family ever enrolled. Staff and
        rooms, a few dozen rows, are always read whole (key persons)."""
        return cls.of(name_rows(session, children=children, adults=adults))

    @classmethod
    def of(cls, rows: NameRows) -> Names:
        child_rows, adult_rows, staff, rooms = rows
        return cls(
            children={r[0]: ChildName(r[1], r[2], r[3], r[4]) for r in child_rows},
            adults={r[0]: full_name(r[1], r[2]) for r in adult_rows},
            staff={r[0]: full_name(r[1], r[2]) for r in staff},
            rooms={r[0]: r[1] for r in rooms},
        )

    def child(self, child_id: int) -> str:
        child = self.children.get(child_id)
        return full_name(child.first_name, child.last_name) if child else f"child #{child_id}"
