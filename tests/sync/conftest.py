"""A seeded hub process per test (SQLite and PostgreSQL), and a kiosk paired with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from db.clock import utc_now
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
def http(hub: Hub) -> Iterator[httpx.Client]:
    """A client that trusts the hub's own CA (and checks its host name), as a browser told to
    trust it would; a paired kiosk trusts the same CA, pinned at pairing."""
    with hub.client() as client:
        yield client


@pytest.fixture
def kiosk_db(tmp_path: Path) -> Path:
    return tmp_path / "kiosk.db"


@pytest.fixture
def front_door(hub: Hub, kiosk_db: Path) -> Door:
    """The front door paired as a kiosk pairs: its key and the office's certificate (pinned)
    beside ``kiosk_db``, as a real kiosk keeps them."""
    door = pair_door(hub.base, code=PAIRING_CODE, device="front-door", db_file=kiosk_db)
    assert door.certificate == hub.ca  # the office's CA, pinned
    return door


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
