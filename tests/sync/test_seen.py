"""The office knows when each door was last heard from without the hub writing it on every call:
a morning of sync calls is a handful of writes, and the panel is a few seconds behind at most."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import Engine, event, select

from admin.api.seen import SeenBook
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Kiosk
from kiosk.sync import SyncClient
from tests.sync.nursery import Hub, Nursery, pair_doors


def _last_seen(url: str) -> dict[str, object]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        seen: dict[str, object] = {k.name: k.last_seen_at for k in db.scalars(select(Kiosk))}
    engine.dispose()
    return seen


def test_the_panel_learns_a_door_was_seen_within_seconds_of_its_sync(
    hub: Hub, nursery: Nursery, client: SyncClient
) -> None:
    paired = _last_seen(nursery.url)["Front door"]  # set when it paired
    client.sync_once()
    deadline = time.monotonic() + 10
    while _last_seen(nursery.url)["Front door"] == paired:
        assert time.monotonic() < deadline, "last seen never reached the kiosks table"
        time.sleep(0.1)


def _count_kiosk_writes(engine: Engine) -> list[str]:
    writes: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE KIOSKS"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    return writes


def test_a_busy_morning_of_sync_calls_writes_last_seen_a_few_times_not_on_every_call(
    hub: Hub, nursery: Nursery
) -> None:
    pair_doors(nursery.url, hub.base, count=3)
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        ids = list(db.scalars(select(Kiosk.id).where(Kiosk.name.like("Door %"))))
    writes = _count_kiosk_writes(engine)
    book = SeenBook(session_factory(engine), every=60)
    started = utc_now()
    for second in range(200):
        for kiosk_id in ids:
            book.note(kiosk_id, started + timedelta(seconds=second), skew=0.5)
    deadline = time.monotonic() + 10
    while book._flushing or not writes:  # the first sighting of each door goes at once
        assert time.monotonic() < deadline
        time.sleep(0.05)
    early = len(writes)
    book.flush()  # as at a clean stop
    assert early <= 2 * 3 and len(writes) <= early + 2  # not 600
    with session_factory(engine)() as db:
        rows = {k.id: k for k in db.scalars(select(Kiosk).where(Kiosk.id.in_(ids)))}
    engine.dispose()
    for kiosk in rows.values():  # the last sighting of each is the one kept
        assert kiosk.last_seen_at is not None and kiosk.clock_skew_seconds == 0.5
        assert abs(kiosk.last_seen_at - (started + timedelta(seconds=199))) < timedelta(seconds=1)
    assert len(rows) == 3
