"""What a sync round costs the door's disk (issue 12, point 3): everything a round receives is
written in one transaction with the cursors that cover it, nothing is written when nothing came,
a write that fails part way keeps none of it (the next round pulls it all again), and the door's
own events are still written with ``synchronous=FULL``. The door keeps one connection to the
office between rounds instead of a new TLS handshake for each."""

from __future__ import annotations

import struct
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.clock import utc_now
from db.models import Child, Event, Outbox
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from kiosk.sync.pairing import hub_client
from tests.sync.events import Door, arrival, hub_event_uuids, pair_door
from tests.sync.nursery import SIDE_DOOR_CODE, Hub, Nursery, add_side_door
from tests.sync.office import on_the_hub

FULL = 2  # PRAGMA synchronous


def _write_transactions(kiosk_db: Path) -> int:
    """Transactions that wrote since the last checkpoint: the commit frames in the WAL file
    (one per transaction that changed a page; each is an fsync under synchronous=FULL)."""
    wal = kiosk_db.with_name(kiosk_db.name + "-wal").read_bytes()
    if len(wal) < 32:
        return 0
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    commits, offset = 0, 32
    while offset + 24 + page_size <= len(wal):
        header = wal[offset : offset + 24]
        if header[8:16] != salts:  # a frame left from before the last checkpoint
            break
        commits += struct.unpack(">I", header[4:8])[0] != 0
        offset += 24 + page_size
    return commits


def _checkpoint(store: KioskStore) -> None:
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _side_door_arrives(hub: Hub, nursery: Nursery, http: httpx.Client) -> str:
    """Another door's arrival, pushed to the hub: something for the front door to pull."""
    add_side_door(nursery.url)
    gate_door: Door = pair_door(hub.base, code=SIDE_DOOR_CODE, device="garden-gate")
    gate = replace(arrival(nursery.child_id, nursery.adult_id), device="garden-gate")
    answer = http.post(
        f"{hub.base}/api/v1/events", json=gate_door.batch(gate), headers=gate_door.auth
    )
    assert answer.status_code == 200
    return gate.uuid


def _renamed(nursery: Nursery) -> None:
    def rename(db: Session) -> None:
        child = db.get(Child, nursery.child_id)
        assert child is not None
        child.first_name = "Maia"

    on_the_hub(nursery.url, rename)


def test_a_round_with_everything_to_do_writes_the_doors_own_seals_and_then_once(
    client: SyncClient, store: KioskStore, kiosk_db: Path, hub: Hub, nursery: Nursery,
    http: httpx.Client,
) -> None:  # fmt: skip
    client.sync_once()
    pulled = _side_door_arrives(hub, nursery, http)
    _renamed(nursery)
    own = arrival(nursery.child_id, nursery.adult_id)
    store.append([own])
    _checkpoint(store)

    result = client.sync_once()

    assert result.pushed == 1 and result.people_changed
    assert [e.uuid for e in result.events] == [pulled]
    # One transaction signs the door's own event before it leaves (FULL: the hub will hold that
    # signature); one holds the rest: marked sent, the new name, the side door's arrival, both
    # cursors, the round's note. Before, each of those was a transaction and an fsync of its own.
    assert _write_transactions(kiosk_db) == 2
    with store.sessions() as session:
        assert session.scalar(select(Outbox.sent_at).where(Outbox.event_uuid == own.uuid))
        assert session.get(Child, nursery.child_id).first_name == "Maia"  # type: ignore[union-attr]


def test_a_round_that_brings_nothing_writes_only_when_it_synced(
    client: SyncClient, store: KioskStore, kiosk_db: Path
) -> None:
    client.sync_once()
    cursors = store.sync_cursors()
    _checkpoint(store)

    client.sync_once()

    assert store.sync_cursors() == cursors
    assert _write_transactions(kiosk_db) == 1  # "last sync 08:41", for staff mode


def test_a_round_whose_write_fails_keeps_none_of_it_and_the_next_pulls_it_all_again(
    client: SyncClient, store: KioskStore, hub: Hub, nursery: Nursery, http: httpx.Client
) -> None:
    client.sync_once()
    pulled = _side_door_arrives(hub, nursery, http)
    _renamed(nursery)
    own = arrival(nursery.child_id, nursery.adult_id)
    store.append([own])
    cursors = store.sync_cursors()
    with store.engine.begin() as connection:  # the disk gives up as the pulled events go in
        connection.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.device != 'front-door' "
                "BEGIN SELECT RAISE(ABORT, 'disk gave up'); END"
            )
        )

    with pytest.raises(IntegrityError):
        client.sync_once()

    # Nothing of the round, so the cursors still cover exactly what the door holds.
    assert store.sync_cursors() == cursors
    with store.sessions() as session:
        assert session.get(Child, nursery.child_id).first_name != "Maia"  # type: ignore[union-attr]
        assert session.scalar(select(Event).where(Event.uuid == pulled)) is None
        assert session.scalar(select(Outbox.sent_at).where(Outbox.event_uuid == own.uuid)) is None

    with store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse"))
    again = client.sync_once()
    assert again.pushed == 1  # sent again: the hub keeps it once
    assert [e.uuid for e in again.events] == [pulled]
    assert store.book().children[nursery.child_id].first_name == "Maia"
    assert hub_event_uuids(nursery.url, device="front-door").count(own.uuid) == 1


def test_after_a_round_the_doors_own_events_are_still_written_with_synchronous_full(
    client: SyncClient, store: KioskStore, hub: Hub, nursery: Nursery, http: httpx.Client
) -> None:
    _side_door_arrives(hub, nursery, http)
    client.sync_once()  # the round's transaction ran with synchronous=NORMAL
    pooled = store.engine.pool.checkedin()  # type: ignore[attr-defined]
    assert pooled >= 1
    connections = [store.engine.connect() for _ in range(pooled)]
    try:
        for connection in connections:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == FULL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        for connection in connections:
            connection.close()


def test_a_door_keeps_one_connection_to_the_office_between_rounds(
    store: KioskStore, hub: Hub, token: str, front_door: Door
) -> None:
    ports: list[int] = []

    def note_port(response: httpx.Response) -> None:
        stream = response.extensions["network_stream"]
        ports.append(stream.get_extra_info("client_addr")[1])

    with hub_client(front_door.certificate) as http:
        http.event_hooks["response"] = [note_port]
        client = SyncClient(store, hub.base, token, clock=utc_now, http=http)
        client.sync_once()
        time.sleep(6)  # a round every 5 s after the last ended, as the sync loop waits
        client.sync_once()
    assert len(ports) == 3  # the starting point and a round; a round
    assert len(set(ports)) == 1, "a new connection (and TLS handshake) for a round"
