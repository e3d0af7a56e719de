"""Door data above the kiosk's cursor, oldest version first, in pages: ``GET /people`` and the
people part of ``POST /round`` (admin/api/people.py, admin/api/rounds.py) answer with the same
page.

One flush gives every row it touches the same version, so a page never ends in the middle of a
version: it is cut after the last row of the version at the limit. A page can therefore be
longer than ``limit`` (the first sync of a freshly seeded nursery is one version).

Most calls find nothing new. The version counter holds the newest version committed (its row
is locked until the change that took it commits), so "nothing above your cursor" is one read
of one row instead of a query per door table.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Row, Select, Table, select
from sqlalchemy.orm import Session

from admin.office.viewing import record_door_pull
from db.models import VersionCounter
from db.models.sync import DOOR_TABLES, door_columns, serialise_row

MAX_PAGE = 1000
MAX_CURSOR = 2**62  # a cursor beyond any 64-bit counter is a mistake, not a position
PEOPLE_COUNTER = 1  # the version_counter row that numbers people data (db/audit.py)


class PeoplePage(BaseModel):
    rows: list[dict[str, Any]]
    next: int
    more: bool


# A row as fetched: (version, its table's place in DOOR_TABLES, id as text, table, the row).
Fetched = tuple[int, int, str, Table, Row[Any]]


def _fetched(db: Session, index: int, query: Select[Any]) -> list[Fetched]:
    table = DOOR_TABLES[index]
    return [(row.version, index, str(row.id), table, row) for row in db.execute(query)]


@cache
def _wanted(table: Table) -> Select[Any]:
    """The door's columns of ``table``, built once: a statement is immutable."""
    return select(*door_columns(table), table.c.version, table.c.deleted_at)


def _rows_above(db: Session, since: int, limit: int) -> list[Fetched]:
    found: list[Fetched] = []
    for index, table in enumerate(DOOR_TABLES):
        above = _wanted(table).where(table.c.version > since)
        found += _fetched(db, index, above.order_by(table.c.version).limit(limit))
    found.sort(key=lambda f: f[:3])
    return found


def _whole_versions(db: Session, rows: list[Fetched], limit: int) -> list[Fetched]:
    """``rows`` holds each table's lowest ``limit + 1``: their merged first ``limit + 1`` are
    the true lowest overall, beyond that rows may be missing, so only those are trusted.
    Rows are made into what the door reads only once chosen: up to 14 tables' ``limit + 1``
    rows are fetched for one page, and serialising them all was most of the hub's time in a
    new door's first sync."""
    rows = rows[: limit + 1]
    if len(rows) <= limit:
        return rows
    last = rows[limit - 1][0]
    if rows[limit][0] != last:
        return rows[:limit]
    # The version at the limit goes whole: it may hold more rows than were fetched.
    return [r for r in rows if r[0] < last] + _one_version(db, last)


def _one_version(db: Session, version: int) -> list[Fetched]:
    rows: list[Fetched] = []
    for index, table in enumerate(DOOR_TABLES):
        rows += _fetched(db, index, _wanted(table).where(table.c.version == version))
    return rows


def people_page(db: Session, *, kiosk_id: int, since: int, limit: int, now: datetime) -> PeoplePage:
    """The rows above ``since``: about ``limit`` of them, whole versions (see above)."""
    newest = db.scalar(select(VersionCounter.value).where(VersionCounter.id == PEOPLE_COUNTER))
    if newest is None or since >= newest:
        return PeoplePage(rows=[], next=since, more=False)
    rows = _rows_above(db, since, limit + 1)
    page = [serialise_row(f[3], f[4]._asdict()) for f in _whole_versions(db, rows, limit)]
    more = len(rows) > limit  # may be a false "more" when the last version went whole: harmless
    following = page[-1]["version"] if page else since
    if not more:
        # Every door row above the cursor is in this page, and every version up to ``newest``
        # has committed, so the door moves to ``newest``: the versions between went to tables
        # no door holds (a kiosk paired, a visitor signed in). Left behind them, a door asked
        # all 14 tables again every round until the next change to a door table.
        following = max(following, newest)
    if page:
        counts = Counter(str(row["table"]) for row in page)
        span = f"{since}-{following}"
        record_door_pull(db, kiosk_id=kiosk_id, what="door data", counts=counts, span=span, now=now)
    return PeoplePage(rows=page, next=following, more=more)
