"""A paired door whose database is damaged, with no backup, rebuilt from a real hub process
(issue 11, point 5): people and the day's events come back, this door's own included, and the
unsent events read from the damaged file go back into the outbox."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import select

from db.clock import utc_now
from db.models import Event, Outbox
from kiosk.service import KioskService
from kiosk.store.health import damage, recover
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from kiosk.sync.pairing import load_certificate
from kiosk.sync.start import rebuild_from_hub
from tests.kiosk.store.test_recovery import _break_page
from tests.sync.nursery import Hub, Nursery
from tests.sync.test_starting_point import _record_history


def test_a_damaged_door_with_no_backup_is_rebuilt_from_the_hub_with_its_own_arrivals(
    store: KioskStore, client: SyncClient, kiosk_db: Path, hub: Hub, token: str, nursery: Nursery
) -> None:
    client.sync_once()
    door = KioskService(store, device="front-door")
    arrived = door.run(
        lambda: door.arrive([nursery.child_id], brought_by_adult_id=nursery.adult_id)
    ).result()
    client.sync_once()  # the arrival reaches the office
    staff_id = next(iter(door.door.book.staff))
    arrival_uuid = arrived.events[0].uuid
    door.run(lambda: door.acknowledge_arrival(arrival_uuid, staff_id)).result()  # not sent
    door.shutdown()
    _break_page(kiosk_db, "ix_events_occurred_at")

    pinned = load_certificate(str(kiosk_db))  # as the kiosk reads it before the rebuild
    rebuild = partial(
        rebuild_from_hub, device="front-door", hub_url=hub.base, token=token, certificate=pinned
    )
    recovery = recover(kiosk_db, now=utc_now(), from_hub=rebuild)

    assert recovery is not None and recovery.from_hub and recovery.backup is None
    assert recovery.last_sync_at is not None and recovery.last_sync_at > utc_now() - timedelta(
        minutes=5
    )
    assert damage(kiosk_db) is None
    rebuilt = KioskStore(str(kiosk_db), device="front-door")
    try:
        again = KioskService(rebuilt, device="front-door")
        assert nursery.child_id in again.door.timeline.on_site, "its own arrival, from the hub"
        assert again.door.timeline.on_site[nursery.child_id].acknowledged_at is not None
        with rebuilt.sessions() as session:
            unsent = set(session.scalars(select(Outbox.event_uuid).where(Outbox.sent_at.is_(None))))
            assert unsent == {e.uuid for e in recovery.read_back}
            assert len(unsent) == 1, "the acknowledgement made after the last sync"
        again.shutdown()
    finally:
        rebuilt.close()


def test_a_door_rebuilt_from_the_hub_takes_what_it_needs_not_the_years_behind_it(
    store: KioskStore, client: SyncClient, kiosk_db: Path, hub: Hub, token: str, nursery: Nursery
) -> None:
    past = _record_history(nursery, utc_now())  # an old day, an old alert still open, a morning
    client.sync_once()
    store.close()
    _break_page(kiosk_db, "ix_events_occurred_at")

    pinned = load_certificate(str(kiosk_db))
    rebuild = partial(
        rebuild_from_hub, device="front-door", hub_url=hub.base, token=token, certificate=pinned
    )
    recovery = recover(kiosk_db, now=utc_now(), from_hub=rebuild)

    assert recovery is not None and recovery.from_hub
    rebuilt = KioskStore(str(kiosk_db), device="front-door")
    try:
        with rebuilt.sessions() as session:
            held = set(session.scalars(select(Event.uuid)))
        assert not held & past.old_day, "the day ten days ago stayed in the office"
        assert past.open_alert in held, "an alert still open comes back, however old"
        again = KioskService(rebuilt, device="front-door")
        try:
            assert nursery.child_id in again.door.timeline.on_site, "this morning's arrival"
        finally:
            again.shutdown()
    finally:
        rebuilt.close()
