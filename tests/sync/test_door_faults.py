"""A door whose disk is really full, with a real hub process (issue 11, point 4): it records
nothing it cannot store, tells the office over HTTP alone, and the office sees the alert and
the free space on every staff screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from admin.views.live import notices_after
from db.engine import make_engine, session_factory
from db.models import Event, Kiosk
from db.vocabulary import EventType
from kiosk.service import KioskService
from kiosk.store.disk import CannotSave
from kiosk.sync import SyncLoop
from tests.full_disk import fill, small_filesystem
from tests.sync.nursery import Nursery
from tests.sync.test_door_sync import door, eventually, running

__all__ = ["door", "running"]  # the running door and its sync thread, as in test_door_sync


@pytest.fixture
def small_disk() -> Iterator[Path]:
    with small_filesystem(8) as folder:
        yield folder


@pytest.fixture
def kiosk_db(small_disk: Path) -> Path:
    return small_disk / "kiosk.db"


def _hub(url: str) -> tuple[int, list[str], int | None]:
    """(cannot-save alerts, what the panel's live feed says, the kiosk's reported free space)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            alerts = db.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.type == EventType.ALERT_RAISED)
                .where(Event.payload["reason"].as_string() == "kiosk_cannot_save")
            )
            notices, _ = notices_after(db, 0)
            free = db.scalar(select(Kiosk.free_space_bytes).where(Kiosk.paired_at.is_not(None)))
            return int(alerts or 0), [n.text for n in notices if n.kind == "alert"], free
    finally:
        engine.dispose()


def _nearly_full(url: str) -> bool:
    free = _hub(url)[2]
    return free is not None and free < 2**20


def test_a_door_with_a_full_disk_tells_the_office_which_alerts_every_staff_screen(
    door: KioskService, running: SyncLoop, small_disk: Path, nursery: Nursery
) -> None:
    fill(small_disk)
    arrival = door.run(
        lambda: door.arrive([nursery.child_id], brought_by_adult_id=nursery.adult_id)
    )
    with pytest.raises(CannotSave, match="full"):
        arrival.result(timeout=10)
    assert nursery.child_id not in door.door.timeline.on_site, "nothing unstored is believed"

    eventually(lambda: _hub(nursery.url)[0] == 1, timeout=5)  # at once, not at the next tick
    _, said, _ = _hub(nursery.url)
    assert any("A kiosk cannot save" in text for text in said), said

    fault = door.save_fault
    assert fault is not None
    running.client.report_fault(fault)  # a resend (a lost reply): still one alert
    assert _hub(nursery.url)[0] == 1

    eventually(lambda: _nearly_full(nursery.url), timeout=10)
    with door.store.sessions() as session:
        arrived = select(func.count()).select_from(Event)
        assert session.scalar(arrived.where(Event.type == EventType.CHILD_ARRIVED)) == 0


def test_every_sync_tells_the_office_how_much_room_the_door_has_left(
    door: KioskService, running: SyncLoop, small_disk: Path, nursery: Nursery
) -> None:
    running.nudge()
    eventually(lambda: _hub(nursery.url)[2] is not None)
    roomy = _hub(nursery.url)[2]
    assert roomy is not None and 2**20 < roomy <= 8 * 2**20
    filler = fill(small_disk)
    running.nudge()
    eventually(lambda: _nearly_full(nursery.url))
    filler.unlink()
