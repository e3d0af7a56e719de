"""A kiosk whose clock is ten minutes fast and another ten minutes slow: the hub measures both,
reports them, and the day still reads in the order it happened. Real hub process, two kiosks
with their own databases, their clocks set wrong the way a Pi without a network time is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Event, Kiosk
from db.register import daily_register
from db.timeline import EventRecord
from kiosk.door.collection import ByCard
from kiosk.door.decisions import CardHolder, ReleasePending
from kiosk.service import KioskService
from kiosk.staff_views import sync_lines
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from kiosk.sync.start import on_door_thread
from tests.sync.events import Door as SignedDoor
from tests.sync.events import arrival, pair_door
from tests.sync.nursery import (
    PAIRING_CODE,
    SIDE_DOOR_CODE,
    Hub,
    Nursery,
    add_side_door,
    saskia_id,
)
from tests.sync.office import office_page


class WrongClock:
    def __init__(self, minutes: int) -> None:
        self.off = timedelta(minutes=minutes)

    def __call__(self) -> datetime:
        return utc_now() + self.off


@dataclass
class Door:
    service: KioskService
    client: SyncClient

    def sync(self) -> None:
        result = self.client.sync_once()
        self.service.run(
            lambda: self.service.pulled(result.events, people_changed=result.people_changed)
        ).result()
        self.service.run(lambda: self.service.synced_with(self.client.api)).result()


@pytest.fixture
def doors(hub: Hub, nursery: Nursery, tmp_path: Path) -> Iterator[tuple[Door, Door]]:
    add_side_door(nursery.url)
    http = hub.client()
    made: list[Door] = []
    for device, code, minutes in (
        ("front-door", PAIRING_CODE, 10),
        ("side-door", SIDE_DOOR_CODE, -10),
    ):
        db_file = tmp_path / f"{device}.db"
        token = pair_door(hub.base, code=code, device=device, db_file=db_file).token
        store = KioskStore(str(db_file), device=device)
        service = KioskService(store, device=device, clock=WrongClock(minutes))
        client = SyncClient(
            store,
            hub.base,
            token,
            clock=service.clock,
            http=http,
            write=on_door_thread(service),
            clock_offset=lambda service=service: service.clock_offset,  # type: ignore[misc]
        )
        made.append(Door(service, client))
    yield made[0], made[1]
    for door in made:
        door.service.shutdown()
    http.close()


def hub_events(url: str) -> list[Event]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            return list(db.scalars(select(Event).order_by(Event.seq)))
    finally:
        engine.dispose()


def test_doors_with_wrong_clocks_keep_the_day_in_order_and_are_told_how_far_off(
    doors: tuple[Door, Door], nursery: Nursery
) -> None:
    fast, slow = doors
    fast.sync()  # the first sync brings the people, and the hub's word on each clock
    slow.sync()
    assert round(fast.service.clock_offset / 60) == -10  # it now goes by the hub's time
    assert round(slow.service.clock_offset / 60) == 10
    fast.service.run(
        lambda: fast.service.arrive([nursery.child_id], brought_by_adult_id=nursery.adult_id)
    ).result()
    arrived_really = utc_now()
    fast.sync()
    slow.sync()

    # A minute later Ngozi collects her at the slow door, which now knows it is slow.
    card = slow.service.run(
        lambda: slow.service.scan(nursery.card_payload, collecting=True)
    ).result()
    assert isinstance(card, CardHolder)
    collector = ByCard(card_id=nursery.card_id, adult_id=nursery.adult_id)
    pending = slow.service.run(lambda: slow.service.collect(nursery.child_id, collector)).result()
    assert isinstance(pending, ReleasePending), pending
    staff = next(iter(slow.service.door.book.staff.values()))
    slow.service.run(lambda: slow.service.confirm(pending.request.uuid, staff, "Passport")).result()
    collected_really = utc_now()
    slow.sync()

    events = hub_events(nursery.url)
    assert abs((events[0].occurred_at - arrived_really).total_seconds()) < 5
    for event in events:  # stamped on the hub's time at each door: nothing left to correct
        assert "device_time" not in event.payload
        assert arrived_really - timedelta(seconds=5) < event.occurred_at
        assert event.occurred_at < collected_really + timedelta(seconds=5)

    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        (row,) = daily_register(db, arrived_really.date())
        skews = {k.name: k.clock_skew_seconds for k in db.scalars(select(Kiosk))}
    engine.dispose()
    assert row.arrived_at < row.departed_at  # type: ignore[operator]
    assert row.collected_by == "Ngozi Okafor"
    assert round(skews["Front door"] / 60) == -10  # type: ignore[operator]
    assert round(skews["Side door"] / 60) == 10  # type: ignore[operator]

    said = sync_lines(fast.service.sync_status, now=utc_now(), zone=fast.service.setting.zone)
    assert ("This kiosk's clock is {n} min fast.", {"n": 10}) in said["lines"]


def test_events_stamped_by_a_wrong_clock_are_put_right_by_the_hub(
    hub: Hub, nursery: Nursery, token: str, http: httpx.Client, front_door: SignedDoor
) -> None:
    """A door that made events before it ever reached the hub (a new Pi, no network time)."""
    fast = utc_now() + timedelta(minutes=10)
    made = replace(arrival(nursery.child_id, nursery.adult_id), occurred_at=fast)
    answer = http.post(
        f"{hub.base}/api/v1/events",
        json=front_door.batch(made),
        headers={"Authorization": f"Bearer {token}", "X-Device-Time": fast.isoformat()},
    )
    assert answer.status_code == 200
    assert round(answer.json()["clock_skew_seconds"] / 60) == -10
    assert round(float(answer.headers["X-Clock-Skew"]) / 60) == -10
    (stored,) = hub_events(nursery.url)
    assert abs((stored.occurred_at - utc_now()).total_seconds()) < 5
    assert datetime.fromisoformat(stored.payload["device_time"]) == fast

    # A door that already adds -600 s to its clock is on time: nothing to correct, and the
    # hub still reports how far off its own clock is.
    on_time = utc_now()
    answer = http.get(
        f"{hub.base}/api/v1/events",
        headers={
            "Authorization": f"Bearer {token}",
            "X-Device-Time": on_time.isoformat(),
            "X-Device-Clock-Offset": "-600",
        },
    )
    assert round(float(answer.headers["X-Clock-Skew"]) / 60) == -10


def _pair_side_door(hub: Hub, nursery: Nursery, http: httpx.Client) -> SignedDoor:
    add_side_door(nursery.url)
    return pair_door(hub.base, code=SIDE_DOOR_CODE, device="side-door")


def _push(
    http: httpx.Client, hub: Hub, token: str, event: dict[str, Any], clock: WrongClock
) -> httpx.Response:
    """What a kiosk that does not correct its own clock sends: its time, as it reads it."""
    return http.post(
        f"{hub.base}/api/v1/events",
        json={"events": [event]},
        headers={"Authorization": f"Bearer {token}", "X-Device-Time": clock().isoformat()},
    )


def _kiosks_page(url: str) -> str:
    return office_page(url, "/kiosks")


def test_old_doors_ten_minutes_fast_and_slow_are_put_in_order_by_the_hub_and_shown_off(
    hub: Hub, nursery: Nursery, front_door: SignedDoor, http: httpx.Client
) -> None:
    """Two doors that do not correct their own clocks (an older kiosk): Maya arrives at the
    fast one, is collected at the slow one, comes back after lunch and is collected again. On
    their own clocks she would leave twenty minutes before she came; on the hub's the day reads
    as it happened."""
    side = _pair_side_door(hub, nursery, http)
    fast, slow = WrongClock(10), WrongClock(-10)
    start = utc_now() - timedelta(minutes=3)
    kinds = [
        ("child_arrived", front_door, fast),
        ("collection_requested", side, slow),
        ("child_collected", side, slow),
        ("child_arrived", front_door, fast),
        ("collection_requested", side, slow),
        ("child_collected", side, slow),
    ]
    really = [start + timedelta(seconds=20 * step) for step in range(len(kinds))]
    staff_id = saskia_id(nursery.url)
    sent: list[dict[str, Any]] = []
    request = None
    for at, (kind, by, clock) in zip(really, kinds, strict=True):
        made = EventRecord(
            uuid=str(uuid4()), type=kind, occurred_at=at + clock.off,  # as the door's clock read it
            device=by.device, child_id=nursery.child_id, adult_id=nursery.adult_id,
            staff_id=staff_id if kind == "child_collected" else None,
            ref=request if kind == "child_collected" else None,
        )  # fmt: skip
        request = made.uuid
        (event,) = by.signed(made)
        answer = _push(http, hub, by.token, event, clock)
        assert answer.status_code == 200 and answer.json()["stored"] == 1, answer.text
        skew = answer.json()["clock_skew_seconds"]
        assert skew == pytest.approx(-clock.off.total_seconds(), abs=5)
        sent.append(event)

    stored = hub_events(nursery.url)
    by_time = sorted(stored, key=lambda e: e.occurred_at)
    assert [e.uuid for e in by_time] == [e["uuid"] for e in sent]
    for row, at, original in zip(by_time, really, sent, strict=True):
        assert abs((row.occurred_at - at).total_seconds()) < 5
        assert datetime.fromisoformat(row.payload["device_time"]) == datetime.fromisoformat(
            original["occurred_at"]
        )

    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        morning, afternoon = daily_register(db, start.date())
        skews = {k.name: k.clock_skew_seconds for k in db.scalars(select(Kiosk))}
    engine.dispose()
    assert morning.arrived_at < morning.departed_at < afternoon.arrived_at  # type: ignore[operator]
    assert afternoon.arrived_at < afternoon.departed_at  # type: ignore[operator]
    assert round(skews["Front door"] / 60) == -10  # type: ignore[operator]
    assert round(skews["Side door"] / 60) == 10  # type: ignore[operator]
    assert skews["Garden gate"] is None  # never called

    page = _kiosks_page(nursery.url)
    rows = dict(re.findall(r"<tr><td>([^<]+)</td>.*?<td data-clock>(.*?)</td>", page, re.S))
    assert "10 min fast" in rows["Front door"] and 'class="tag bad"' in rows["Front door"]
    assert "10 min slow" in rows["Side door"] and 'class="tag bad"' in rows["Side door"]
    assert rows["Garden gate"] == "not known yet"
