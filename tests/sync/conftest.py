"""A seeded hub process per test (SQLite and PostgreSQL), and a kiosk paired with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from db.clock import utc_now
from kiosk.store.door_key import key_path
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from tests.sync.events import Door, pair_door
from tests.sync.nursery import PAIRING_CODE, Hub, Nursery, free_port, seed_nursery


@pytest.fixture
def nursery(database_url: str) -> Nursery:
    return seed_nursery(database_url)


@pytest.fixture
def hub(nursery: Nursery, tmp_path: Path) -> Iterator[Hub]:
    running = Hub(nursery.url, free_port(), tmp_path / "hub.log").start()
    yield running
    running.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def kiosk_db(tmp_path: Path) -> Path:
    return tmp_path / "kiosk.db"


@pytest.fixture
def front_door(hub: Hub, http: httpx.Client, kiosk_db: Path) -> Door:
    """The front door, paired: its key beside ``kiosk_db``, as a real kiosk keeps it."""
    return pair_door(http, hub.base, code=PAIRING_CODE, device="front-door",
                     key_file=key_path(kiosk_db))  # fmt: skip


@pytest.fixture
def token(front_door: Door) -> str:
    return front_door.token


@pytest.fixture
def store(kiosk_db: Path) -> Iterator[KioskStore]:
    kiosk = KioskStore(str(kiosk_db), device="front-door")
    yield kiosk
    kiosk.close()


@pytest.fixture
def client(store: KioskStore, hub: Hub, token: str, http: httpx.Client) -> SyncClient:
    return SyncClient(store, hub.base, token, clock=utc_now, http=http)
