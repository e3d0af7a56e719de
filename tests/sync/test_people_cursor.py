"""A door's people cursor moves past versions that went to tables no door holds, on a real hub
(SQLite and PostgreSQL).

Pairing a kiosk or signing in a visitor takes a version from the same counter as people data,
but no door row carries it. The hub answered such a gap with no rows and the cursor where it
was, so the door asked all 14 door tables again every round until the next change to a door
table (found profiling the sync benchmark: a fifth of the hub's time in a quiet morning)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.api.people_pages import PEOPLE_COUNTER
from db.engine import make_engine, session_factory
from db.models import Child, VersionCounter
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from tests.sync.nursery import Hub, Nursery, add_side_door
from tests.sync.office import on_the_hub


def _newest(url: str) -> int:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        value = db.scalar(select(VersionCounter.value).where(VersionCounter.id == PEOPLE_COUNTER))
    engine.dispose()
    assert value is not None
    return int(value)


def _renamed(db: Session, child_id: int) -> None:
    child = db.get(Child, child_id)
    assert child is not None
    child.first_name = "Maia"


def test_a_door_moves_past_versions_no_door_table_holds_and_still_gets_the_next_change(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.sync_once()
    add_side_door(nursery.url)  # a kiosk made in the office: a version, but no door row
    newest = _newest(nursery.url)
    assert store.sync_cursors()[0] < newest

    client.sync_once()
    assert store.sync_cursors()[0] == newest  # moved past the gap, with nothing to write

    on_the_hub(nursery.url, lambda db: _renamed(db, nursery.child_id))
    result = client.sync_once()
    assert result.people_changed  # the next change to a door table still arrives
    assert store.sync_cursors()[0] == _newest(nursery.url)


def test_the_hub_answers_a_gap_of_other_tables_with_the_newest_version_and_no_rows(
    hub: Hub, http: httpx.Client, token: str, nursery: Nursery
) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    first = http.get(f"{hub.base}/api/v1/people", params={"since": 0}, headers=auth).json()
    assert first["rows"] and not first["more"]
    add_side_door(nursery.url)
    gap = http.get(f"{hub.base}/api/v1/people", params={"since": first["next"]}, headers=auth)
    assert gap.json() == {"rows": [], "next": _newest(nursery.url), "more": False}
    on_the_hub(nursery.url, lambda db: _renamed(db, nursery.child_id))
    after = http.get(
        f"{hub.base}/api/v1/people", params={"since": gap.json()["next"]}, headers=auth
    ).json()
    names = [row["row"]["first_name"] for row in after["rows"] if row["table"] == "children"]
    assert names == ["Maia"]
