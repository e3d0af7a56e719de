"""A kiosk syncing with a real hub process: what it holds, what it sends, and when."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Card, Child, Outbox, Restriction, Setting
from kiosk.door.collection import ByCard
from kiosk.door.decisions import CardHolder, Refused
from kiosk.service import KioskService
from kiosk.staff_views import out_of_touch
from kiosk.store.local import KioskStore, SyncStatus
from kiosk.sync import HubUnavailable, SyncClient
from tests.sync.events import arrival, hub_event_uuids, pair_door
from tests.sync.nursery import (
    ADDRESS,
    NEEDS,
    PHONES,
    REASON,
    SIDE_DOOR_CODE,
    Hub,
    Nursery,
    add_side_door,
)
from tests.sync.office import on_the_hub


def test_after_a_pull_the_kiosk_file_holds_no_needs_addresses_or_phone_numbers(
    client: SyncClient, store: KioskStore, kiosk_db: Path
) -> None:
    result = client.sync_once()
    assert result.people_changed
    book = store.book()
    assert (
        [c.first_name for c in book.children.values()] == ["Maya"]
        and book.cards
        and book.restrictions
    )
    store.close()  # flush the WAL into the file we search
    raw = kiosk_db.read_bytes() + b"".join(p.read_bytes() for p in kiosk_db.parent.glob("*-wal"))
    assert b"Maya" in raw
    for secret in (NEEDS, ADDRESS, REASON, "ngozi@example.org", *PHONES):
        assert secret.encode() not in raw, secret


def test_events_queued_while_the_hub_was_down_arrive_once_and_in_order(
    client: SyncClient, store: KioskStore, hub: Hub, nursery: Nursery
) -> None:
    client.sync_once()
    hub.stop()
    made = [arrival(nursery.child_id, nursery.adult_id, minutes_ago=10 - i) for i in range(5)]
    for event in made:
        store.append([event])
    with pytest.raises(HubUnavailable):
        client.sync_once()
    hub.start()
    assert client.sync_once().pushed == 5
    assert client.sync_once().pushed == 0  # nothing left to send, nothing sent twice
    assert hub_event_uuids(nursery.url, device="front-door") == [e.uuid for e in made]
    with store.sessions() as session:
        assert session.scalars(select(Outbox).where(Outbox.sent_at.is_(None))).all() == []


def test_a_lost_reply_means_a_resend_that_the_hub_ignores(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    made = [arrival(nursery.child_id, nursery.adult_id) for _ in range(3)]
    store.append(made)
    client.sync_once()
    with store.sessions.begin() as session:  # as if the hub's answer never came back
        session.execute(update(Outbox).values(sent_at=None))
    assert client.sync_once().pushed == 3
    assert hub_event_uuids(nursery.url, device="front-door") == [e.uuid for e in made]


def test_a_card_revoked_in_the_office_stops_working_at_the_door_after_one_sync(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.sync_once()
    service = KioskService(store, device="front-door")
    try:
        before = service.run(lambda: service.scan(nursery.card_payload)).result()
        assert isinstance(before, CardHolder)
        engine = make_engine(nursery.url)
        with session_factory(engine)() as db:
            card = db.get(Card, nursery.card_id)
            assert card is not None
            card.revoked_at, card.revoked_reason = utc_now(), "lost"
            db.commit()
        engine.dispose()
        result = client.sync_once()
        service.run(lambda: service.pulled(result.events, people_changed=result.people_changed))
        after = service.run(lambda: service.scan(nursery.card_payload)).result()
        assert isinstance(after, Refused)
    finally:
        service.shutdown()  # the store fixture closing it again is harmless


def test_an_arrival_at_the_garden_gate_reaches_the_front_door(
    client: SyncClient, store: KioskStore, hub: Hub, nursery: Nursery, http: httpx.Client
) -> None:
    add_side_door(nursery.url)  # the garden gate: a second door, paired with its own key
    gate_door = pair_door(hub.base, code=SIDE_DOOR_CODE, device="garden-gate")
    gate = replace(arrival(nursery.child_id, nursery.adult_id), device="garden-gate")
    answer = http.post(
        f"{hub.base}/api/v1/events", json=gate_door.batch(gate), headers=gate_door.auth
    )
    assert answer.status_code == 200
    received = client.sync_once().events
    assert [e.uuid for e in received] == [gate.uuid]
    assert client.sync_once().events == []  # the cursor moved: not received twice
    now = utc_now()
    assert gate.uuid in {e.uuid for e in store.today(now=now, zone=store.setting().zone)}
    with store.sessions() as session:  # another door's event is not ours to send
        assert session.get(Outbox, gate.uuid) is None


def test_a_new_restriction_stops_that_adult_at_the_door_after_one_sync(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.sync_once()
    service = KioskService(store, device="front-door")
    try:
        service.run(
            lambda: service.arrive([nursery.child_id], brought_by_adult_id=nursery.adult_id)
        ).result()
        on_the_hub(
            nursery.url,
            lambda db: db.add(
                Restriction(
                    child_id=nursery.child_id,
                    adult_id=nursery.adult_id,
                    person_name="Ngozi Okafor",
                    reason="Interim order, phoned in at 11:00",
                    recorded_at=utc_now(),
                )
            ),
        )
        result = client.sync_once()
        service.run(lambda: service.pulled(result.events, people_changed=result.people_changed))
        card = service.run(lambda: service.scan(nursery.card_payload, collecting=True)).result()
        decision = (
            card
            if not isinstance(card, CardHolder)
            else service.run(
                lambda: service.collect(
                    nursery.child_id, ByCard(card_id=nursery.card_id, adult_id=nursery.adult_id)
                )
            ).result()
        )
        assert isinstance(decision, Refused)
        assert nursery.child_id in service.door.timeline.on_site  # the child stays
        assert service.door.timeline.open_alerts()  # and staff are called
    finally:
        service.shutdown()


def test_a_child_removed_in_the_office_leaves_nothing_at_the_door(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.page = client.people_page = 1  # one version a page: the removal comes in several
    client.sync_once()
    assert nursery.child_id in store.book().children

    def remove(db: Session) -> None:
        maya = db.get(Child, nursery.child_id)
        assert maya is not None
        maya.deleted_at = utc_now()

    on_the_hub(nursery.url, remove)
    assert client.sync_once().people_changed
    assert nursery.child_id not in store.book().children
    with store.sessions() as session:
        assert session.get(Child, nursery.child_id) is None


def test_the_office_decides_how_long_a_door_waits_before_it_counts_itself_out_of_touch(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.sync_once()
    service = KioskService(store, device="front-door")
    try:
        quiet_since = utc_now() - timedelta(minutes=2)
        two_minutes_quiet = SyncStatus(hub="http://office.example", last_sync_at=quiet_since)
        limit = service.setting.out_of_touch_seconds
        assert limit == 60, "the default: a few missed rounds"
        assert out_of_touch(two_minutes_quiet, now=utc_now(), limit_seconds=limit)

        def five_minutes(db: Session) -> None:
            setting = db.scalars(select(Setting)).one()
            setting.kiosk_out_of_touch_seconds = 300  # a nursery with patchy Wi-Fi

        on_the_hub(nursery.url, five_minutes)
        result = client.sync_once()
        service.run(lambda: service.pulled(result.events, people_changed=result.people_changed))
        limit = service.run(lambda: service.setting.out_of_touch_seconds).result()

        assert limit == 300, "the door took the office's value at its next sync"
        assert not out_of_touch(two_minutes_quiet, now=utc_now(), limit_seconds=limit)
    finally:
        service.shutdown()
