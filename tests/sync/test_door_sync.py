"""The running door and its sync thread together: alerts go at once, staff mode's sync state is
true, a revoked kiosk knows it, and a child who arrived at one door goes home from another."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Event, Kiosk
from db.vocabulary import EventType
from kiosk.door.collection import ByCard
from kiosk.door.decisions import CardHolder, ReleasePending
from kiosk.service import KioskService
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient, SyncLoop, hub_client, pair_with_hub
from kiosk.sync.start import on_door_thread, start_sync
from tests.sync.nursery import SIDE_DOOR_CODE, Hub, Nursery, add_side_door


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


def hub_types(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            return list(db.scalars(select(Event.type).order_by(Event.seq)))
    finally:
        engine.dispose()


@pytest.fixture
def door(store: KioskStore, client: SyncClient) -> Iterator[KioskService]:
    client.sync_once()  # the people, before the door opens
    service = KioskService(store, device="front-door")
    yield service
    service.shutdown()


@pytest.fixture
def running(door: KioskService, hub: Hub, token: str) -> Iterator[SyncLoop]:
    # A long interval: anything that reaches the hub within seconds was sent on purpose.
    loop = start_sync(door, hub_url=hub.base, token=token, interval=120)
    yield loop
    loop.stop()


def test_an_alert_raised_at_the_door_reaches_the_office_at_once(
    door: KioskService, running: SyncLoop, nursery: Nursery
) -> None:
    refused = door.run(lambda: door.scan("HOV1.AAAAAAAAAA.BBBBBBBB", collecting=True)).result()
    assert not isinstance(refused, CardHolder)
    eventually(lambda: EventType.ALERT_RAISED in hub_types(nursery.url), timeout=5)


def test_staff_mode_hears_how_sync_is_going(
    door: KioskService, running: SyncLoop, hub: Hub, nursery: Nursery
) -> None:
    eventually(lambda: door.sync_status.hub == hub.base)
    running.nudge()
    eventually(lambda: door.sync_status.last_sync_at is not None)
    assert door.sync_status.last_error is None and door.sync_status.waiting == 0

    hub.stop()
    door.run(lambda: door.arrive([nursery.child_id], brought_by_adult_id=nursery.adult_id))
    eventually(lambda: door.sync_status.waiting == 1)
    running.nudge()
    eventually(lambda: door.sync_status.last_error is not None)
    assert door.sync_status.waiting == 1 and not door.sync_status.revoked

    hub.start()
    running.backoff = None
    running.nudge()
    eventually(lambda: door.sync_status.last_error is None and door.sync_status.waiting == 0)


def test_a_revoked_kiosk_knows_it_was_revoked(
    door: KioskService, running: SyncLoop, nursery: Nursery
) -> None:
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        kiosk = db.scalar(select(Kiosk).where(Kiosk.name == "Front door"))
        assert kiosk is not None
        kiosk.revoked_at = utc_now()
        db.commit()
    engine.dispose()
    running.nudge()
    eventually(lambda: door.sync_status.revoked)


def test_a_child_signed_in_at_one_door_is_collected_at_another(
    door: KioskService, client: SyncClient, hub: Hub, nursery: Nursery, tmp_path: Path
) -> None:
    add_side_door(nursery.url)
    side_pairing = pair_with_hub(hub.base, code=SIDE_DOOR_CODE, device="side-door")
    side_token = side_pairing.token
    side_store = KioskStore(str(tmp_path / "side.db"), device="side-door")
    side = KioskService(side_store, device="side-door")
    try:
        with hub_client(side_pairing.certificate) as http:
            side_client = SyncClient(
                side_store,
                hub.base,
                side_token,
                clock=utc_now,
                http=http,
                write=on_door_thread(side),
            )
            side_client.sync_once()
            side.run(lambda: side.pulled([], people_changed=True)).result()

            door.run(
                lambda: door.arrive([nursery.child_id], brought_by_adult_id=nursery.adult_id)
            ).result()
            client.sync_once()  # the front door tells the hub

            result = side_client.sync_once()  # the side door hears it
            side.run(lambda: side.pulled(result.events, people_changed=False)).result()
            assert nursery.child_id in side.door.timeline.on_site
            card = side.run(lambda: side.scan(nursery.card_payload, collecting=True)).result()
            assert isinstance(card, CardHolder)
            collector = ByCard(card_id=nursery.card_id, adult_id=nursery.adult_id)
            pending = side.run(lambda: side.collect(nursery.child_id, collector)).result()
            assert isinstance(pending, ReleasePending)
    finally:
        side.shutdown()
