"""The door's people book, refreshed every 30 s from the kiosk's store: a change the office made
shows at the door once it has synced in, and a book nothing changed is not read again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from db.audit import set_actor
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Child
from kiosk.service import BOOK_REFRESH, KioskService
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from tests.sync.nursery import Nursery


class Clock:
    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def half_a_minute_later(self) -> None:
        self.now += BOOK_REFRESH + timedelta(seconds=1)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def door(store: KioskStore, client: SyncClient, clock: Clock) -> Iterator[KioskService]:
    client.sync_once()  # the people, before the door opens
    service = KioskService(store, device="front-door", clock=clock)
    yield service
    service.shutdown()


def _statements(store: KioskStore) -> list[str]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", note)
    return seen


def _rename_child_in_the_office(nursery: Nursery, first_name: str) -> None:
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        set_actor(db, "manager")
        child = db.get(Child, nursery.child_id)
        assert child is not None
        child.first_name = first_name
        db.commit()
    engine.dispose()


def test_a_name_changed_in_the_office_shows_at_the_door_at_the_next_refresh(
    door: KioskService, client: SyncClient, clock: Clock, nursery: Nursery
) -> None:
    _rename_child_in_the_office(nursery, "Amara-Grace")
    # Synced in by a round that does not tell the door (another thread or process wrote it).
    assert client.pull_people()
    assert door.door.book.children[nursery.child_id].first_name != "Amara-Grace"

    clock.half_a_minute_later()
    door.run(door.tick).result()

    assert door.door.book.children[nursery.child_id].first_name == "Amara-Grace"
    assert door.snapshot.book.children[nursery.child_id].first_name == "Amara-Grace"


def test_an_unchanged_book_is_not_read_again(
    door: KioskService, store: KioskStore, clock: Clock
) -> None:
    book = door.door.book
    seen = _statements(store)

    clock.half_a_minute_later()
    door.run(door.tick).result()

    assert door.door.book is book  # the same book: nothing rebuilt
    people = [s for s in seen if re.search(r"\bFROM (children|adults|cards)\b", s)]
    assert people == []
    assert sum(bool(re.search(r"\bFROM sync_state\b", s)) for s in seen) == 1  # the cursor
