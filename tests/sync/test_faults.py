"""Faults with real processes: a kiosk killed with SIGKILL while writing and while pushing, the
hub killed in the middle of a batch, the hub away all morning. Nothing may be lost, nothing
stored twice, and the day must read in the order it happened."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from db.engine import make_engine, session_factory
from db.models import Event, Outbox
from db.register import daily_register
from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.door.collection import ByCard
from kiosk.door.decisions import CardHolder, ReleasePending
from kiosk.service import KioskService
from kiosk.store.local import KioskStore
from kiosk.sync import HubUnavailable, SyncClient
from tests.sync.nursery import Hub, Nursery

ROOT = Path(__file__).parents[2]
LONDON = ZoneInfo("Europe/London")


def hub_count(url: str, device: str = "front-door") -> tuple[int, int]:
    """(events, distinct UUIDs) the hub holds from ``device``."""
    engine = make_engine(url)
    try:
        with engine.connect() as db:
            where = Event.device == device
            total = db.scalar(select(func.count()).select_from(Event).where(where))
            distinct = db.scalar(select(func.count(func.distinct(Event.uuid))).where(where))
            return int(total or 0), int(distinct or 0)
    finally:
        engine.dispose()


def kiosk_uuids(store: KioskStore) -> tuple[set[str], set[str], set[str]]:
    """(events, outbox rows, unsent outbox rows) in the kiosk's file."""
    with store.sessions() as session:
        events = set(session.scalars(select(Event.uuid)))
        outbox = set(session.scalars(select(Outbox.event_uuid)))
        unsent = set(session.scalars(select(Outbox.event_uuid).where(Outbox.sent_at.is_(None))))
    return events, outbox, unsent


def worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sync.kiosk_worker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def many_events(nursery: Nursery, count: int, *, start: datetime) -> list[EventRecord]:
    return [
        EventRecord(
            uuid=str(uuid4()),
            type=EventType.CHILD_ARRIVED,
            occurred_at=start + timedelta(seconds=i),
            device="front-door",
            child_id=nursery.child_id,
            adult_id=nursery.adult_id,
        )
        for i in range(count)
    ]


