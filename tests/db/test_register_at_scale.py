"""The register and the on-site list of a large nursery read only what they show (the kinds of
event they fold, the names of the people in them), and still show exactly what a fold of the
whole day with every name in the nursery shows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.nursery_data import LONDON, build
from db.clock import at_local
from db.events import append_events
from db.models import Child, Staff
from db.register import (
    Names,
    daily_register,
    day_timeline,
    on_site_now,
    register_rows,
    who_is_on_site,
)
from db.timeline import EventRecord
from db.vocabulary import EventType, Reason
from kiosk.door.decisions import new_event

TODAY = date(2025, 10, 22)  # a Wednesday
YESTERDAY = date(2025, 10, 21)


def _at(day: date, hh: int, mm: int) -> datetime:
    return at_local(day, time(hh, mm), LONDON)


def _busy_extras(
    day: date, children: list[int], newcomer: int, staff: list[int], rng: random.Random
) -> list[EventRecord]:
    """What else happens at a door: alerts, refusals, requests, PIN slips, staff shifts,
    visitors, a second arrival of a child already in, an acknowledgement that reached the
    office before its arrival (a newcomer brought by someone not on record), and a kind of
    event from a newer kiosk."""
    extra: list[EventRecord] = []
    for child in rng.sample(children, 6):
        at = _at(day, 9, rng.randint(0, 59))
        extra.append(new_event(EventType.COLLECTION_REQUESTED, now=at, device="d", child_id=child))
        refused = {"reason": Reason.WRONG_PASSWORD.value, "presented": {}}
        extra.append(
            new_event(
                EventType.COLLECTION_REFUSED, now=at, device="d", child_id=child, payload=refused
            )
        )
        alert = {"reason": Reason.WRONG_PASSWORD.value, "severity": "high", "text": "x"}
        extra.append(
            new_event(EventType.ALERT_RAISED, now=at, device="d", child_id=child, payload=alert)
        )
    for member in staff[:5]:
        extra.append(
            new_event(EventType.STAFF_SIGNED_IN, now=_at(day, 7, 50), device="d", staff_id=member)
        )
        extra.append(
            new_event(EventType.STAFF_PIN_FAILED, now=_at(day, 10, 5), device="d", staff_id=member)
        )
    extra.append(
        new_event(EventType.STAFF_SIGNED_OUT, now=_at(day, 10, 0), device="d", staff_id=staff[0])
    )
    visit = new_event(
        EventType.VISITOR_SIGNED_IN,
        now=_at(day, 9, 30),
        device="d",
        staff_id=staff[1],
        payload={"name": "Ofsted inspector", "organisation": "Ofsted", "visiting": "Twos"},
    )
    plumber = new_event(
        EventType.VISITOR_SIGNED_IN,
        now=_at(day, 8, 0),
        device="d",
        staff_id=staff[1],
        payload={"name": "Plumber", "organisation": "", "visiting": "Kitchen"},
    )
    gone = new_event(
        EventType.VISITOR_SIGNED_OUT, now=_at(day, 8, 40), device="d", ref=plumber.uuid
    )
    extra += [visit, plumber, gone]
    # Signed in on a door whose clock ran ahead: the acknowledgement is stamped before it.
    late = new_event(
        EventType.CHILD_ARRIVED,
        now=_at(day, 9, 50),
        device="d",
        child_id=newcomer,
        payload={"brought_by_name": "Grandad Joe"},
    )
    extra.append(late)
    extra.append(
        new_event(
            EventType.ARRIVAL_ACKNOWLEDGED,
            now=_at(day, 9, 45),
            device="d",
            staff_id=staff[2],
            ref=late.uuid,
        )
    )
    again = new_event(
        EventType.CHILD_ARRIVED, now=_at(day, 10, 30), device="d", child_id=children[2]
    )
    extra.append(again)
    extra.append(
        EventRecord(str(rng.random()), "nap_started", _at(day, 12, 0), "d", child_id=children[0])
    )
    return extra


@pytest.mark.parametrize("seed", [1, 2])
def test_a_busy_day_in_a_generated_nursery_reads_the_same_register_and_roll_call(
    session: Session, seed: int
) -> None:
    rng = random.Random(seed)
    build(session, children=30, days=2, today=TODAY, seed=seed)
    children = list(session.scalars(select(Child.id).order_by(Child.id)))
    staff = list(session.scalars(select(Staff.id).order_by(Staff.id)))
    nour = Child(first_name="Nour", last_name="Haddad", date_of_birth=date(2022, 6, 1))
    session.add(nour)
    session.flush()
    for day in (YESTERDAY, TODAY):
        append_events(session, _busy_extras(day, children, nour.id, staff, rng))
    # A family that has left: the child's record is tombstoned, the old register keeps the name.
    gone = session.get(Child, children[1])
    assert gone is not None
    gone.deleted_at = datetime.now(UTC)
    session.commit()

    whole_day = register_rows(day_timeline(session, YESTERDAY, LONDON), Names.load(session))
    assert len(whole_day) > 20
    assert any(row.brought_by == "Grandad Joe" for row in whole_day)
    assert daily_register(session, YESTERDAY, LONDON) == whole_day

    now = _at(TODAY, 11, 0)
    whole_roll_call = who_is_on_site(day_timeline(session, TODAY, LONDON), Names.load(session))
    assert whole_roll_call.child_count > 20 and whole_roll_call.visitors
    assert on_site_now(session, now, LONDON) == whole_roll_call
    assert timedelta(0) < now - _at(TODAY, 10, 0)
