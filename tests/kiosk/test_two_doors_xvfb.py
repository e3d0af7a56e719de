"""Two real doors and an office hub that goes down and comes back (issue 11, points 1 and 2).

Maya is signed in at the front door while the hub is down. At the side door, which never heard
of it, her mother presses *Collecting* and shows her card: she is sent to staff, not to sign
Maya in again, and staff hand Maya over with her in sight. Darren, under a court order, shows
his card there too: the calm wait, and the highest alert. When the hub is back, the office's
register reads one stay for Maya, and the front door learns she has gone."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from db.clock import utc_now
from db.credentials import hash_secret, new_card
from db.engine import make_engine, session_factory
from db.events import events_between
from db.models import Adult, Card, Restriction, Staff
from db.register import daily_register
from db.timeline import EventRecord, Timeline
from db.vocabulary import EventType, Reason
from tests.kiosk.test_end_to_end_xvfb import HANDOVER, STAFF_CONFIRM, RunningKiosk, private_display
from tests.kiosk.test_end_to_end_xvfb import pytestmark as needs_xvfb
from tests.sync.nursery import (
    PAIRING_CODE,
    SIDE_DOOR_CODE,
    Hub,
    add_side_door,
    free_port,
    seed_nursery,
)

pytestmark = needs_xvfb
# Where the buttons are on the 800x480 kiosk (measured from the rendered layout).
ARRIVING, COLLECTING = (202, 186), (598, 186)
BOTTOM_BUTTON = (400, 430)  # "Sign in (1)", "OK"
CONFIRM_WITH_PIN = (515, 393)
CRITICAL_RED = (163, 38, 43)
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))


def _stored(url: str, kind: EventType) -> list[EventRecord]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            return events_between(db, EVER[0], EVER[1], types=[kind])
    finally:
        engine.dispose()


def _day(url: str) -> Timeline:
    kinds = (EventType.CHILD_ARRIVED, EventType.COLLECTION_REQUESTED, EventType.CHILD_COLLECTED)
    return Timeline.of(e for kind in kinds for e in _stored(url, kind))


def _add_darren_and_a_staff_card(url: str) -> tuple[str, str]:
    """Darren Smith, under a court order for Maya, with a card from before it; Saskia's staff
    card (the seeded PIN is a placeholder, so staff confirm by card here)."""
    engine = make_engine(url)
    darren_card, staff_card = new_card(), new_card()
    with session_factory(engine)() as db:
        darren = Adult(first_name="Darren", last_name="Smith", date_of_birth=date(1988, 2, 2))
        db.add(darren)
        db.flush()
        restriction = db.scalars(select(Restriction)).one()
        restriction.adult_id = darren.id
        saskia = db.scalars(select(Staff)).one()
        now = utc_now()
        for card, holder in (
            (darren_card, {"holder_adult_id": darren.id}),
            (staff_card, {"holder_staff_id": saskia.id}),
        ):
            db.add(
                Card(id=card.card_id, secret_hash=hash_secret(card.secret), issued_at=now, **holder)
            )
        db.commit()
    engine.dispose()
    return darren_card.text(), staff_card.text()


def _pair(db: Path, device: str, hub: Hub, code: str) -> None:
    paired = subprocess.run(
        [HANDOVER, "pair", "--db", str(db), "--device", device, "--hub", hub.base, "--code", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert paired.returncode == 0, paired.stdout + paired.stderr


def _scan(door: RunningKiosk, payload: str, *, then_wait: float = 1.5) -> None:
    """``then_wait=0`` where the caller waits for what the scan stored, then for the screen."""
    door.xdotool("windowfocus", "--sync", door.window().split()[0])
    door.xdotool("type", "--delay", "8", payload)  # a USB 2D scanner is a keyboard
    door.xdotool("key", "Return")
    time.sleep(then_wait)  # the door thread decides, then the screen changes


def _shoot(door: RunningKiosk, path: Path, at: tuple[int, int] = (20, 20)) -> tuple[int, ...]:
    subprocess.run(["import", "-window", "root", str(path)], env=door.env, check=True)
    pixel = Image.open(path).convert("RGB").getpixel(at)
    assert isinstance(pixel, tuple)
    return pixel


def _home_drawn(door: RunningKiosk, scratch: Path) -> bool:
    """The green *Arriving* button is on the screen: the door is ready for a touch."""
    red, green, _blue = _shoot(door, scratch, (40, 110))[:3]
    return green > red + 40


def _ready(door: RunningKiosk, scratch: Path) -> None:
    door.wait(lambda: bool(door.window()), "the kiosk window", timeout=90)
    door.wait(lambda: _home_drawn(door, scratch), "the home screen")
    door.xdotool("windowfocus", "--sync", door.window().split()[0])


@pytest.fixture
def two_displays(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with (
        private_display(tmp_path / "xvfb.log") as front,
        private_display(tmp_path / "xvfb.log") as side,
    ):
        yield front, side


def test_mum_at_the_side_door_that_never_saw_the_arrival_is_sent_to_staff_and_darren_alerts(
    tmp_path: Path, two_displays: tuple[str, str]
) -> None:
    office = str(tmp_path / "office.db")
    nursery = seed_nursery(office)
    add_side_door(office)
    darren_card, staff_card = _add_darren_and_a_staff_card(office)
    hub = Hub(office, free_port(), tmp_path / "hub.log").start()
    front_db, side_db = tmp_path / "front.db", tmp_path / "side.db"
    _pair(front_db, "front-door", hub, PAIRING_CODE)
    _pair(side_db, "side-door", hub, SIDE_DOOR_CODE)
    hub_args = ("--hub", hub.base)
    front = RunningKiosk(
        str(front_db), two_displays[0], tmp_path / "front.log", "--device", "front-door", *hub_args
    )
    side = RunningKiosk(
        str(side_db), two_displays[1], tmp_path / "side.log", "--device", "side-door", *hub_args
    )
    try:
        for door in (front, side):
            _ready(door, tmp_path / "home.png")
        time.sleep(1.0)
        hub.stop()  # the office is down from here: the doors know only their own events

        front.click(ARRIVING)
        _scan(front, nursery.card_payload)
        _shoot(front, tmp_path / "front-arrival.png")
        front.click(BOTTOM_BUTTON)  # "Sign in (1)"
        front.wait(lambda: bool(_stored(str(front_db), EventType.CHILD_ARRIVED)), "the arrival")

        side.click(COLLECTING)
        _scan(side, nursery.card_payload)
        side.wait(
            lambda: bool(_stored(str(side_db), EventType.COLLECTION_REQUESTED)),
            "the collection request at the side door",
        )
        assert not _stored(str(side_db), EventType.CHILD_ARRIVED), "never signed in again"
        (notice,) = _stored(str(side_db), EventType.ALERT_RAISED)
        assert notice.payload["reason"] == Reason.ARRIVAL_NOT_KNOWN_HERE
        side.click(STAFF_CONFIRM)
        _shoot(side, tmp_path / "handover.png")
        side.click(CONFIRM_WITH_PIN)
        _scan(side, staff_card, then_wait=0)  # the staff card instead of a PIN
        side.wait(lambda: bool(_stored(str(side_db), EventType.CHILD_COLLECTED)), "the handover")
        (collected,) = _stored(str(side_db), EventType.CHILD_COLLECTED)
        assert collected.payload["arrival_known_here"] is False and collected.staff_id

        time.sleep(1.0)
        side.click(BOTTOM_BUTTON)  # "OK": home
        _scan(side, darren_card, then_wait=0)  # Maya is not on site, as this door knows
        side.wait(
            lambda: any(
                a.payload["reason"] == Reason.RESTRICTED_PERSON
                for a in _stored(str(side_db), EventType.ALERT_RAISED)
            ),
            "the critical alert",
        )
        time.sleep(1.0)
        banner = _shoot(side, tmp_path / "darren.png")
        assert all(abs(a - b) < 30 for a, b in zip(banner, CRITICAL_RED, strict=True)), banner

        hub.start()  # the office is back: both doors send what they kept
        front.wait(
            lambda: bool(_stored(str(front_db), EventType.CHILD_COLLECTED)),
            "the side door's handover reaching the front door",
            timeout=120,
        )
        side.wait(
            lambda: bool(_stored(str(side_db), EventType.CHILD_ARRIVED)),
            "the front door's arrival reaching the side door",
            timeout=120,
        )
    finally:
        front.stop()
        side.stop()
        hub.stop()

    for day in (_day(office), _day(str(front_db)), _day(str(side_db))):
        (stay,) = day.stays[nursery.child_id]
        assert stay.departed_at is not None and nursery.child_id not in day.on_site
    engine = make_engine(office)
    with session_factory(engine)() as db:
        today = utc_now().date()
        rows = [
            r
            for d in (today - timedelta(days=1), today)
            for r in daily_register(db, d)
            if r.child_id == nursery.child_id
        ]
    engine.dispose()
    assert len(rows) == 1 and rows[0].departed_at is not None, "one stay, not two"
    critical = [
        a for a in _stored(office, EventType.ALERT_RAISED) if a.payload["severity"] == "critical"
    ]
    assert [a.child_id for a in critical] == [nursery.child_id]
