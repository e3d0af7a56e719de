"""What the kiosk's screens say about the office hub: staff mode always, home only when staff
must act. Real sync rounds against a port where nothing answers and a real hub process that
revoked this kiosk; the screens read what those rounds left."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Kiosk as KioskRow
from db.models import SyncState
from kiosk.store.local import SyncStatus
from kiosk.sync import SyncClient, SyncLoop, hub_client
from kiosk.sync.start import on_door_thread
from tests.kiosk.ui.conftest import Kiosk
from tests.kiosk.ui.test_flows import _arrive, _pin
from tests.sync.events import pair_door
from tests.sync.middle import ManInTheMiddle
from tests.sync.nursery import PAIRING_CODE, Hub, free_port, seed_nursery


def one_round(kiosk: Kiosk, hub_url: str, token: str, certificate: str | None = None) -> None:
    service = kiosk.app.service
    with hub_client(certificate, timeout=httpx.Timeout(5)) as http:
        client = SyncClient(
            service.store,
            hub_url,
            token,
            clock=kiosk.clock,
            http=http,
            write=on_door_thread(service),
        )
        loop = SyncLoop(
            client,
            on_pulled=lambda _result: None,
            on_round=lambda: service.run(lambda: service.synced_with(hub_url)),
        )
        loop.round()
    kiosk.settle()


def office_line(kiosk: Kiosk) -> str:
    return next(t for t in kiosk.texts() if "office" in t.lower())


@pytest.fixture
def forget_sync(kiosk: Kiosk) -> Iterator[Kiosk]:
    yield kiosk
    service = kiosk.app.service

    def forget() -> None:
        with service.store.sessions.begin() as session:
            session.execute(delete(SyncState))
        service.sync_status = SyncStatus()

    service.run(forget).result(timeout=10)


def test_staff_mode_says_the_hub_is_not_answering_and_what_waits(forget_sync: Kiosk) -> None:
    kiosk = forget_sync
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    assert "works alone" in office_line(kiosk)  # never paired: nothing is wrong

    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    one_round(kiosk, f"http://127.0.0.1:{free_port()}", "1.not-a-real-token")
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    line = office_line(kiosk)
    assert "The office hub has not answered yet." in line
    assert "Events waiting to send: 1, kept safely here." in line
    kiosk.screenshot("kiosk-staff-office-away")


def _revoke(row: KioskRow) -> None:
    row.revoked_at = utc_now() - timedelta(minutes=1)


def _unsign(row: KioskRow) -> None:  # as migration 0006 leaves a kiosk paired before it
    row.public_key = row.device = None


@pytest.mark.parametrize(
    ("change", "home", "staff", "picture"),
    [
        (_revoke, "The office has revoked this kiosk", "revoked", "kiosk-home-revoked"),
        (_unsign, "Pair this kiosk again", "Pair this kiosk again", "kiosk-home-pair-again"),
    ],
)
def test_a_revoked_or_unsigned_kiosk_says_so_on_the_home_screen_and_in_staff_mode(
    forget_sync: Kiosk,
    tmp_path: Path,
    change: Callable[[KioskRow], None],
    home: str,
    staff: str,
    picture: str,
) -> None:
    kiosk = forget_sync
    url = str(tmp_path / "hub.db")
    seed_nursery(url)
    hub = Hub(url, free_port(), tmp_path / "hub.log").start()
    try:
        pairing = pair_door(hub.base, code=PAIRING_CODE, device="front-door")
        engine = make_engine(url)
        with session_factory(engine)() as db:
            row = db.scalar(select(KioskRow).where(KioskRow.name == "Front door"))
            assert row is not None
            change(row)
            db.commit()
        engine.dispose()
        one_round(kiosk, hub.base, pairing.token, pairing.certificate)
    finally:
        hub.stop()
    status = kiosk.app.service.sync_status
    assert status.revoked or status.must_pair_again
    kiosk.app.home()
    kiosk.pump()
    assert home in " ".join(kiosk.texts())
    kiosk.screenshot(picture)
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    assert staff in office_line(kiosk)


def test_a_door_shown_another_certificate_says_so_and_sends_nothing(
    forget_sync: Kiosk, tmp_path: Path
) -> None:
    """Paired with the office, then something on the network answers in its place with a
    certificate of its own (tests/sync/middle.py): the door keeps its events and says why."""
    kiosk = forget_sync
    url = str(tmp_path / "hub.db")
    seed_nursery(url)
    hub = Hub(url, free_port(), tmp_path / "hub.log").start()
    middle = ManInTheMiddle(hub.port, tmp_path)
    try:
        pairing = pair_door(hub.base, code=PAIRING_CODE, device="front-door")
        _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
        one_round(kiosk, middle.url, pairing.token, pairing.certificate)
    finally:
        middle.close()
        hub.stop()
    assert middle.read == []  # not a byte of the token or the arrival
    assert kiosk.app.service.sync_status.untrusted
    kiosk.app.home()
    kiosk.pump()
    assert "no longer trusts the office's certificate" in " ".join(kiosk.texts())
    kiosk.screenshot("kiosk-home-certificate-not-trusted")
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    line = office_line(kiosk)
    assert "This door no longer trusts the office's certificate" in line
    assert "Events waiting to send: 1, kept safely here." in line
    kiosk.screenshot("kiosk-staff-certificate-not-trusted")
