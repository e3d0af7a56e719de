"""The event stream never skips: a door's cursor only passes events that are there to read.

A push that is still writing when another door pulls must not be jumped over: the door that
pulled gets it at its next pull, however the commits interleave. The first test holds one push
open at the database (``append_events`` without the commit: exactly the hub's push, paused)
while a second door pushes and a third pulls; the second runs many doors pushing and pulling
at once, with pushes that stay open for a random while, and then asks every door what it holds.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.events import append_events
from db.models import Event
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from tests.sync.events import arrival, as_json
from tests.sync.nursery import Hub, Nursery, pair_doors


@dataclass
class Door:
    device: str
    store: KioskStore
    client: SyncClient

    def holds(self) -> set[str]:
        with self.store.sessions() as session:
            return set(session.scalars(select(Event.uuid)))


@pytest.fixture
def doors(hub: Hub, nursery: Nursery, tmp_path: Path) -> Iterator[list[Door]]:
    http = httpx.Client(timeout=30)
    made = []
    for device, token in pair_doors(nursery.url, hub.base, count=6):
        store = KioskStore(str(tmp_path / f"{device}.db"), device=device)
        made.append(
            Door(device, store, SyncClient(store, hub.base, token, clock=utc_now, http=http))
        )
    yield made
    for door in made:
        door.store.close()
    http.close()


def _held_open_push(url: str, nursery: Nursery) -> tuple[Session, str]:
    """A push from the garden gate that has written its event and not yet committed."""
    session = session_factory(make_engine(url))()
    event = replace(arrival(nursery.child_id, nursery.adult_id), device="garden-gate")
    append_events(session, [event])
    return session, event.uuid


def test_a_door_that_pulls_while_another_push_is_still_writing_gets_it_later(
    hub: Hub, nursery: Nursery, doors: list[Door]
) -> None:
    front, side = doors[0], doors[1]
    side.client.pull_events()  # the side door is up to date before the morning starts
    slow, slow_uuid = _held_open_push(nursery.url, nursery)
    quick = replace(arrival(nursery.child_id, nursery.adult_id), device=front.device)
    pushed = threading.Thread(target=front.client.http.post, args=(
        f"{hub.base}/api/v1/events",), kwargs={
        "json": {"events": [as_json(quick)]},
        "headers": {"Authorization": f"Bearer {front.client.token}"},
    })  # fmt: skip
    pushed.start()
    pushed.join(0.5)  # the front door's push waits for the open one, or is stored meanwhile
    side.client.pull_events()  # the side door pulls in between: it must not skip the slow push
    slow.commit()
    slow.close()
    pushed.join(15)
    assert not pushed.is_alive()
    side.client.pull_events()
    assert {slow_uuid, quick.uuid} <= side.holds()


def _push_slowly(url: str, nursery: Nursery, rng: random.Random, count: int) -> list[str]:
    """Pushes that stay open for a random few milliseconds before they commit, as a hub under
    load does when one transaction is slower than the next."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    stored = []
    for _ in range(count):
        events = [
            replace(arrival(nursery.child_id, nursery.adult_id), device="office-laptop")
            for _ in range(rng.randint(1, 3))
        ]
        with sessions() as session:
            append_events(session, events)
            time.sleep(rng.uniform(0, 0.02))
            session.commit()
        stored += [e.uuid for e in events]
    engine.dispose()
    return stored


@pytest.mark.parametrize("seed", [1, 2])
def test_every_door_holds_every_event_however_pushes_and_pulls_interleave(
    hub: Hub, nursery: Nursery, doors: list[Door], seed: int
) -> None:
    rng = random.Random(seed)
    made: dict[str, list[str]] = {door.device: [] for door in doors}
    slow: list[str] = []
    failures: list[BaseException] = []

    def door_day(door: Door, rng: random.Random) -> None:
        try:
            for _ in range(6):
                events = [
                    replace(arrival(nursery.child_id, nursery.adult_id), device=door.device)
                    for _ in range(rng.randint(0, 2))
                ]
                door.store.append(events)
                made[door.device] += [e.uuid for e in events]
                door.client.sync_once()
                time.sleep(rng.uniform(0, 0.03))
        except BaseException as exc:
            failures.append(exc)

    def office(rng: random.Random) -> None:
        slow.extend(_push_slowly(nursery.url, nursery, rng, 12))

    threads = [threading.Thread(target=office, args=(random.Random(rng.random()),))]
    threads += [
        threading.Thread(target=door_day, args=(door, random.Random(rng.random())))
        for door in doors
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    everything = set(slow).union(*made.values())
    for door in doors:
        door.client.pull_events()  # one last pull after the day: nothing may be left behind
        missing = everything - door.holds()
        assert not missing, f"{door.device} never received {len(missing)} events"
