"""A child handed over at a door that never saw them arrive (issue 11, point 1): staff confirmed
the handover with the child in sight, so the register has a row for that stay even when the
arrival never reaches the office, and one row, not two, when it does. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from db.events import append_events
from db.models import Adult, Child, Staff
from db.register import NOT_RECORDED, daily_register, hours_attended, on_site_now
from db.timeline import EventRecord, Timeline
from db.vocabulary import Check, EventType
from kiosk.door.decisions import new_event
from tests.db.test_register import LONDON, _at, _in, _nursery

MONDAY = date(2026, 11, 23)


def _handed_over_at_the_back_door(child: Child, adult: Adult, staff: Staff) -> EventRecord:
    """What the back door records: it had no arrival for the child, staff saw her themselves."""
    return new_event(
        EventType.CHILD_COLLECTED,
        now=_at(MONDAY, 15, 10),
        device="back-door",
        child_id=child.id,
        adult_id=adult.id,
        staff_id=staff.id,
        payload={"arrival_known_here": False, "checks": [Check.SEE_THE_CHILD.value]},
    )


def test_mia_collected_at_a_door_that_never_saw_her_arrive_is_on_the_register_once(
    session: Session,
) -> None:
    amara, _, mum, saskia, room = _nursery(session)
    handed = _handed_over_at_the_back_door(amara, mum, saskia)
    append_events(session, [handed])  # the front door's morning has not reached the office
    session.commit()

    (row,) = daily_register(session, MONDAY, LONDON)
    assert (row.child_name, row.arrived_at, row.brought_by) == ("Amara Okafor", None, NOT_RECORDED)
    assert row.departed_at == _at(MONDAY, 15, 10)
    assert (row.collected_by, row.confirmed_by) == ("Ngozi Okafor", "Saskia Brown")
    assert on_site_now(session, _at(MONDAY, 16, 0), LONDON).child_count == 0
    assert not Timeline.of([handed]).on_site, "the door does not keep her on site either"

    # The front door comes back online: its 08:31 arrival syncs in, late.
    append_events(session, [_in(amara, mum, _at(MONDAY, 8, 31), room)])
    session.commit()

    (row,) = daily_register(session, MONDAY, LONDON)
    assert (row.arrived_at, row.departed_at) == (_at(MONDAY, 8, 31), _at(MONDAY, 15, 10))
    assert (row.brought_by, row.collected_by) == ("Ngozi Okafor", "Ngozi Okafor")
    assert on_site_now(session, _at(MONDAY, 16, 0), LONDON).child_count == 0
    hours = hours_attended(session, MONDAY, MONDAY, now=_at(MONDAY, 18, 0), zone=LONDON)
    assert hours[amara.id].counted.total_seconds() == (6 * 60 + 39) * 60
    assert not hours[amara.id].unknown_on, "once the arrival is in, the stay counts in full"


def test_a_stay_whose_arrival_is_not_recorded_is_flagged_not_counted_as_made_up_or_nothing(
    session: Session,
) -> None:
    amara, zoe, mum, saskia, room = _nursery(session)
    append_events(
        session,
        [
            _handed_over_at_the_back_door(amara, mum, saskia),
            _in(zoe, mum, _at(MONDAY, 9, 0), room),
            _in(amara, mum, _at(MONDAY + timedelta(days=1), 9, 0), room),
        ],
    )
    session.commit()
    tuesday_evening = _at(MONDAY + timedelta(days=1), 18, 0)
    hours = hours_attended(
        session, MONDAY, MONDAY + timedelta(days=1), now=tuesday_evening, zone=LONDON
    )
    # Monday's stay has no start: unknown, and named by its day; Tuesday's, still open at
    # 18:00, counts from 09:00.
    assert hours[amara.id].unknown_on == [MONDAY]
    assert hours[amara.id].counted == timedelta(hours=9)
    assert hours[zoe.id].unknown_on == [] and hours[zoe.id].counted > timedelta(0)


def _in_order(events: list[EventRecord]) -> Timeline:
    """A door's fold, events applied as they reached it (not sorted, as a sync delivers)."""
    timeline = Timeline()
    for event in events:
        timeline.apply(event)
    return timeline


def test_the_back_door_and_the_office_read_the_same_day_whatever_order_it_reached_them(
    session: Session,
) -> None:
    amara, _, mum, saskia, room = _nursery(session)
    morning = _in(amara, mum, _at(MONDAY, 8, 31), room)
    seen = new_event(
        EventType.ARRIVAL_ACKNOWLEDGED,
        now=_at(MONDAY, 8, 35),
        device="front",
        staff_id=saskia.id,
        ref=morning.uuid,
    )
    handed = _handed_over_at_the_back_door(amara, mum, saskia)
    back_again = _in(amara, mum, _at(MONDAY, 16, 0), room)  # at the back door, before the sync
    day = [morning, seen, handed, back_again]

    office = Timeline.of(day)
    back_door = _in_order([handed, back_again, morning, seen])

    for timeline in (office, back_door):
        first, second = timeline.stays[amara.id]
        assert (first.arrived_at, first.departed_at) == (_at(MONDAY, 8, 31), _at(MONDAY, 15, 10))
        assert (first.acknowledged_by_staff_id, first.acknowledged_at) == (
            saskia.id,
            _at(MONDAY, 8, 35),
        ), "the morning's real acknowledgement, not the handover's"
        assert second.arrived_at == _at(MONDAY, 16, 0) and second.departed_at is None
        assert list(timeline.on_site) == [amara.id] and not timeline.anomalies
    assert office.stays == back_door.stays
