"""Arrival, acknowledgement and the alerts time brings (R1, R2, R9, R10, R13, R16)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from db.vocabulary import EventType, Reason, Severity
from kiosk.door import (
    CardHolder,
    DoorInputError,
    acknowledge_alert,
    acknowledge_arrival,
    resolve_alert,
    staff_sign_in,
    staff_sign_out,
    visitor_sign_in,
    visitor_sign_out,
)
from tests.factories import MONDAY, MORNING, Nursery, arrive


def test_amara_taps_her_tile_and_mum_confirms_in_one_decision() -> None:
    nursery = Nursery()
    saskia = nursery.member_of_staff(first_name="Saskia")
    amara = nursery.child(key_person_id=saskia.id)
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()

    arrived = door.arrive(child_ids=[amara.id], brought_by_adult_id=mum.id, now=MORNING)

    assert arrived.arrived_child_ids == (amara.id,)
    (event,) = arrived.events
    assert event.type == EventType.CHILD_ARRIVED and event.adult_id == mum.id
    # R10: the carer is told who the key person is, and the key person is told first.
    assert arrived.key_persons == {amara.id: saskia.id}
    assert event.payload["key_person_id"] == saskia.id


def test_mum_shows_her_card_and_brings_both_twins_in_together() -> None:
    nursery = Nursery()
    ada = nursery.child(first_name="Ada", last_name="Yılmaz")
    ayse = nursery.child(first_name="Ayşe", last_name="Yılmaz")
    mum = nursery.adult(first_name="Elif", last_name="Yılmaz", may_collect=(ada, ayse))
    card = nursery.card_for(adult=mum)
    door = nursery.door()

    holder = door.read_card(card, now=MORNING)
    assert isinstance(holder, CardHolder)
    assert set(holder.arriving_child_ids) == {ada.id, ayse.id} and not holder.on_site_child_ids
    arrived = door.arrive(
        child_ids=list(holder.arriving_child_ids), brought_by_adult_id=mum.id, now=MORNING
    )
    door.record(arrived.events)

    assert set(door.timeline.on_site) == {ada.id, ayse.id}


def test_a_child_already_here_is_told_so_not_registered_twice() -> None:
    nursery = Nursery()
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, mum)

    again = door.arrive(
        child_ids=[amara.id, amara.id],
        brought_by_adult_id=mum.id,
        now=MORNING + timedelta(minutes=1),
    )

    assert again.events == () and again.already_in_child_ids == (amara.id,)


def test_someone_not_on_the_list_can_bring_a_child_by_giving_their_name() -> None:
    nursery = Nursery()
    amara = nursery.child()
    door = nursery.door()
    arrived = door.arrive(
        child_ids=[amara.id], brought_by_name="  Jo   (childminder) ", now=MORNING
    )
    assert arrived.events[0].payload["brought_by_name"] == "Jo (childminder)"
    with pytest.raises(DoorInputError, match="who brought"):
        door.arrive(child_ids=[amara.id], brought_by_name="   ", now=MORNING)


def test_a_restricted_person_bringing_a_child_signs_nobody_in_and_raises_the_highest_alert() -> (
    None
):
    nursery = Nursery()
    amara = nursery.child()
    leo = nursery.child(first_name="Leo")
    father = nursery.adult(first_name="Darren", last_name="Cole", may_collect=(leo,))
    nursery.restrict(amara, name="Darren Cole", adult=father)
    door = nursery.door()

    arrived = door.arrive(child_ids=[leo.id], brought_by_adult_id=father.id, now=MORNING)

    assert arrived.arrived_child_ids == () and arrived.held_child_ids == (leo.id,)
    assert not [e for e in arrived.events if e.type == EventType.CHILD_ARRIVED]
    alerts = [e for e in arrived.events if e.type == EventType.ALERT_RAISED]
    assert {a.child_id for a in alerts} == {leo.id, amara.id}, "staff learn whom he came near"
    assert {a.payload["severity"] for a in alerts} == {Severity.CRITICAL}
    door.record(arrived.events)
    assert leo.id not in door.timeline.on_site


def test_a_typed_name_matching_a_court_order_holds_the_arrival_for_staff() -> None:
    nursery = Nursery()
    amara = nursery.child()
    nursery.restrict(amara, name="Darren Cole")
    arrived = nursery.door().arrive(
        child_ids=[amara.id], brought_by_name="  darren   COLE ", now=MORNING
    )
    assert arrived.held_child_ids == (amara.id,)
    (alert,) = [e for e in arrived.events if e.type == EventType.ALERT_RAISED]
    assert alert.payload["reason"] == Reason.RESTRICTED_PERSON_ARRIVING
    assert alert.payload["severity"] == Severity.CRITICAL


def test_an_arrival_nobody_acknowledges_in_ten_minutes_alerts_staff_once() -> None:
    nursery = Nursery()
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, mum)

    assert door.due_alerts(now=MORNING + timedelta(minutes=9)) == ()
    (alert,) = door.due_alerts(now=MORNING + timedelta(minutes=11))
    assert alert.payload["reason"] == Reason.ARRIVAL_NOT_ACKNOWLEDGED and alert.child_id == amara.id
    door.record((alert,))
    assert door.due_alerts(now=MORNING + timedelta(minutes=12)) == ()


def test_an_acknowledged_arrival_raises_no_alert() -> None:
    nursery = Nursery()
    saskia = nursery.member_of_staff()
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()
    arrival = arrive(door, amara, mum)

    door.record(
        acknowledge_arrival(
            door, arrival_uuid=arrival.uuid, staff_id=saskia.id, now=MORNING + timedelta(minutes=2)
        )
    )

    assert door.timeline.on_site[amara.id].acknowledged_by_staff_id == saskia.id
    assert door.due_alerts(now=MORNING + timedelta(minutes=30)) == ()
    assert (
        acknowledge_arrival(door, arrival_uuid=arrival.uuid, staff_id=saskia.id, now=MORNING) == ()
    )


def test_a_child_still_here_after_the_morning_session_and_grace_raises_late_collection() -> None:
    nursery = Nursery()
    morning = nursery.session("Morning", time(8, 30), time(11, 30))
    nursery.session("Full day", time(8, 30), time(15, 0))
    amara = nursery.child(booked={MONDAY.weekday(): (morning.id,)})
    mum = nursery.adult(may_collect=(amara,))
    saskia = nursery.member_of_staff()
    door = nursery.door()
    arrival = arrive(door, amara, mum)
    door.record(
        acknowledge_arrival(door, arrival_uuid=arrival.uuid, staff_id=saskia.id, now=MORNING)
    )

    assert door.due_alerts(now=datetime(2026, 11, 23, 11, 39, tzinfo=UTC)) == ()
    (late,) = door.due_alerts(now=datetime(2026, 11, 23, 11, 41, tzinfo=UTC))
    assert late.payload["reason"] == Reason.LATE_COLLECTION
    assert late.payload["session_ended"] == "11:30"


def test_late_collection_follows_london_summer_time() -> None:
    nursery = Nursery()
    morning = nursery.session("Morning", time(8, 30), time(11, 30))
    june_monday = datetime(2026, 6, 1, 7, 40, tzinfo=UTC)  # 08:40 BST
    amara = nursery.child(booked={0: (morning.id,)})
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, mum, now=june_monday)
    door.record(door.due_alerts(now=june_monday + timedelta(minutes=15)))  # the unacknowledged one
    # 11:41 BST is 10:41 UTC
    (late,) = door.due_alerts(now=datetime(2026, 6, 1, 10, 41, tzinfo=UTC))
    assert late.payload["reason"] == Reason.LATE_COLLECTION


def test_staff_resolve_an_alert_with_a_note_of_what_was_done() -> None:
    nursery = Nursery()
    saskia = nursery.member_of_staff()
    amara = nursery.child()
    mum = nursery.adult(may_collect=(amara,))
    door = nursery.door()
    arrive(door, amara, mum)
    (alert,) = door.due_alerts(now=MORNING + timedelta(minutes=11))
    door.record((alert,))

    door.record(
        acknowledge_alert(
            door, alert_uuid=alert.uuid, staff_id=saskia.id, now=MORNING + timedelta(minutes=12)
        )
    )
    with pytest.raises(DoorInputError, match="what was done"):
        resolve_alert(door, alert_uuid=alert.uuid, staff_id=saskia.id, note=" ", now=MORNING)
    door.record(
        resolve_alert(
            door,
            alert_uuid=alert.uuid,
            staff_id=saskia.id,
            note="Amara was with Priya in the garden; acknowledged late.",
            now=MORNING + timedelta(minutes=14),
        )
    )

    closed = door.timeline.alerts[alert.uuid]
    assert not closed.is_open
    assert closed.resolved_by_staff_id == saskia.id
    assert closed.resolved_at == MORNING + timedelta(minutes=14)
    assert closed.resolution and "garden" in closed.resolution
    assert door.timeline.open_alerts() == []


def test_a_visitor_signs_in_with_who_they_visit_and_who_supervises_them() -> None:
    nursery = Nursery()
    priya = nursery.member_of_staff(first_name="Priya")
    door = nursery.door()
    with pytest.raises(DoorInputError, match="supervise"):
        visitor_sign_in(
            door,
            name="Dr Hana Ito",
            visiting="Twos room",
            supervisor_staff_id=priya.id,
            now=MORNING,
        )
    door.record(staff_sign_in(door, staff_id=priya.id, now=MORNING))
    door.record(
        visitor_sign_in(
            door,
            name="Dr Hana Ito",
            organisation="NHS speech therapy",
            visiting="Twos room",
            supervisor_staff_id=priya.id,
            now=MORNING,
        )
    )
    (visit,) = door.timeline.visitors_on_site.values()
    assert (visit.name, visit.supervisor_staff_id) == ("Dr Hana Ito", priya.id)

    door.record(visitor_sign_out(door, visit_uuid=visit.uuid, now=MORNING + timedelta(hours=1)))
    door.record(staff_sign_out(door, staff_id=priya.id, now=MORNING + timedelta(hours=2)))
    assert door.timeline.visitors_on_site == {} and door.timeline.staff_on_site == {}


def test_a_visitors_name_of_ten_thousand_characters_gets_a_clear_message() -> None:
    nursery = Nursery()
    priya = nursery.member_of_staff()
    door = nursery.door()
    door.record(staff_sign_in(door, staff_id=priya.id, now=MORNING))
    with pytest.raises(DoorInputError, match="too long"):
        visitor_sign_in(
            door, name="x" * 10_000, visiting="Babies", supervisor_staff_id=priya.id, now=MORNING
        )


def test_staff_moving_rooms_are_counted_in_the_new_room_only() -> None:
    nursery = Nursery()
    priya = nursery.member_of_staff(room_id=1)
    door = nursery.door()
    door.record(staff_sign_in(door, staff_id=priya.id, now=MORNING))
    door.record(staff_sign_in(door, staff_id=priya.id, room_id=2, now=MORNING + timedelta(hours=1)))
    assert door.timeline.staff_on_site[priya.id].room_id == 2
    assert [s.room_id for s in door.timeline.shifts] == [1, 2]
    assert replace(door.timeline.shifts[0]).signed_out_at == MORNING + timedelta(hours=1)
