"""A small nursery on the hub, with exactly the things a kiosk must and must not receive, and
the hub itself as a real process (``handover hub``) to sync with."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.office.pairing import pairing_code_hash
from db.clock import utc_now
from db.credentials import hash_secret, new_card
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import (
    Adult,
    AgreedPassword,
    Authorisation,
    Card,
    Child,
    Event,
    Kiosk,
    OneOffPermission,
    Restriction,
    Room,
    Setting,
    Staff,
)
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from kiosk.sync.pairing import hub_client
from tests.hub_fork import HubProcess, start_handover
from tests.sync.events import Door, pair_door

SECRET = "a-test-secret-that-is-long-enough-for-the-hub-0123456789"
PAIRING_CODE = "ACRN-DOOR-2026"
SIDE_DOOR_CODE = "SIDE-DOOR-2026"  # made by add_side_door, for tests with a second door
EXPIRED_CODE = "OLDC-ODEX-PIRE"
# What must never leave the office (R11): a kiosk database holding any of these is a breach.
NEEDS = "Severe peanut allergy: adrenaline pen in the red bag"
ADDRESS = "12 Acorn Lane, Leeds LS6 2AB"
PHONES = ("07700 900111", "07700 900201", "07700 900999", "07700 900555")
REASON = "Court order 2026: no contact with Maya"


@dataclass(frozen=True)
class Nursery:
    url: str
    child_id: int
    adult_id: int
    card_id: str
    card_payload: str


def seed_nursery(url: str) -> Nursery:
    engine = make_engine(url)
    upgrade_to_head(engine)
    now = utc_now()
    with session_factory(engine)() as db:
        nursery = _add_people(db, url, now)
        db.add(
            Kiosk(
                name="Front door",
                pairing_code_hash=pairing_code_hash(PAIRING_CODE),
                pairing_expires_at=now + timedelta(days=1),
            )
        )
        db.add(
            Kiosk(
                name="Garden gate",
                pairing_code_hash=pairing_code_hash(EXPIRED_CODE),
                pairing_expires_at=now - timedelta(hours=1),
            )
        )
        db.commit()
    engine.dispose()
    return nursery


def add_side_door(url: str) -> None:
    """A second door, made in the office with a pairing code (``SIDE_DOOR_CODE``) as the
    manager would make it, not yet paired."""
    engine = make_engine(url)
    with session_factory(engine)() as db:
        db.add(
            Kiosk(
                name="Side door",
                pairing_code_hash=pairing_code_hash(SIDE_DOOR_CODE),
                pairing_expires_at=utc_now() + timedelta(hours=1),
            )
        )
        db.commit()
    engine.dispose()


def pair_doors(
    url: str, hub: str, *, count: int, folder: Path | None = None
) -> list[tuple[str, Door]]:
    """``count`` doors made in the office and paired with the hub as a kiosk pairs (a key, the
    office's certificate pinned): ``(device, door)`` each, with each door's key and pin beside
    its database in ``folder`` (``<device>.db``) when given."""
    engine = make_engine(url)
    codes = [f"DOOR-{i:04d}-PAIR" for i in range(count)]
    with session_factory(engine)() as db:
        expires = utc_now() + timedelta(hours=1)
        db.add_all(
            Kiosk(
                name=f"Door {i}",
                pairing_code_hash=pairing_code_hash(code),
                pairing_expires_at=expires,
            )
            for i, code in enumerate(codes)
        )
        db.commit()
    engine.dispose()
    paired = []
    for i, code in enumerate(codes):
        device = f"door-{i}"
        db_file = folder / f"{device}.db" if folder is not None else None
        paired.append((device, pair_door(hub, code=code, device=device, db_file=db_file)))
    return paired


@contextmanager
def new_doors(url: str, hub: str, folder: Path, *, count: int) -> Iterator[list[SyncClient]]:
    """``count`` new doors, paired, each with its own kiosk database in ``folder``."""
    clients = []
    doors = pair_doors(url, hub, count=count, folder=folder)
    http = hub_client(doors[0][1].certificate, timeout=httpx.Timeout(30))
    for device, door in doors:
        token = door.token
        store = KioskStore(str(folder / f"{device}.db"), device=device)
        clients.append(SyncClient(store, hub, token, clock=utc_now, http=http))
    try:
        yield clients
    finally:
        for client in clients:
            client.store.close()
        http.close()


def held(client: SyncClient) -> set[str]:
    """The UUIDs of every event a door holds."""
    with client.store.sessions() as session:
        return set(session.scalars(select(Event.uuid)))


def _add_people(db: Session, url: str, now: datetime) -> Nursery:
    db.add(Setting(name="Little Acorns", time_zone="Europe/London"))
    room = Room(name="Acorns")
    saskia = Staff(
        username="saskia",
        first_name="Saskia",
        last_name="Berg",
        phone=PHONES[1],
        pin_hash="$2b$12$" + "p" * 53,
    )
    family = AgreedPassword(
        label="the Okafor family", password_hash="$2b$12$" + "x" * 53, set_at=now
    )
    ngozi = Adult(
        first_name="Ngozi",
        last_name="Okafor",
        date_of_birth=date(1990, 5, 1),
        phone=PHONES[0],
        email="ngozi@example.org",
        photo=b"\x89PNG ngozi",
    )
    db.add_all([room, saskia, family, ngozi])
    db.flush()
    maya = Child(
        first_name="Maya",
        last_name="Okafor",
        date_of_birth=date(2023, 3, 14),
        room_id=room.id,
        key_person_id=saskia.id,
        agreed_password_id=family.id,
        particular_needs=NEEDS,
        home_address=ADDRESS,
        emergency_contacts=[{"name": "Gran", "phone": PHONES[2]}],
        legal_guardians=[{"name": "Ngozi Okafor", "phone": PHONES[0]}],
        photo=b"\x89PNG maya",
    )
    db.add(maya)
    db.flush()
    card = new_card()
    db.add_all(
        [
            Authorisation(child_id=maya.id, adult_id=ngozi.id, relationship="mother"),
            Card(
                id=card.card_id,
                holder_adult_id=ngozi.id,
                secret_hash=hash_secret(card.secret),
                issued_at=now,
            ),
            Restriction(
                child_id=maya.id, person_name="Darren Smith", reason=REASON, recorded_at=now
            ),
            OneOffPermission(
                child_id=maya.id,
                adult_id=ngozi.id,
                valid_from=now.date(),
                valid_to=now.date(),
                taken_by_staff_id=saskia.id,
                taken_at=now,
                note=f"Grandad, phone {PHONES[3]}",
            ),
        ]
    )
    db.flush()
    return Nursery(url, maya.id, ngozi.id, card.card_id, card.text())


def saskia_id(url: str) -> int:
    """The id of Saskia, the nursery's member of staff (Maya's key person)."""
    engine = make_engine(url)
    with session_factory(engine)() as db:
        found = db.scalar(select(Staff.id).where(Staff.username == "saskia"))
    engine.dispose()
    assert found is not None
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Hub:
    """``handover hub`` in its own process, as the office runs it: over HTTPS with the
    certificate authority it makes on its first start (kept in ``<folder of log>/tls``), unless
    ``insecure`` (``--insecure-http``)."""

    def __init__(self, url: str, port: int, log: Path, *, insecure: bool = False) -> None:
        self.db_url, self.port, self.log, self.insecure = url, port, log, insecure
        self.base = f"{'http' if insecure else 'https'}://127.0.0.1:{port}"
        self.data_dir = log.parent
        self.process: HubProcess | None = None
        self.launch: tuple[str, ...] = ("-m", "handover")  # another: the real command, not forked

    @property
    def ca(self) -> str | None:
        """The office's CA certificate (PEM): what a kiosk pins, what a browser is told to trust."""
        if self.insecure:
            return None
        return (self.data_dir / "tls" / "office-ca.pem").read_text(encoding="ascii")

    @property
    def ca_file(self) -> Path:
        return self.data_dir / "tls" / "office-ca.pem"

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """For httpx's ``verify=``: the hub's own CA, with the host name checked (127.0.0.1 is
        in its certificate)."""
        return True if self.ca is None else ssl.create_default_context(cadata=self.ca)

    def client(self, timeout: float = 10) -> httpx.Client:
        return httpx.Client(timeout=timeout, verify=self.verify)

    def start(self, *extra: str) -> Hub:
        env = {**os.environ, "HANDOVER_SECRET_KEY": SECRET, "HANDOVER_DATA_DIR": str(self.data_dir)}
        args = ["hub", "--db", self.db_url, *extra]
        if self.insecure:
            args.append("--insecure-http")
        args += ["--port", str(self.port)]
        if self.launch == ("-m", "handover"):
            self.process = start_handover(args, env=env, console=self.log)
        else:
            with self.log.open("ab") as log:
                command = [sys.executable, *self.launch, *args]
                self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                # Unchecked while it starts: the certificate is checked by every test after.
                answer = httpx.get(f"{self.base}/api/v1/openapi.json", timeout=1, verify=False)  # noqa: S501
                if answer.status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"the hub did not answer in 30 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
