"""Properties of the day folded from events, over any order and mix of events (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from db.timeline import EventRecord, Timeline
from db.vocabulary import EventType

START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
CHILDREN = st.integers(min_value=1, max_value=4)
PRESENCE = st.sampled_from([EventType.CHILD_ARRIVED, EventType.CHILD_COLLECTED])


@st.composite
def days(draw: st.DrawFn, *, ties: bool = False) -> list[EventRecord]:
    """A day of arrivals and collections; with ``ties`` several share the same instant."""
    steps = draw(st.lists(st.tuples(PRESENCE, CHILDREN, st.integers(0, 600)), max_size=40))
    return [
        EventRecord(
            uuid=f"e{i:03}",
            type=kind,
            occurred_at=START + timedelta(minutes=minute, microseconds=0 if ties else i),
            device="door",
            child_id=child,
            staff_id=1,
        )
        for i, (kind, child, minute) in enumerate(steps)
    ]


@given(days())
@settings(max_examples=300, deadline=None)
def test_a_child_is_never_both_collected_and_on_site(events: list[EventRecord]) -> None:
    timeline = Timeline.of(events)
    for child_id, stay in timeline.on_site.items():
        assert stay.departed_at is None
        assert timeline.stays[child_id][-1] is stay
    for stays in timeline.stays.values():
        assert all(s.departed_at is not None for s in stays[:-1])


@given(days(), st.integers(0, 2000))
@settings(max_examples=300, deadline=None)
def test_hours_are_never_negative(events: list[EventRecord], minutes_later: int) -> None:
    until = START + timedelta(minutes=minutes_later)
    for stays in Timeline.of(events).stays.values():
        assert all(s.duration(until) >= timedelta(0) for s in stays)


@given(days())
@settings(max_examples=300, deadline=None)
def test_the_on_site_list_equals_arrivals_minus_departures(events: list[EventRecord]) -> None:
    timeline = Timeline.of(events)
    expected: set[int] = set()
    for event in sorted(events, key=lambda e: e.occurred_at):
        assert event.child_id is not None
        if event.type == EventType.CHILD_ARRIVED:
            expected.add(event.child_id)
        else:
            expected.discard(event.child_id)
    assert set(timeline.on_site) == expected


@given(days(ties=True), st.randoms())
@settings(max_examples=200, deadline=None)
def test_events_arriving_late_from_another_door_give_the_same_day(events, random) -> None:
    shuffled = list(events)
    random.shuffle(shuffled)
    in_order = Timeline.of(events)
    late = Timeline.of(shuffled)
    assert set(in_order.on_site) == set(late.on_site)
    assert {c: len(s) for c, s in in_order.stays.items()} == {
        c: len(s) for c, s in late.stays.items()
    }


def _alert_day(offset_seconds: int) -> list[EventRecord]:
    """An alert at a kiosk, acknowledged and resolved at the office whose clock differs."""
    raised = EventRecord(
        "alert",
        EventType.ALERT_RAISED,
        START,
        "door",
        child_id=1,
        payload={"reason": "unknown_card", "severity": "high"},
    )
    office = START + timedelta(seconds=offset_seconds)
    acknowledged = EventRecord(
        "ack", EventType.ALERT_ACKNOWLEDGED, office, "office", staff_id=2, ref="alert"
    )
    resolved = EventRecord(
        "res",
        EventType.ALERT_RESOLVED,
        office,
        "office",
        staff_id=2,
        ref="alert",
        payload={"note": "Checked with Mum"},
    )
    return [raised, acknowledged, resolved]


@given(st.integers(-900, 900), st.randoms())
@settings(max_examples=200, deadline=None)
def test_an_answer_stamped_before_its_alert_still_closes_it(offset: int, random) -> None:
    events = _alert_day(offset)
    random.shuffle(events)
    alert = Timeline.of(events).alerts["alert"]
    assert not alert.is_open and alert.resolution == "Checked with Mum"
    assert alert.resolved_at is not None and alert.resolved_at >= alert.raised_at


def test_an_answer_applied_one_by_one_before_its_alert_waits_for_it() -> None:
    raised, acknowledged, resolved = _alert_day(-600)  # the office clock ten minutes behind
    timeline = Timeline()
    for event in (resolved, acknowledged, raised):  # the order a late sync might bring them
        timeline.apply(event)
    assert timeline.open_alerts() == [] and timeline.early == {}


def _answer(uuid: str, kind: EventType, ref: str, minute: int) -> EventRecord:
    return EventRecord(
        uuid=uuid, type=kind, occurred_at=START + timedelta(minutes=minute), device="door",
        child_id=1, staff_id=1, ref=ref,
    )  # fmt: skip


def test_events_that_answer_themselves_or_each_other_are_folded_not_looped_on() -> None:
    arrived = EventRecord(
        uuid="arrival", type=EventType.CHILD_ARRIVED, occurred_at=START, device="door",
        child_id=1, staff_id=1,
    )  # fmt: skip
    self_answer = _answer("self", EventType.ALERT_RESOLVED, "self", 1)
    one = _answer("one", EventType.ARRIVAL_ACKNOWLEDGED, "two", 2)
    two = _answer("two", EventType.ALERT_ACKNOWLEDGED, "one", 3)
    for day in ([self_answer, arrived], [arrived, one, two], [two, one, self_answer, arrived]):
        timeline = Timeline.of(day)  # before: RecursionError, and no register for that day
        assert 1 in timeline.on_site
        assert timeline.open_alerts() == []
