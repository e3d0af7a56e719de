"""The door's edges (issue 11, points 1-3): a collecting adult is never asked to sign children in
again, a restricted person always raises the highest alert, and brothers and sisters go home
together. Two doors share one nursery; door B hears of door A's arrivals only through the hub."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from db.timeline import Timeline
from db.vocabulary import Check, EventType, Reason, Severity
from kiosk.door import (
    ByCard,
    ByChosenAdult,
    ByPassword,
    CardHolder,
    ChildInfo,
    Door,
    HandedOver,
    Refused,
    ReleasePending,
    requests_together,
)
from tests.factories import AGREED_PASSWORD, MONDAY, MORNING, Nursery, arrive

AFTERNOON = MORNING + timedelta(hours=3)


@pytest.fixture
def nursery() -> Nursery:
    return Nursery()


def _alerts(events: tuple[Any, ...]) -> list[Any]:
    return [e for e in events if e.type == EventType.ALERT_RAISED]


def _both_brought_in_by_mum(nursery: Nursery, *children: ChildInfo) -> Door:
    mum = nursery.adult(may_collect=children)
    door = nursery.door()
    for child in children:
        arrive(door, child, mum)
    return door


def _door_b(nursery: Nursery) -> Door:
    return Door(nursery.book(), policy=nursery.policy, device="back-door")


# --- 1. a collecting adult is never asked to sign children in again --------------------------


def test_mum_collecting_at_a_door_that_never_saw_the_arrival_is_sent_to_staff_not_to_sign_in(
    nursery: Nursery,
) -> None:
    mia = nursery.child(first_name="Mia")
    mum = nursery.adult(first_name="Kirsty", may_collect=(mia,))
    saskia = nursery.member_of_staff()
    door_a, door_b = nursery.door(), _door_b(nursery)
    arrive(door_a, mia, mum)  # the hub is down: door B never hears of it

    decision = door_b.collect(child_id=mia.id, collector=ByChosenAdult(mum.id), now=AFTERNOON)

    assert isinstance(decision, ReleasePending), "to staff, never 'not here' or an arrival"
    assert Check.SEE_THE_CHILD in decision.checks
    (notice,) = _alerts(decision.events)
    assert notice.payload["reason"] == Reason.ARRIVAL_NOT_KNOWN_HERE
    assert "no arrival for" in notice.payload["text"] and mia.full_name in notice.payload["text"]
    assert not [e for e in decision.events if e.type == EventType.CHILD_ARRIVED]
    door_b.record(decision.events)

    handed = door_b.confirm(request_uuid=decision.request.uuid, staff=saskia, now=AFTERNOON)
    assert isinstance(handed, HandedOver)
    assert handed.event.payload["arrival_known_here"] is False
    assert Check.SEE_THE_CHILD in handed.event.payload["checks"]


def test_when_the_other_doors_arrival_syncs_in_the_register_reads_one_stay_not_two(
    nursery: Nursery,
) -> None:
    mia = nursery.child(first_name="Mia")
    mum = nursery.adult(may_collect=(mia,))
    saskia = nursery.member_of_staff()
    door_a, door_b = nursery.door(), _door_b(nursery)
    arrived = door_a.arrive(child_ids=[mia.id], brought_by_adult_id=mum.id, now=MORNING)
    request = door_b.collect(child_id=mia.id, collector=ByChosenAdult(mum.id), now=AFTERNOON)
    assert isinstance(request, ReleasePending)
    door_b.record(request.events)
    handed = door_b.confirm(request_uuid=request.request.uuid, staff=saskia, now=AFTERNOON)
    door_b.record(handed.events)

    door_b.record(arrived.events)  # the hub is back: door A's morning reaches door B

    for timeline in (door_b.timeline, Timeline.of(arrived.events + request.events + handed.events)):
        (stay,) = timeline.stays[mia.id]
        assert (stay.arrived_at, stay.departed_at) == (MORNING, AFTERNOON)
        assert stay.confirmed_by_staff_id == saskia.id
        assert mia.id not in timeline.on_site
        assert not timeline.anomalies


def test_a_collection_after_the_child_went_home_here_tells_staff_when_she_left(
    nursery: Nursery,
) -> None:
    mia = nursery.child(first_name="Mia")
    mum = nursery.adult(may_collect=(mia,))
    saskia = nursery.member_of_staff()
    door = nursery.door()
    arrive(door, mia, mum)
    first = door.collect(child_id=mia.id, collector=ByChosenAdult(mum.id), now=MORNING)
    assert isinstance(first, ReleasePending)
    door.record(first.events)
    door.record(door.confirm(request_uuid=first.request.uuid, staff=saskia, now=MORNING).events)

    again = door.collect(child_id=mia.id, collector=ByChosenAdult(mum.id), now=AFTERNOON)

    assert isinstance(again, ReleasePending) and Check.SEE_THE_CHILD in again.checks
    (notice,) = _alerts(again.events)
    assert "go home at 08:40" in notice.payload["text"]


# --- 2. a restricted person always raises the highest alert ----------------------------------


def test_darren_with_a_court_order_shows_his_card_while_mia_is_not_in_and_staff_are_alerted(
    nursery: Nursery,
) -> None:
    mia = nursery.child(first_name="Mia")
    darren = nursery.adult(first_name="Darren", last_name="Cole", may_collect=(mia,))
    nursery.restrict(mia, name="Darren Cole", adult=darren)
    card = nursery.card_for(adult=darren)
    door = nursery.door()  # nobody is in yet

    for collecting in (True, False):
        decision = door.read_card(card, now=MORNING, collecting=collecting)
        assert isinstance(decision, Refused) and not isinstance(decision, CardHolder)
        assert decision.severity == Severity.CRITICAL
        (alert,) = _alerts(decision.events)
        assert alert.child_id == mia.id and alert.payload["severity"] == "critical"
        assert decision.message == Refused(decision.reason, decision.severity, ()).message


def test_a_court_order_for_one_child_stops_the_same_man_collecting_her_brother(
    nursery: Nursery,
) -> None:
    mia = nursery.child(first_name="Mia")
    leo = nursery.child(first_name="Leo")
    mum = nursery.adult(may_collect=(mia, leo))
    darren = nursery.adult(first_name="Darren", last_name="Cole", may_collect=(leo,))
    nursery.restrict(mia, name="Darren Cole", adult=darren)
    door = nursery.door()
    arrive(door, leo, mum)

    decision = door.collect(child_id=leo.id, collector=ByChosenAdult(darren.id), now=AFTERNOON)

    assert isinstance(decision, Refused) and decision.severity == Severity.CRITICAL
    assert [a.child_id for a in _alerts(decision.events)] == [mia.id]


def test_a_typed_name_matching_a_court_order_is_the_highest_alert_even_with_the_right_password(
    nursery: Nursery,
) -> None:
    mia = nursery.child(first_name="Mia")
    nursery.agree_password(mia)
    nursery.restrict(mia, name="Darren Cole")
    door = nursery.door()  # Mia is not even in
    decision = door.collect(
        child_id=mia.id, collector=ByPassword("DARREN cole", AGREED_PASSWORD), now=AFTERNOON
    )
    assert isinstance(decision, Refused) and decision.reason == Reason.RESTRICTED_PERSON
    assert decision.severity == Severity.CRITICAL


# --- 3. brothers and sisters go home together ------------------------------------------------


def test_ngozi_takes_three_children_home_with_one_request_and_one_confirmation(
    nursery: Nursery,
) -> None:
    kids = [nursery.child(first_name=n) for n in ("Chidi", "Adaeze", "Ebele")]
    ngozi = nursery.adult(first_name="Ngozi", may_collect=tuple(kids))
    card = nursery.card_for(adult=ngozi)
    saskia = nursery.member_of_staff()
    door = nursery.door()
    for child in kids:
        arrive(door, child, ngozi)
    holder = door.read_card(card, now=AFTERNOON, collecting=True)
    assert isinstance(holder, CardHolder) and holder.adult_id is not None

    going = door.go_home_together(
        child_ids=[c.id for c in kids], collector=ByCard(holder.card_id, ngozi.id), now=AFTERNOON
    )
    assert len(going.pending) == 3 and not going.refused
    door.record(going.events)
    first = going.pending[0].request.uuid
    assert sorted(requests_together(door, first)) == sorted(p.request.uuid for p in going.pending)

    done = door.confirm_together(
        request_uuids=requests_together(door, first), staff=saskia, now=AFTERNOON
    )
    assert len(done.handed) == 3 and done.not_confirmed is None
    door.record(done.events)
    assert not door.timeline.on_site


def test_the_sister_grandad_may_not_take_stays_with_her_own_alert_while_the_others_go(
    nursery: Nursery,
) -> None:
    chidi, adaeze = nursery.child(first_name="Chidi"), nursery.child(first_name="Adaeze")
    grandad = nursery.adult(first_name="Obi", may_collect=(chidi,))
    saskia = nursery.member_of_staff()
    door = _both_brought_in_by_mum(nursery, chidi, adaeze)

    going = door.go_home_together(
        child_ids=[chidi.id, adaeze.id], collector=ByChosenAdult(grandad.id), now=AFTERNOON
    )

    assert [p.child_id for p in going.pending] == [chidi.id]
    (refused,) = going.refused
    assert isinstance(refused, Refused) and refused.reason == Reason.NOT_AUTHORISED
    assert [a.child_id for a in _alerts(refused.events)] == [adaeze.id]
    door.record(going.events)
    done = door.confirm_together(
        request_uuids=[going.pending[0].request.uuid], staff=saskia, now=AFTERNOON
    )
    door.record(done.events)
    assert list(door.timeline.on_site) == [adaeze.id]


def test_an_id_check_for_two_children_is_asked_once_and_nobody_goes_without_it(
    nursery: Nursery,
) -> None:
    chidi, adaeze = nursery.child(first_name="Chidi"), nursery.child(first_name="Adaeze")
    aunt = nursery.adult(first_name="Ada")
    nursery.permission(chidi, aunt, MONDAY)
    nursery.permission(adaeze, aunt, MONDAY)
    saskia = nursery.member_of_staff()
    door = _both_brought_in_by_mum(nursery, chidi, adaeze)
    going = door.go_home_together(
        child_ids=[chidi.id, adaeze.id], collector=ByChosenAdult(aunt.id), now=AFTERNOON
    )
    door.record(going.events)
    uuids = [p.request.uuid for p in going.pending]

    missing = door.confirm_together(request_uuids=uuids, staff=saskia, now=AFTERNOON)
    assert missing.not_confirmed is not None and not missing.events
    done = door.confirm_together(
        request_uuids=uuids, staff=saskia, now=AFTERNOON, id_document="Passport"
    )
    assert [h.event.payload["id_document"] for h in done.handed] == ["Passport", "Passport"]
