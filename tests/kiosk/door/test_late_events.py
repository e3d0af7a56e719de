"""A door hears of the day late and out of order (issue 11, point 1): another door's morning
reaches it after its own afternoon. Whatever order the events came in, the door's picture is the
office register's, because the door folds an event older than its newest by folding the day
again, exactly as the office does."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from db.register import ChildName, Names, register_rows
from db.timeline import EventRecord, Timeline
from db.vocabulary import Check, EventType
from kiosk import staff_views
from kiosk.door import ByChosenAdult, Door, HandedOver, ReleasePending
from kiosk.door.decisions import new_event
from tests.factories import MORNING, Nursery, handed_over_unseen

LONDON = ZoneInfo("Europe/London")
DAY = MORNING.replace(hour=0, minute=0)


def _at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


def _front_door(kind: EventType, at: datetime, child: int, adult: int) -> EventRecord:
    """What door A recorded while door B could not hear it."""
    return new_event(kind, now=at, device="front-door", child_id=child, adult_id=adult)


def _handed_over_at_b(nursery: Nursery, door_b: Door, child: int, adult: int) -> EventRecord:
    """Door B's 15:00 handover, by its own rules: staff confirm with the child in sight."""
    saskia = nursery.member_of_staff()
    asked = door_b.collect(child_id=child, collector=ByChosenAdult(adult), now=_at(15))
    assert isinstance(asked, ReleasePending) and Check.SEE_THE_CHILD in asked.checks
    door_b.record(asked.events)
    handed = door_b.confirm(request_uuid=asked.request.uuid, staff=saskia, now=_at(15))
    assert isinstance(handed, HandedOver)
    assert handed.event.payload["arrival_known_here"] is False
    door_b.record(handed.events)
    return handed.event


def _names(nursery: Nursery) -> Names:
    return Names(
        children={
            c.id: ChildName(c.first_name, c.last_name, None, c.room_id) for c in nursery.children
        },
        adults={a.id: a.full_name for a in nursery.adults},
        staff={s.id: s.full_name for s in nursery.staff},
        rooms={},
    )


def _picture(nursery: Nursery, timeline: Timeline) -> tuple[object, object]:
    """What staff see at the door (on site, by room) and what the register reads."""
    on_site = staff_views.on_site_by_room(nursery.book(), timeline, {}, LONDON)
    return on_site, register_rows(timeline, _names(nursery))


def test_a_morning_synced_after_the_back_doors_handover_does_not_leave_mia_on_site() -> None:
    nursery = Nursery()
    mia = nursery.child(first_name="Mia")
    mum = nursery.adult(first_name="Kirsty", may_collect=(mia,))
    door_b = Door(nursery.book(), policy=nursery.policy, device="back-door")
    handover = _handed_over_at_b(nursery, door_b, mia.id, mum.id)

    # Door A's day reaches door B in the order door A recorded it, one sync round at a time.
    morning = _front_door(EventType.CHILD_ARRIVED, _at(8), mia.id, mum.id)
    lunch = _front_door(EventType.CHILD_COLLECTED, _at(12), mia.id, mum.id)
    back_after_lunch = _front_door(EventType.CHILD_ARRIVED, _at(13), mia.id, mum.id)
    for pulled in (morning, lunch, back_after_lunch):
        door_b.record([pulled])

    assert not door_b.timeline.on_site, "Mia went home at 15:00: the door must not show her here"
    stays = [(s.arrived_at, s.departed_at) for s in door_b.timeline.stays[mia.id]]
    assert stays == [(_at(8), _at(12)), (_at(13), _at(15))]
    assert not door_b.timeline.anomalies
    office = Timeline.of([handover, morning, lunch, back_after_lunch])
    assert _picture(nursery, door_b.timeline) == _picture(nursery, office)


def test_an_event_the_door_already_holds_is_not_folded_twice() -> None:
    nursery = Nursery()
    mia = nursery.child(first_name="Mia")
    mum = nursery.adult(may_collect=(mia,))
    morning = _front_door(EventType.CHILD_ARRIVED, _at(8), mia.id, mum.id)
    door = Door(nursery.book(), events=[morning], device="back-door")
    door.record([morning])  # a page fetched again after a dropped connection
    assert not door.timeline.anomalies
    assert len(door.timeline.stays[mia.id]) == 1


# --- any order ------------------------------------------------------------------------------

KINDS = st.sampled_from([EventType.CHILD_ARRIVED, EventType.CHILD_COLLECTED, "handover"])


def _event(nursery: Nursery, index: int, kind: object, child: int, minute: int) -> EventRecord:
    adult = nursery.adults[0].id
    at = _at(7) + timedelta(minutes=minute, microseconds=index)
    if kind == "handover":  # a door that had not seen the arrival: staff saw the child
        return handed_over_unseen(
            child_id=child, adult_id=adult, staff_id=nursery.staff[0].id, now=at
        )
    return new_event(kind, now=at, device="front-door", child_id=child, adult_id=adult)  # type: ignore[arg-type]


def _three_children() -> Nursery:
    nursery = Nursery()
    children = tuple(nursery.child(first_name=n) for n in ("Mia", "Zoë", "Amara"))
    nursery.adult(may_collect=children)
    nursery.member_of_staff()
    return nursery


@given(
    st.lists(st.tuples(KINDS, st.integers(0, 2), st.integers(0, 600)), max_size=25),
    st.randoms(),
    st.integers(1, 4),
)
@settings(max_examples=200, deadline=None)
def test_any_order_a_day_reaches_the_door_in_gives_the_office_registers_picture(
    steps: list[tuple[object, int, int]], random: object, rounds: int
) -> None:
    nursery = _three_children()
    ids = [c.id for c in nursery.children]
    day = [
        _event(nursery, i, kind, ids[child], minute)
        for i, (kind, child, minute) in enumerate(steps)
    ]
    reached = list(day)
    random.shuffle(reached)  # type: ignore[attr-defined]

    door = Door(nursery.book(), device="back-door")
    size = max(1, len(reached) // rounds)
    for start in range(0, len(reached), size):  # a few sync rounds, each a page of events
        door.record(reached[start : start + size])

    office = Timeline.of(day)
    assert _picture(nursery, door.timeline) == _picture(nursery, office)
    assert set(door.timeline.on_site) == set(office.on_site)
    assert door.timeline.anomalies == office.anomalies
