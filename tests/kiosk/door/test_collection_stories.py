"""Collection at the door, told as the nursery lives it (R3-R8)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from db.vocabulary import Check, EventType, Reason, Severity
from kiosk.door import (
    PLEASE_WAIT,
    ByCard,
    ByChosenAdult,
    CardHolder,
    HandedOver,
    NotConfirmed,
    Refused,
    ReleasePending,
)
from tests.factories import FRIDAY, MONDAY, MORNING, STAFF_PIN, Nursery, arrive

AFTERNOON = MORNING + timedelta(hours=3)


@pytest.fixture
def nursery() -> Nursery:
    return Nursery()


def _alerts(decision: object) -> list[Any]:
    return [e for e in decision.events if e.type == EventType.ALERT_RAISED]  # type: ignore[attr-defined]


def test_dad_with_a_card_sees_his_child_and_waits_for_staff(nursery: Nursery) -> None:
    amara = nursery.child()
    dad = nursery.adult(first_name="Chidi", may_collect=(amara,))
    card = nursery.card_for(adult=dad)
    door = nursery.door()
    arrive(door, amara, dad)

    holder = door.read_card(card, now=AFTERNOON, collecting=True)
    assert isinstance(holder, CardHolder)
    assert holder.on_site_child_ids == (amara.id,)

    decision = door.collect(
        child_id=amara.id, collector=ByCard(holder.card_id, dad.id), now=AFTERNOON
    )
    assert isinstance(decision, ReleasePending)
    assert decision.checks == (Check.COMPARE_PHOTO,)
    door.record(decision.events)
    assert amara.id in door.timeline.on_site, "nobody leaves before staff confirm"


def test_collection_ends_with_child_off_register_collector_and_staff_recorded(
    nursery: Nursery,
) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    saskia = nursery.member_of_staff()
    door = nursery.door()
    arrive(door, amara, mum)
    pending = door.collect(child_id=amara.id, collector=ByChosenAdult(mum.id), now=AFTERNOON)
    assert isinstance(pending, ReleasePending)
    door.record(pending.events)

    staff = door.verify_staff_pin(staff_id=saskia.id, pin=STAFF_PIN)
    assert staff is not None
    done = door.confirm(request_uuid=pending.request.uuid, staff=staff, now=AFTERNOON)
    assert isinstance(done, HandedOver)
    door.record(done.events)

    assert amara.id not in door.timeline.on_site
    stay = door.timeline.stays[amara.id][-1]
    assert (stay.collected_by_adult_id, stay.confirmed_by_staff_id) == (mum.id, saskia.id)
    assert stay.departed_at == AFTERNOON


def test_a_wrong_staff_pin_confirms_nothing(nursery: Nursery) -> None:
    saskia = nursery.member_of_staff()
    door = nursery.door()
    assert door.verify_staff_pin(staff_id=saskia.id, pin="1111") is None
    assert (
        door.verify_staff_pin(staff_id=saskia.id, pin="not a pin at all, far too long" * 5) is None
    )


def test_grandad_with_written_permission_for_friday_is_refused_on_monday(nursery: Nursery) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    grandad = nursery.adult(first_name="Bob", last_name="Hughes")
    nursery.permission(amara, grandad, FRIDAY)
    door = nursery.door()
    arrive(door, amara, mum)

    decision = door.collect(child_id=amara.id, collector=ByChosenAdult(grandad.id), now=AFTERNOON)

    assert isinstance(decision, Refused)
    assert decision.reason == Reason.PERMISSION_OUT_OF_DATES
    assert decision.message == PLEASE_WAIT
    assert len(_alerts(decision)) == 1


def test_grandad_on_his_permitted_day_must_show_id_before_the_handover(nursery: Nursery) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    grandad = nursery.adult(first_name="Bob", last_name="Hughes", has_photo=False)
    nursery.permission(amara, grandad, MONDAY)
    saskia = nursery.member_of_staff()
    door = nursery.door()
    arrive(door, amara, mum)

    pending = door.collect(child_id=amara.id, collector=ByChosenAdult(grandad.id), now=AFTERNOON)
    assert isinstance(pending, ReleasePending)
    assert pending.checks == (Check.CHECK_ID_DOCUMENT,), "no photo held, so ID only"
    door.record(pending.events)

    without_id = door.confirm(request_uuid=pending.request.uuid, staff=saskia, now=AFTERNOON)
    assert isinstance(without_id, NotConfirmed)
    assert "ID document" in without_id.message
    assert amara.id in door.timeline.on_site

    with_id = door.confirm(
        request_uuid=pending.request.uuid,
        staff=saskia,
        now=AFTERNOON,
        id_document="Driving licence ending 4417",
    )
    assert isinstance(with_id, HandedOver)
    assert with_id.event.payload["id_document"] == "Driving licence ending 4417"


def test_adult_never_authorised_is_refused_and_staff_alerted(nursery: Nursery) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    neighbour = nursery.adult(first_name="Kevin", last_name="Price")
    door = nursery.door()
    arrive(door, amara, mum)

    decision = door.collect(child_id=amara.id, collector=ByChosenAdult(neighbour.id), now=AFTERNOON)

    assert isinstance(decision, Refused) and decision.reason == Reason.NOT_AUTHORISED
    (alert,) = _alerts(decision)
    assert alert.child_id == amara.id and alert.payload["severity"] == Severity.HIGH


def test_fifteen_year_old_brother_is_refused_as_under_age(nursery: Nursery) -> None:
    amara = nursery.child()
    brother = nursery.adult(
        first_name="Tobi",
        date_of_birth=MONDAY.replace(year=2011) + timedelta(days=1),
        may_collect=(amara,),
    )
    door = nursery.door()
    arrive(door, amara, brother)

    decision = door.collect(child_id=amara.id, collector=ByChosenAdult(brother.id), now=AFTERNOON)
    assert isinstance(decision, Refused) and decision.reason == Reason.UNDER_AGE


def test_an_adult_turning_sixteen_today_may_collect(nursery: Nursery) -> None:
    amara = nursery.child()
    sister = nursery.adult(
        first_name="Ada", date_of_birth=MONDAY.replace(year=2010), may_collect=(amara,)
    )
    door = nursery.door()
    arrive(door, amara, sister)
    decision = door.collect(child_id=amara.id, collector=ByChosenAdult(sister.id), now=AFTERNOON)
    assert isinstance(decision, ReleasePending)


def test_a_setting_that_asks_for_eighteen_refuses_a_seventeen_year_old(nursery: Nursery) -> None:
    from dataclasses import replace

    nursery.policy = replace(nursery.policy, minimum_collector_age=18)
    amara = nursery.child()
    sister = nursery.adult(date_of_birth=MONDAY.replace(year=2009), may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, sister)
    decision = door.collect(child_id=amara.id, collector=ByChosenAdult(sister.id), now=AFTERNOON)
    assert isinstance(decision, Refused) and decision.reason == Reason.UNDER_AGE


def test_an_adult_with_no_birth_date_must_have_been_confirmed_as_adult(nursery: Nursery) -> None:
    amara = nursery.child()
    unknown_age = nursery.adult(date_of_birth=None, confirmed_adult=False, may_collect=(amara,))
    confirmed = nursery.adult(date_of_birth=None, confirmed_adult=True, may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, confirmed)
    refused = door.collect(
        child_id=amara.id, collector=ByChosenAdult(unknown_age.id), now=AFTERNOON
    )
    allowed = door.collect(child_id=amara.id, collector=ByChosenAdult(confirmed.id), now=AFTERNOON)
    assert isinstance(refused, Refused) and refused.reason == Reason.UNDER_AGE
    assert isinstance(allowed, ReleasePending)


def test_unknown_card_alerts_staff_and_keeps_child(nursery: Nursery) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, mum)
    stranger_card = Nursery().card_for(adult=mum)  # a well-formed card this nursery never issued

    decision = door.read_card(stranger_card, now=AFTERNOON, collecting=True)

    assert isinstance(decision, Refused) and decision.reason == Reason.UNKNOWN_CARD
    assert len(_alerts(decision)) == 1
    door.record(decision.events)
    assert amara.id in door.timeline.on_site


def test_a_revoked_card_is_an_alert_even_at_the_home_screen(nursery: Nursery) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    lost_card = nursery.card_for(adult=mum, revoked=True)
    door = nursery.door()

    decision = door.read_card(lost_card, now=MORNING, collecting=False)

    assert isinstance(decision, Refused) and decision.reason == Reason.REVOKED_CARD
    (alert,) = _alerts(decision)
    assert alert.adult_id == mum.id


def test_a_card_with_a_forged_secret_is_unknown(nursery: Nursery) -> None:
    mum = nursery.adult()
    real = nursery.card_for(adult=mum)
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    decision = nursery.door().read_card(forged, now=MORNING, collecting=True)
    assert isinstance(decision, Refused) and decision.reason == Reason.UNKNOWN_CARD


def test_restricted_father_with_an_old_card_raises_the_highest_alert_and_sees_no_child(
    nursery: Nursery,
) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    father = nursery.adult(first_name="Darren", last_name="Cole", may_collect=(amara,))
    nursery.restrict(amara, name="Darren Cole", adult=father)
    old_card = nursery.card_for(adult=father)
    door = nursery.door()
    arrive(door, amara, mum)

    decision = door.read_card(old_card, now=AFTERNOON, collecting=True)

    assert isinstance(decision, Refused)
    assert decision.reason == Reason.RESTRICTED_PERSON
    assert decision.severity == Severity.CRITICAL
    assert not isinstance(decision, CardHolder)
    (alert,) = _alerts(decision)
    assert alert.payload["severity"] == "critical" and alert.child_id == amara.id


def test_restricted_person_is_refused_even_when_chosen_from_the_list(nursery: Nursery) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    father = nursery.adult(may_collect=(amara,))
    nursery.restrict(amara, name="Darren Cole", adult=father)
    door = nursery.door()
    arrive(door, amara, mum)
    decision = door.collect(child_id=amara.id, collector=ByChosenAdult(father.id), now=AFTERNOON)
    assert isinstance(decision, Refused) and decision.severity == Severity.CRITICAL


def test_a_restriction_added_while_waiting_stops_the_handover(nursery: Nursery) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    uncle = nursery.adult(first_name="Ray", may_collect=(amara,))
    saskia = nursery.member_of_staff()
    door = nursery.door()
    arrive(door, amara, mum)
    pending = door.collect(child_id=amara.id, collector=ByChosenAdult(uncle.id), now=AFTERNOON)
    assert isinstance(pending, ReleasePending)
    door.record(pending.events)

    nursery.restrict(amara, name="Ray Okafor", adult=uncle)  # the office phones through
    door.replace_book(nursery.book())
    decision = door.confirm(request_uuid=pending.request.uuid, staff=saskia, now=AFTERNOON)

    assert isinstance(decision, Refused) and decision.reason == Reason.RESTRICTED_PERSON
    door.record(decision.events)
    assert amara.id in door.timeline.on_site


def test_a_child_already_collected_at_the_other_door_cannot_be_handed_over_again(
    nursery: Nursery,
) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    saskia = nursery.member_of_staff()
    door = nursery.door()
    arrive(door, amara, mum)
    first = door.collect(child_id=amara.id, collector=ByChosenAdult(mum.id), now=AFTERNOON)
    second = door.collect(child_id=amara.id, collector=ByChosenAdult(mum.id), now=AFTERNOON)
    assert isinstance(first, ReleasePending) and isinstance(second, ReleasePending)
    door.record(first.events + second.events)
    handed = door.confirm(request_uuid=first.request.uuid, staff=saskia, now=AFTERNOON)
    assert isinstance(handed, HandedOver)
    door.record(handed.events)

    again = door.confirm(request_uuid=second.request.uuid, staff=saskia, now=AFTERNOON)
    assert isinstance(again, NotConfirmed)


def test_asking_for_a_child_this_door_has_not_seen_goes_to_staff_with_a_notice(
    nursery: Nursery,
) -> None:
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    decision = nursery.door().collect(
        child_id=amara.id, collector=ByChosenAdult(mum.id), now=AFTERNOON
    )
    assert isinstance(decision, ReleasePending) and Check.SEE_THE_CHILD in decision.checks
    assert [a.payload["reason"] for a in _alerts(decision)] == [Reason.ARRIVAL_NOT_KNOWN_HERE]


def test_a_stranger_asking_for_a_child_who_is_not_here_is_refused_with_an_alert(
    nursery: Nursery,
) -> None:
    amara = nursery.child()
    stranger = nursery.adult(first_name="Stan")
    decision = nursery.door().collect(
        child_id=amara.id, collector=ByChosenAdult(stranger.id), now=AFTERNOON
    )
    assert isinstance(decision, Refused) and decision.reason == Reason.NOT_AUTHORISED
    assert _alerts(decision)


def test_a_staff_card_opens_staff_mode_not_a_collection(nursery: Nursery) -> None:
    saskia = nursery.member_of_staff()
    card = nursery.card_for(staff=saskia)
    holder = nursery.door().read_card(card, now=MORNING)
    assert (
        isinstance(holder, CardHolder) and holder.staff_id == saskia.id and holder.adult_id is None
    )


def test_a_six_digit_staff_pin_confirms_at_the_door_and_its_first_four_digits_do_not(
    nursery: Nursery,
) -> None:
    """A nursery that asks for 6-digit PINs (Settings) needs nothing new at the door."""
    from db.credentials import hash_password

    joanne = nursery.member_of_staff(pin_hash=hash_password("482913"))
    door = nursery.door()
    assert door.verify_staff_pin(staff_id=joanne.id, pin="482913") == joanne
    assert door.verify_staff_pin(staff_id=joanne.id, pin="4829") is None
