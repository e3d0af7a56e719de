"""The second handover of a shift does not wait for bcrypt: a PIN proved once today is
recognised from memory. Wrong PINs still pay the full check and are counted as before, and the
memory goes at the end of the day, at sign-out, on a PIN change and on any PIN pause."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from db import credentials
from db.credentials import hash_password
from db.vocabulary import EventType
from kiosk.door import Door, PinChecked, StaffInfo
from kiosk.door.shift_pins import ShiftPins
from tests.factories import MORNING, STAFF_PIN, Nursery

WRONG = "1111"
AFTERNOON = MORNING + timedelta(hours=6)


@pytest.fixture
def bcrypt_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The real bcrypt check, with a note of each time the door asks it."""
    asked: list[str] = []
    real = credentials.check_password

    def counted(pin: str, hashed: str) -> bool:
        asked.append(pin)
        return real(pin, hashed)

    monkeypatch.setattr("kiosk.door.handover.check_password", counted)
    return asked


def typed(door: Door, staff: StaffInfo, pin: str, now: datetime) -> PinChecked:
    checked = door.check_staff_pin(staff_id=staff.id, pin=pin, now=now)
    door.record(checked.events)
    return checked


def saskias_shift(nursery: Nursery) -> tuple[Door, StaffInfo]:
    """Saskia's first handover of the day: her PIN checked in full at the front door."""
    saskia = nursery.member_of_staff()
    door = nursery.door()
    assert typed(door, saskia, STAFF_PIN, MORNING).staff == saskia
    return door, saskia


def failures(door: Door, staff: StaffInfo) -> int:
    return door.timeline.recent_pin_failures(staff.id, MORNING - timedelta(days=1))


def test_saskias_second_handover_of_the_afternoon_skips_bcrypt(bcrypt_checks: list[str]) -> None:
    door, saskia = saskias_shift(Nursery())
    for minute in range(5):
        assert typed(door, saskia, STAFF_PIN, AFTERNOON + timedelta(minutes=minute)).staff == saskia
    assert bcrypt_checks == [STAFF_PIN], "one full check, then the shift's memory"


def test_a_wrong_pin_after_a_right_one_still_pays_bcrypt_and_is_counted(
    bcrypt_checks: list[str],
) -> None:
    nursery = Nursery()
    door, saskia = saskias_shift(nursery)
    for minute in range(4):
        checked = typed(door, saskia, WRONG, AFTERNOON + timedelta(minutes=minute))
        assert checked.staff is None
        assert [e.type for e in checked.events] == [EventType.STAFF_PIN_FAILED]
    assert bcrypt_checks == [STAFF_PIN] + [WRONG] * 4
    assert failures(door, saskia) == 4
    fifth = typed(door, saskia, WRONG, AFTERNOON + timedelta(minutes=5))
    assert fifth.locked, "the fifth wrong PIN pauses her PIN exactly as without the memory"


def test_a_pin_remembered_for_one_member_does_not_confirm_as_another(
    bcrypt_checks: list[str],
) -> None:
    nursery = Nursery()
    saskia = nursery.member_of_staff()
    priya = nursery.member_of_staff(pin_hash=hash_password("9233"))
    door = nursery.door()
    typed(door, saskia, STAFF_PIN, MORNING)
    checked = typed(door, priya, STAFF_PIN, AFTERNOON)
    assert checked.staff is None and failures(door, priya) == 1
    assert bcrypt_checks == [STAFF_PIN, STAFF_PIN]


def test_the_next_morning_every_pin_is_checked_in_full_again(bcrypt_checks: list[str]) -> None:
    nursery = Nursery()
    door, saskia = saskias_shift(nursery)
    assert typed(door, saskia, STAFF_PIN, MORNING + timedelta(days=1)).staff == saskia
    assert bcrypt_checks == [STAFF_PIN, STAFF_PIN]


def test_signing_out_ends_the_shift_and_its_memory(bcrypt_checks: list[str]) -> None:
    nursery = Nursery()
    door, saskia = saskias_shift(nursery)
    # Signed out at the garden gate; the event reaches this door by sync.
    garden = Door(door.book, policy=door.policy, device="garden-gate")
    door.record([garden.event(EventType.STAFF_SIGNED_OUT, now=MORNING, staff_id=saskia.id)])
    assert typed(door, saskia, STAFF_PIN, AFTERNOON).staff == saskia
    assert bcrypt_checks == [STAFF_PIN, STAFF_PIN]


def test_a_pin_changed_at_the_office_retires_the_old_one_at_once(
    bcrypt_checks: list[str],
) -> None:
    nursery = Nursery()
    door, saskia = saskias_shift(nursery)
    new_hash = hash_password("8080")
    nursery.staff = [replace(saskia, pin_hash=new_hash)]
    door.replace_book(nursery.book())  # the office's change, synced
    assert len(door.shift_pins) == 0
    old = typed(door, saskia, STAFF_PIN, AFTERNOON)
    assert old.staff is None and failures(door, saskia) == 1
    assert typed(door, saskia, "8080", AFTERNOON).staff is not None
    assert bcrypt_checks == [STAFF_PIN, STAFF_PIN, "8080"]


def test_a_pin_pause_anywhere_makes_every_remembered_pin_pay_bcrypt_again(
    bcrypt_checks: list[str],
) -> None:
    """Someone guessing Priya's PIN at the garden gate: the front door, where Saskia's PIN is
    remembered, forgets it when the pause alert syncs in."""
    nursery = Nursery()
    saskia = nursery.member_of_staff()
    priya = nursery.member_of_staff()
    front = nursery.door()
    typed(front, saskia, STAFF_PIN, MORNING)
    garden = Door(front.book, policy=front.policy, device="garden-gate")
    guesses = [typed(garden, priya, WRONG, MORNING + timedelta(minutes=m)) for m in range(5)]
    assert guesses[-1].locked
    front.record(e for g in guesses for e in g.events)
    assert len(front.shift_pins) == 0
    assert typed(front, saskia, STAFF_PIN, AFTERNOON).staff == saskia
    assert bcrypt_checks == [STAFF_PIN] + [WRONG] * 5 + [STAFF_PIN]


def test_the_memory_keeps_only_a_keyed_digest_and_each_door_process_its_own_key() -> None:
    saskia = Nursery().member_of_staff(pin_hash="$2b$12$" + "x" * 53)
    one, other = ShiftPins(), ShiftPins()
    one.remember(saskia, STAFF_PIN, day=MORNING.date())
    assert one.recalls(saskia, STAFF_PIN, day=MORNING.date())
    assert not other.recalls(saskia, STAFF_PIN, day=MORNING.date())
    other.remember(saskia, STAFF_PIN, day=MORNING.date())
    kept = repr(list(one._proofs.values()))
    # bytes, whichever quotes repr picks (a digest holding a ' byte is shown in double quotes)
    assert f"'{STAFF_PIN}'" not in kept and "digest=b" in kept
    assert one._proofs[saskia.id].digest != other._proofs[saskia.id].digest
