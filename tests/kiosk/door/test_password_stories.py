"""The agreed password for emergencies (R6): verified slowly, guesses limited, each one alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.credentials import bcrypt_cost, hash_password
from db.vocabulary import Check, EventType, Reason
from kiosk.door import (
    ByPassword,
    Door,
    HandedOver,
    Locked,
    NotConfirmed,
    Refused,
    ReleasePending,
    clear_lockout,
    is_locked,
)
from tests.bcrypt_cost import at_product_cost
from tests.factories import AGREED_PASSWORD, MORNING, Nursery, arrive

LUNCH = MORNING + timedelta(hours=4)


@pytest.fixture
def family() -> tuple[Nursery, Door, int, int]:
    nursery = Nursery()
    lukasz = nursery.child(first_name="Łukasz", last_name="Nowak")
    zofia = nursery.child(first_name="Zofia", last_name="Nowak")
    mum = nursery.adult(first_name="Ewa", last_name="Nowak", may_collect=(lukasz, zofia))
    nursery.agree_password(lukasz, zofia)
    nursery.member_of_staff()
    door = nursery.door()
    arrive(door, lukasz, mum)
    arrive(door, zofia, mum)
    return nursery, door, lukasz.id, zofia.id


def test_emergency_collector_with_the_agreed_password_waits_for_staff_to_check_id(family) -> None:
    nursery, door, lukasz, _ = family
    decision = door.collect(
        child_id=lukasz, collector=ByPassword("Auntie Kasia Wójcik", AGREED_PASSWORD), now=LUNCH
    )
    assert isinstance(decision, ReleasePending)
    assert decision.checks == (Check.CHECK_ID_DOCUMENT,)
    assert decision.collector_name == "Auntie Kasia Wójcik"
    door.record(decision.events)

    staff = nursery.staff[0]
    refused = door.confirm(request_uuid=decision.request.uuid, staff=staff, now=LUNCH)
    assert isinstance(refused, NotConfirmed)
    done = door.confirm(
        request_uuid=decision.request.uuid, staff=staff, now=LUNCH, id_document="Passport"
    )
    assert isinstance(done, HandedOver)
    assert done.event.payload["collector_name"] == "Auntie Kasia Wójcik"


def test_the_password_forgives_case_and_spacing_but_nothing_else(family) -> None:
    _, door, lukasz, _ = family
    ok = door.collect(
        child_id=lukasz, collector=ByPassword("Kasia", "  purple   GIRAFFE "), now=LUNCH
    )
    wrong = door.collect(
        child_id=lukasz, collector=ByPassword("Kasia", "purple giraffes"), now=LUNCH
    )
    assert isinstance(ok, ReleasePending)
    assert isinstance(wrong, Refused) and wrong.reason == Reason.WRONG_PASSWORD


def test_every_wrong_password_alerts_staff_and_the_password_is_never_recorded(family) -> None:
    _, door, lukasz, _ = family
    decision = door.collect(
        child_id=lukasz, collector=ByPassword("Kasia", "orange lion"), now=LUNCH
    )
    assert isinstance(decision, Refused)
    assert [e.type for e in decision.events] == [
        EventType.COLLECTION_REFUSED,
        EventType.ALERT_RAISED,
    ]
    assert "orange lion" not in repr(decision.events)
    assert "orange" not in repr(ByPassword("Kasia", "orange lion"))


def test_three_wrong_passwords_lock_the_sibling_and_only_staff_can_unlock(family) -> None:
    nursery, door, lukasz, zofia = family
    for minute in range(3):
        decision = door.collect(
            child_id=lukasz,
            collector=ByPassword("Kasia", f"guess {minute}"),
            now=LUNCH + timedelta(minutes=minute),
        )
        door.record(decision.events)
    assert isinstance(decision, Refused) and decision.locked
    assert Reason.LOCKED_OUT.value in [e.payload.get("reason") for e in decision.events]

    # Even the right password is no longer tried: bcrypt is not even run.
    locked = door.collect(
        child_id=lukasz,
        collector=ByPassword("Kasia", AGREED_PASSWORD),
        now=LUNCH + timedelta(minutes=5),
    )
    assert isinstance(locked, Locked)
    assert locked.events and locked.events[0].payload["reason"] == Reason.LOCKED_OUT
    # The lockout is per child: her sister can still be collected with the password.
    assert isinstance(
        door.collect(child_id=zofia, collector=ByPassword("Kasia", AGREED_PASSWORD), now=LUNCH),
        ReleasePending,
    )

    door.record(
        clear_lockout(
            door, child_id=lukasz, staff_id=nursery.staff[0].id, now=LUNCH + timedelta(minutes=6)
        )
    )
    assert not is_locked(door, child_id=lukasz, now=LUNCH + timedelta(minutes=6))
    again = door.collect(
        child_id=lukasz,
        collector=ByPassword("Kasia", AGREED_PASSWORD),
        now=LUNCH + timedelta(minutes=7),
    )
    assert isinstance(again, ReleasePending)


def test_wrong_guesses_older_than_the_window_no_longer_count(family) -> None:
    _, door, lukasz, _ = family
    for minute in range(2):
        door.record(
            door.collect(
                child_id=lukasz,
                collector=ByPassword("K", "no"),
                now=LUNCH + timedelta(minutes=minute),
            ).events
        )
    later = LUNCH + timedelta(minutes=61)
    decision = door.collect(child_id=lukasz, collector=ByPassword("K", "still no"), now=later)
    assert isinstance(decision, Refused) and not decision.locked


def test_an_over_long_password_gets_a_clear_refusal_not_a_crash(family) -> None:
    _, door, lukasz, _ = family
    decision = door.collect(child_id=lukasz, collector=ByPassword("Kasia", "ź" * 40), now=LUNCH)
    assert isinstance(decision, Refused) and decision.reason == Reason.PASSWORD_TOO_LONG


def test_a_child_with_no_agreed_password_cannot_be_collected_by_password() -> None:
    nursery = Nursery()
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, mum)
    decision = door.collect(
        child_id=amara.id, collector=ByPassword("Someone", "anything"), now=LUNCH
    )
    assert isinstance(decision, Refused) and decision.reason == Reason.NO_PASSWORD_AGREED


def test_the_right_password_from_a_restricted_person_is_still_refused(family) -> None:
    nursery, _, lukasz, _ = family
    nursery.restrict(nursery.children[0], name="Marek Nowak")
    door = nursery.door(events=tuple(_events_so_far(family)))
    decision = door.collect(
        child_id=lukasz, collector=ByPassword("  marek  NOWAK ", AGREED_PASSWORD), now=LUNCH
    )
    assert isinstance(decision, Refused) and decision.reason == Reason.RESTRICTED_PERSON


def _events_so_far(family) -> list[object]:
    _, door, _, _ = family
    stays = [s for periods in door.timeline.stays.values() for s in periods]
    from db.timeline import EventRecord
    from db.vocabulary import EventType

    return [
        EventRecord(
            s.arrival_uuid,
            EventType.CHILD_ARRIVED,
            s.arrived_at,
            "front-door",
            child_id=s.child_id,
            adult_id=s.brought_by_adult_id,
        )
        for s in stays
    ]


def test_agreed_passwords_are_stored_as_slow_hashes() -> None:
    with at_product_cost():  # the suite hashes at cost 4 (tests/bcrypt_cost.py)
        stored = hash_password(AGREED_PASSWORD, agreed=True)
    assert stored.startswith("$2") and bcrypt_cost(stored) >= 12
    assert AGREED_PASSWORD.lower() not in stored