def test_a_kiosk_killed_while_writing_keeps_every_event_it_confirmed(
    kiosk_db: Path, client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    confirmed: list[str] = []
    for wanted in (50, 400, 1200):  # three kills at different depths into the file
        process = worker("write", "--db", str(kiosk_db), "--child", str(nursery.child_id))
        assert process.stdout is not None
        printed = 0
        while printed < wanted:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "worker ended"
            confirmed.append(line.split()[1])
            printed += 1
        process.send_signal(signal.SIGKILL)
        rest, _ = process.communicate(timeout=10)
        confirmed += [line.split()[1] for line in rest.splitlines() if line.startswith("stored")]

    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    events, outbox, unsent = kiosk_uuids(store)
    assert set(confirmed) <= events  # nothing the screen confirmed is lost
    assert len(events - set(confirmed)) <= 3  # at most the one in flight at each kill
    assert outbox == events == unsent  # each event has its outbox row, written with it

    client.sync_once()
    assert hub_count(nursery.url) == (len(events), len(events))
    assert kiosk_uuids(store)[2] == set()


def test_a_kiosk_killed_while_pushing_resends_and_nothing_is_stored_twice(
    kiosk_db: Path, store: KioskStore, hub: Hub, token: str, nursery: Nursery
) -> None:
    total = 3000
    made = many_events(nursery, total, start=datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    for start in range(0, total, 500):
        store.append(made[start : start + 500])
    ca = kiosk_db.with_name("office-ca.pem")
    ca.write_text(hub.ca or "", encoding="ascii")
    pushing = ("push", "--db", str(kiosk_db), "--hub", hub.base, "--token", token, "--ca", str(ca))
    process = worker(*pushing)
    try:
        wait_for(lambda: hub_count(nursery.url)[0] >= 300, 60, "the first batches")
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)
    partly = hub_count(nursery.url)[0]
    assert 0 < partly < total, "the kill came too late to be a kill mid-push"

    again = worker(*pushing)
    _out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert hub_count(nursery.url) == (total, total)
    events, outbox, unsent = kiosk_uuids(store)
    assert len(events) == total and outbox == events and unsent == set()


def test_the_hub_killed_mid_batch_accepts_the_resend_without_duplicates(
    store: KioskStore, client: SyncClient, hub: Hub, nursery: Nursery
) -> None:
    total = 3000
    store.append(many_events(nursery, total, start=datetime(2026, 11, 25, 7, 0, tzinfo=UTC)))
    failures: list[BaseException] = []

    def push() -> None:
        try:
            client.push()
        except BaseException as exc:  # the test reads what happened
            failures.append(exc)

    pushing = threading.Thread(target=push)
    pushing.start()
    wait_for(lambda: hub_count(nursery.url)[0] >= 200, 60, "the first batches")
    assert hub.process is not None
    hub.process.send_signal(signal.SIGKILL)  # in the middle of a request, or between two
    hub.process.wait(10)
    hub.process = None
    pushing.join(30)
    assert [type(f) for f in failures] == [HubUnavailable]
    assert 0 < hub_count(nursery.url)[0] < total

    hub.start()
    client.sync_once()
    assert hub_count(nursery.url) == (total, total)
    assert kiosk_uuids(store)[2] == set()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def morning_door(store: KioskStore, client: SyncClient) -> Iterator[tuple[KioskService, Clock]]:
    client.sync_once()  # people data while the hub is still there
    clock = Clock(datetime(2026, 11, 25, 7, 45, tzinfo=UTC))
    service = KioskService(store, device="front-door", clock=clock)
    yield service, clock
    service.shutdown()


def test_a_morning_with_the_hub_down_reaches_it_once_and_in_order(
    morning_door: tuple[KioskService, Clock],
    client: SyncClient,
    store: KioskStore,
    hub: Hub,
    nursery: Nursery,
) -> None:
    service, clock = morning_door
    hub.stop()
    on_door = service.run

    clock.now = datetime(2026, 11, 25, 8, 5, tzinfo=UTC)
    on_door(
        lambda: service.arrive([nursery.child_id], brought_by_adult_id=nursery.adult_id)
    ).result()
    clock.now = datetime(2026, 11, 25, 11, 50, tzinfo=UTC)
    card = on_door(lambda: service.scan(nursery.card_payload, collecting=True)).result()
    assert isinstance(card, CardHolder)
    collector = ByCard(card_id=nursery.card_id, adult_id=nursery.adult_id)
    pending = on_door(lambda: service.collect(nursery.child_id, collector)).result()
    assert isinstance(pending, ReleasePending)
    clock.now += timedelta(minutes=1)
    staff = next(iter(service.door.book.staff.values()))
    on_door(lambda: service.confirm(pending.request.uuid, staff, "Passport")).result()
    with pytest.raises(HubUnavailable):
        client.sync_once()
    made = store.today(now=clock.now, zone=LONDON)
    assert [e.type for e in made] == [
        EventType.CHILD_ARRIVED,
        EventType.COLLECTION_REQUESTED,
        EventType.CHILD_COLLECTED,
    ]

    hub.start()  # back after lunch
    client.sync_once()
    client.sync_once()
    assert hub_count(nursery.url) == (len(made), len(made))
    engine = make_engine(nursery.url)
    try:
        with session_factory(engine)() as db:
            rows = daily_register(db, date(2026, 11, 25), LONDON)
    finally:
        engine.dispose()
    assert [(r.child_id, r.arrived_at, r.departed_at) for r in rows] == [
        (
            nursery.child_id,
            datetime(2026, 11, 25, 8, 5, tzinfo=UTC),
            datetime(2026, 11, 25, 11, 51, tzinfo=UTC),
        )
    ]
    assert rows[0].brought_by == rows[0].collected_by == "Ngozi Okafor"
    assert rows[0].id_document == "Passport"
