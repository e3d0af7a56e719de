"""Staff PINs at the door. A PIN confirms a handover, so a child's release rests on it: a
stranger at the PIN pad must be stopped after a few guesses, and staff must hear of it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from db.timeline import EventRecord
from db.vocabulary import EventType, Reason, Severity
from kiosk.door import Door, PinChecked, StaffInfo
from tests.factories import MORNING, STAFF_PIN, Nursery

WRONG = "1111"


@pytest.fixture
def nursery() -> Nursery:
    return Nursery()


SYNCED: list[EventRecord] = []  # what the doors recorded, as the hub would pass it on


def typed(door: Door, staff: StaffInfo, pin: str, now: datetime) -> PinChecked:
    """A PIN typed at ``door``, recorded there as the kiosk records it."""
    checked = door.check_staff_pin(staff_id=staff.id, pin=pin, now=now)
    door.record(checked.events)
    SYNCED.extend(checked.events)
    return checked


@pytest.fixture(autouse=True)
def _nothing_synced_yet() -> None:
    SYNCED.clear()


def alerts(events: tuple[EventRecord, ...]) -> list[EventRecord]:
    return [e for e in events if e.type == EventType.ALERT_RAISED]


def test_a_typo_or_two_is_recorded_quietly_and_the_right_pin_still_works(
    nursery: Nursery,
) -> None:
    saskia = nursery.member_of_staff()
    door = nursery.door()
    for minute in range(2):
        checked = typed(door, saskia, WRONG, MORNING + timedelta(minutes=minute))
        assert checked.staff is None and not checked.locked
        assert [e.type for e in checked.events] == [EventType.STAFF_PIN_FAILED]
        assert checked.events[0].staff_id == saskia.id
        assert WRONG not in repr(checked.events), "a typed PIN is never recorded"
    assert typed(door, saskia, STAFF_PIN, MORNING + timedelta(minutes=3)).staff == saskia
    assert door.timeline.open_alerts() == []


def test_five_wrong_pins_for_saskia_pause_her_pin_and_alert_every_staff_screen_once(
    nursery: Nursery,
) -> None:
    saskia = nursery.member_of_staff(first_name="Saskia", last_name="Brown")
    priya = nursery.member_of_staff(first_name="Priya", last_name="Shah")
    door = nursery.door()
    answers = [typed(door, saskia, WRONG, MORNING + timedelta(minutes=m)) for m in range(5)]

    assert [a.locked for a in answers] == [False] * 4 + [True]
    assert [len(alerts(a.events)) for a in answers] == [0] * 4 + [1]
    (alert,) = door.timeline.open_alerts()
    assert alert.reason == Reason.STAFF_PIN_LOCKED and alert.severity == Severity.HIGH
    assert alert.details["presented"] == {"pin_of": "Saskia Brown"}
    assert alert.details["text"] == (
        "5 wrong PINs for Saskia Brown: PIN entry is paused for 15 minutes"
    )

    # Even the right PIN is not checked now: a guesser cannot tell a hit from a miss.
    paused = typed(door, saskia, STAFF_PIN, MORNING + timedelta(minutes=6))
    assert paused == PinChecked(staff=None, locked=True)
    # A colleague's PIN still confirms handovers at this door.
    assert typed(door, priya, STAFF_PIN, MORNING + timedelta(minutes=7)).staff == priya
    # Once the wrong PINs are older than the window, Saskia's own PIN works again.
    assert typed(door, saskia, STAFF_PIN, MORNING + timedelta(minutes=19)).staff == saskia


def test_ten_wrong_pins_at_one_door_pause_every_pin_there_but_not_at_the_other_door(
    nursery: Nursery,
) -> None:
    """Someone tapping one picture after another, four guesses each, stays under each person's
    limit: the door's own limit stops them."""
    team = [nursery.member_of_staff() for _ in range(4)]
    front = nursery.door()
    at = MORNING
    answers = []
    for person in team[:3]:
        for _ in range(4 if person is not team[2] else 2):
            at += timedelta(seconds=30)
            answers.append(typed(front, person, WRONG, at))
    assert [a.locked for a in answers] == [False] * 9 + [True]
    (alert,) = front.timeline.open_alerts()
    assert str(alert.details["text"]).startswith("10 wrong staff PINs at this door")

    megan = team[3]
    assert typed(front, megan, STAFF_PIN, at + timedelta(minutes=1)).locked
    garden = Door(front.book, policy=front.policy, events=tuple(SYNCED), device="garden-gate")
    assert typed(garden, megan, STAFF_PIN, at + timedelta(minutes=1)).staff == megan


def test_wrong_pins_at_another_door_count_towards_the_same_persons_limit(
    nursery: Nursery,
) -> None:
    saskia = nursery.member_of_staff()
    garden = Door(nursery.book(), policy=nursery.policy, device="garden-gate")
    for minute in range(3):
        typed(garden, saskia, WRONG, MORNING + timedelta(minutes=minute))
    front = nursery.door(events=tuple(SYNCED))  # synced: the garden gate's events arrive
    typed(front, saskia, WRONG, MORNING + timedelta(minutes=4))
    fifth = typed(front, saskia, WRONG, MORNING + timedelta(minutes=5))
    assert fifth.locked and len(alerts(fifth.events)) == 1


@pytest.mark.parametrize("pin", ["", "12", "x" * 500, "٢٤٦٨"])
def test_odd_input_at_the_pin_pad_is_a_wrong_pin_and_counted(nursery: Nursery, pin: str) -> None:
    saskia = nursery.member_of_staff()
    checked = typed(nursery.door(), saskia, pin, MORNING)
    assert checked.staff is None
    assert [e.type for e in checked.events] == [EventType.STAFF_PIN_FAILED]
