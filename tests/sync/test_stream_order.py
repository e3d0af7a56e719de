"""The event stream never skips: a door's cursor only passes events that are there to read.

A push that is still writing when another door pulls must not be jumped over: the door that
pulled gets it at its next pull, however the commits interleave. The first test holds one push
open at the database (``append_events`` without the commit: exactly the hub's push, paused)
while a second door pushes and a third pulls; the second runs many doors pushing and pulling
at once, with pushes that stay open for a random while, and then asks every door what it holds.
Both pull as a door pulls: in a round of one request (``POST /round``), and with the paged calls
(the rest of a long round, and a hub from before rounds).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.engine import make_engine, session_factory
from db.events import append_events
from kiosk.store.door_key import key_path, load_door_key
from kiosk.sync import SyncClient
from tests.sync.events import Door, arrival
from tests.sync.nursery import Hub, Nursery, held, new_doors


@pytest.fixture
def doors(hub: Hub, nursery: Nursery, tmp_path: Path) -> Iterator[list[SyncClient]]:
    with new_doors(nursery.url, hub.base, tmp_path, count=6) as clients:
        yield clients


def _held_open_push(engine: Engine, nursery: Nursery) -> tuple[Session, str]:
    """A push from the garden gate that has written its event and not yet committed."""
    session = session_factory(engine)()
    event = replace(arrival(nursery.child_id, nursery.adult_id), device="garden-gate")
    append_events(session, [event])
    return session, event.uuid


@pytest.mark.parametrize("how", ["paged", "round"])
def test_a_door_that_pulls_while_another_push_is_still_writing_gets_it_later(
    hub: Hub, nursery: Nursery, doors: list[SyncClient], how: str
) -> None:
    front, side = doors[0], doors[1]
    pull = side.pull_events if how == "paged" else side.sync_once
    # A round's first request tells the hub the door's free space, a write that on SQLite waits
    # for the open push (as in three calls): this test is about reading, so the door says none.
    side.store.free_bytes = lambda: None  # type: ignore[method-assign]
    pull()  # the side door is up to date before the morning starts (a round: people too)
    engine = make_engine(nursery.url)
    slow, slow_uuid = _held_open_push(engine, nursery)
    quick = replace(arrival(nursery.child_id, nursery.adult_id), device=front.store.device)
    signer = load_door_key(key_path(str(front.store.path)))
    assert signer is not None
    (signed,) = Door(front.store.device, front.token, signer).signed(quick)
    pushed = threading.Thread(target=front.http.post, args=(
        f"{hub.base}/api/v1/events",), kwargs={
        "json": {"events": [signed]},
        "headers": {"Authorization": f"Bearer {front.token}"},
    })  # fmt: skip
    pushed.start()
    pushed.join(0.5)  # the front door's push waits for the open one, or is stored meanwhile
    pull()  # the side door pulls in between: it must not skip the slow push
    slow.commit()
    slow.close()
    engine.dispose()
    pushed.join(15)
    assert not pushed.is_alive()
    pull()
    assert {slow_uuid, quick.uuid} <= held(side)


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
@pytest.mark.parametrize("rounds", ["one request", "three calls"])
def test_every_door_holds_every_event_however_pushes_and_pulls_interleave(
    hub: Hub, nursery: Nursery, doors: list[SyncClient], seed: int, rounds: str
) -> None:
    if rounds == "three calls":  # as with a hub from before rounds
        for door in doors:
            door.rounds_after = math.inf
    rng = random.Random(seed)
    made: dict[str, list[str]] = {door.store.device: [] for door in doors}
    slow: list[str] = []
    failures: list[BaseException] = []

    def door_day(door: SyncClient, rng: random.Random) -> None:
        try:
            for _ in range(6):
                events = [
                    replace(arrival(nursery.child_id, nursery.adult_id), device=door.store.device)
                    for _ in range(rng.randint(0, 2))
                ]
                door.store.append(events)
                made[door.store.device] += [e.uuid for e in events]
                door.sync_once()
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
        door.pull_events()  # one last pull after the day: nothing may be left behind
        missing = everything - held(door)
        assert not missing, f"{door.store.device} never received {len(missing)} events"
