"""The door when its disk fails, driven by real touches on the rendered kiosk (issue 11, point 4).

The kiosk's database is moved onto a small tmpfs that is then filled to the last byte: SQLite
really answers "database or disk is full".
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from db.models import Event
from db.vocabulary import EventType
from handover.backup import _copy, backup
from kiosk.devices.sound import SilentChime
from kiosk.door.decisions import new_event
from kiosk.store.health import recover
from kiosk.store.local import KioskStore
from tests.full_disk import fill, small_filesystem
from tests.kiosk.store.test_recovery import _break_page
from tests.kiosk.ui.conftest import MORNING, Kiosk
from tests.kiosk.ui.test_flows import _pin


@contextmanager
def database_on_a_small_disk(kiosk: Kiosk) -> Iterator[Path]:
    """The running kiosk's database, copied onto a tmpfs with a little room to spare; the
    kiosk's own store is put back afterwards."""
    service = kiosk.app.service
    original = service.store
    assert original.path is not None
    megabytes = math.ceil(original.path.stat().st_size / 2**20) + 3
    with small_filesystem(megabytes) as folder:
        copy = folder / "kiosk.db"
        _copy(original.path, copy)
        small = KioskStore(str(copy), device=original.device)
        service.run(lambda: setattr(service, "store", small)).result()
        try:
            yield folder
        finally:
            service.run(lambda: setattr(service, "store", original)).result()
            small.close()


def _arrivals(path: Path) -> int:
    store = KioskStore(str(path), device="reader")
    try:
        with store.sessions() as session:
            query = select(func.count()).select_from(Event)
            return int(session.scalar(query.where(Event.type == EventType.CHILD_ARRIVED)) or 0)
    finally:
        store.close()


def test_on_a_full_disk_mias_arrival_says_the_door_cannot_save_and_staff_hear_it(
    kiosk: Kiosk,
) -> None:
    chime = SilentChime()
    kiosk.app.chime, before = chime, kiosk.app.chime
    try:
        with database_on_a_small_disk(kiosk) as folder:
            filler = fill(folder)
            kiosk.tap("Arriving")
            kiosk.tap("Mia")
            kiosk.tap("Kirsty")
            assert kiosk.screen == "cannot_save", "never the calm wait over a lost arrival"
            said = kiosk.texts()
            assert "This door cannot save." in said
            assert "Please tell a member of staff." in said
            assert "cannot save" in kiosk.app.banner.label.plain, "the banner says it too"
            assert chime.played == ["critical"]
            assert kiosk.ids["Mia Walsh"] not in kiosk.app.snapshot.timeline.on_site
            fault = kiosk.app.service.save_fault
            assert fault is not None and "full" in fault.reason
            kiosk.screenshot("kiosk-cannot-save")
            kiosk.tap("Staff: open staff mode")
            _pin(kiosk)
            foot = " ".join(kiosk.texts())
            assert "This door cannot save since 08:35 (database or disk is full)" in foot
            kiosk.screenshot("kiosk-staff-cannot-save")

            filler.unlink()  # the caretaker makes room: the next try is recorded
            kiosk.app.home()
            kiosk.pump()
            kiosk.tap("Arriving")
            kiosk.tap("Mia")
            kiosk.tap("Kirsty")
            assert kiosk.screen == "done"
            assert kiosk.ids["Mia Walsh"] in kiosk.app.snapshot.timeline.on_site
            assert kiosk.app.service.save_fault is None
            assert kiosk.app.banner.opacity == 0, "the warning goes once the door saves again"
            kiosk.app.service.store.close()  # so that the reader below sees a quiet file
            assert _arrivals(folder / "kiosk.db") == 1, "one arrival: the one confirmed"
    finally:
        kiosk.app.chime = before


def test_staff_mode_warns_that_the_disk_is_low_before_it_is_full(kiosk: Kiosk) -> None:
    with database_on_a_small_disk(kiosk):  # a few MB free: below the default 200 MB
        service = kiosk.app.service
        service.run(service.tick).result()  # the door looks at its disk every few seconds
        kiosk.tap("Staff")
        _pin(kiosk)
        foot = " ".join(kiosk.texts())
        assert "Low on space:" in foot and "MB left on this kiosk (warning below 200 MB)" in foot
        kiosk.tap("Exit")
        assert kiosk.screen == "home"
    service.run(service.tick).result()
    kiosk.tap("Staff")
    _pin(kiosk)
    assert "Low on space:" not in " ".join(kiosk.texts()), "a roomy disk says nothing"


def test_the_public_banner_never_says_how_many_incidents_there_are(kiosk: Kiosk) -> None:
    forged = kiosk.card("Kirsty Walsh")[:-4] + "AAAA"
    kiosk.scan(forged)
    one = kiosk.app.banner.label.plain
    kiosk.app.home()
    kiosk.scan(forged[:-4] + "BBBB")
    assert len(kiosk.app.snapshot.timeline.open_alerts()) == 2
    two = kiosk.app.banner.label.plain
    assert one == two, "two incidents read the same as one in the hallway"
    assert not any(ch.isdigit() for ch in two)


def test_after_a_damaged_start_staff_see_what_was_restored_and_what_may_be_missing(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    """A real recovery of a copy of this door's file; staff mode shows what it did."""
    service = kiosk.app.service
    assert service.store.path is not None
    copy, backups = tmp_path / "kiosk.db", tmp_path / "backups"
    _copy(service.store.path, copy)
    backup(copy, backups, keep=3)
    damaged = KioskStore(str(copy), device="front-door")
    mia = kiosk.ids["Mia Walsh"]
    arrival = new_event(EventType.CHILD_ARRIVED, now=MORNING, device="front-door", child_id=mia)
    damaged.append([arrival])  # after the backup, never sent
    damaged.close()
    _break_page(copy, "ix_events_occurred_at")
    service.recovery = recover(copy, now=MORNING, backups=backups)
    try:
        kiosk.tap("Staff")
        _pin(kiosk)
        kiosk.tap("Alerts (0)")
        said = kiosk.texts()
        assert any("it was restored from the backup kiosk-" in line for line in said)
        assert "Events read back from the damaged file and kept, to be sent: 1." in said
        assert "25 Nov 08:35 · child arrived · Mia Walsh" in said
        assert any(line.startswith("This door had not synced with the office") for line in said)
        kiosk.screenshot("kiosk-staff-after-recovery")
    finally:
        service.recovery = None
