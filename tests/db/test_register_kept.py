"""The register and the on-site list keep their last answer for a day (db/read_memo.py) and reuse
it only while that day's rows are exactly the rows it was made from. A late event, a correction,
an erasure or a renamed child shows at the very next look; and whatever happens between looks,
the answer is what the whole fold of the day with every name gives (the path before keeping)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from db.erasure import erase_event_values
from db.events import append_events
from db.models import Adult, Child, Event, Room, Staff
from db.register import (
    ON_SITE_TYPES,
    PRESENCE_TYPES,
    Names,
    RegisterRow,
    daily_register,
    day_timeline,
    kept_day_fold,
    on_site_now,
    register_rows,
    who_is_on_site,
)
from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.door.decisions import new_event
from tests.db.test_register import LONDON, _at, _in, _nursery, _out

DAY = date(2026, 11, 23)


def test_a_late_event_for_a_past_day_changes_the_register_already_shown(
    session: Session,
) -> None:
    amara, zoe, mum, saskia, room = _nursery(session)
    append_events(session, [_in(amara, mum, _at(DAY, 8, 31), room)])
    session.commit()
    first = daily_register(session, DAY, LONDON)
    assert [(r.child_name, r.departed_at) for r in first] == [("Amara Okafor", None)]
    assert daily_register(session, DAY, LONDON) == first  # asked again: the kept answer

    # Days later, a door that was offline syncs Zoë's morning and Amara's collection.
    append_events(
        session, [_out(amara, mum, saskia, _at(DAY, 15, 2)), _in(zoe, mum, _at(DAY, 9, 0), room)]
    )
    session.commit()
    after = daily_register(session, DAY, LONDON)
    assert [(r.child_name, r.departed_at) for r in after] == [
        ("Zoë Adams", None),
        ("Amara Okafor", _at(DAY, 15, 2)),
    ]
    assert after[1].collected_by == "Ngozi Okafor"


def test_an_erasure_and_a_new_name_show_at_the_next_look(session: Session) -> None:
    amara, _, _, _, room = _nursery(session)
    brought = new_event(
        EventType.CHILD_ARRIVED,
        now=_at(DAY, 8, 31),
        device="front",
        child_id=amara.id,
        room_id=room.id,
        payload={"brought_by_name": "Grandad Joe"},
    )
    append_events(session, [brought])
    session.commit()
    assert daily_register(session, DAY, LONDON)[0].brought_by == "Grandad Joe"

    # Same events, same count, same highest seq: only a payload changed in place.
    assert erase_event_values(session, child_ids=[amara.id], adult_ids=[]) == 1
    session.commit()
    assert daily_register(session, DAY, LONDON)[0].brought_by == ""

    amara.first_name = "Amarachi"
    session.commit()
    assert daily_register(session, DAY, LONDON)[0].child_name == "Amarachi Okafor"
    assert on_site_now(session, _at(DAY, 10, 0), LONDON).children_by_room[room.id][0].child_id


def test_a_caller_changing_the_on_site_list_does_not_change_the_next(session: Session) -> None:
    amara, _, mum, _, room = _nursery(session)
    append_events(session, [_in(amara, mum, _at(DAY, 8, 31), room)])
    session.commit()
    here = on_site_now(session, _at(DAY, 10, 0), LONDON)
    here.children_by_room[room.id][0].departed_at = _at(DAY, 9, 0)
    here.children_by_room[room.id].clear()
    again = on_site_now(session, _at(DAY, 10, 0), LONDON)
    assert [s.departed_at for s in again.children_by_room[room.id]] == [None]


def _random_event(
    rng: random.Random,
    kids: list[int],
    adults: list[int],
    staff: int,
    shown: list[EventRecord],
    at: datetime | None = None,
) -> EventRecord:
    """An arrival, an acknowledgement (maybe of an arrival not yet synced), a collection (maybe
    at a door that never saw the arrival, maybe a manager's correction) or a staff shift, at
    ``at`` or at any time of the day."""
    at = at or _at(DAY, 7, 0) + timedelta(minutes=rng.randint(0, 600))
    child, adult = rng.choice(kids), rng.choice(adults)
    kind = rng.choice(["in", "in", "ack", "out", "out", "staff"])
    if kind == "in":
        room = rng.choice([None, 1])
        return new_event(EventType.CHILD_ARRIVED, now=at, device="d", child_id=child,
                         adult_id=adult, room_id=room)  # fmt: skip
    if kind == "ack":
        arrivals = [e.uuid for e in shown if e.type == EventType.CHILD_ARRIVED] or ["unsynced"]
        return new_event(EventType.ARRIVAL_ACKNOWLEDGED, now=at, device="d", staff_id=staff,
                         ref=rng.choice([*arrivals, "unsynced"]))  # fmt: skip
    if kind == "out":
        payload: dict[str, object] = rng.choice(
            [{}, {"arrival_known_here": False}, {"correction_reason": "Forgot", "recorded_at":
             datetime(2026, 11, 24, tzinfo=UTC).isoformat(), "collector_name": "Aunt May"}]
        )  # fmt: skip
        collector = rng.choice([adult, None])
        return new_event(EventType.CHILD_COLLECTED, now=at, device="d", child_id=child,
                         adult_id=collector, staff_id=staff, payload=payload)  # fmt: skip
    kind_of_shift = rng.choice([EventType.STAFF_SIGNED_IN, EventType.STAFF_SIGNED_OUT])
    return new_event(kind_of_shift, now=at, device="d", staff_id=staff, room_id=1)


def _small_nursery(session: Session) -> tuple[list[Child], dict[str, Any]]:
    """Six children, four carers, one member of staff: the children, and everyone's ids."""
    room = Room(name="Twos")
    member = Staff(username="k", first_name="Kemi", last_name="Ade")
    session.add_all([room, member])
    session.flush()
    kids = [Child(first_name=f"C{i}", last_name="Z", date_of_birth=DAY, room_id=room.id,
                  key_person_id=member.id) for i in range(6)]  # fmt: skip
    grown = [Adult(first_name=f"A{i}", last_name="Y") for i in range(4)]
    session.add_all([*kids, *grown])
    session.commit()
    return kids, {"kids": [k.id for k in kids], "adults": [a.id for a in grown], "staff": member.id}


def _every_look_is_the_whole_fold(session: Session, now: datetime) -> None:
    names = Names.load(session)
    whole = register_rows(day_timeline(session, DAY, LONDON), names, now)
    # Rows are made without their constructor (db/register.py _row): the same rows it makes.
    assert [RegisterRow(**vars(row)) for row in whole] == whole
    assert daily_register(session, DAY, LONDON, now=now) == whole
    assert daily_register(session, DAY, LONDON) == register_rows(
        day_timeline(session, DAY, LONDON), names
    )
    roll_call = who_is_on_site(day_timeline(session, DAY, LONDON), names)
    assert on_site_now(session, now, LONDON) == roll_call


@pytest.mark.parametrize("seed", range(6))
def test_every_look_at_a_changing_day_shows_what_the_whole_fold_shows(
    session: Session, seed: int
) -> None:
    kids, people = _small_nursery(session)
    rng, shown = random.Random(seed), list[EventRecord]()
    for _ in range(12):  # a few events arrive, in any order, then the office looks again
        batch = [
            _random_event(rng, people["kids"], people["adults"], people["staff"], shown)
            for _ in range(4)
        ]
        append_events(session, batch)
        shown += batch
        if rng.random() < 0.3:
            rng.choice(kids).last_name = rng.choice(["Z", "Zed", "Ward"])
        session.commit()
        _every_look_is_the_whole_fold(
            session, _at(DAY, 7, 0) + timedelta(minutes=rng.randint(0, 720))
        )


def _change_the_day(
    session: Session, rng: random.Random, shown: list[EventRecord], clock: datetime, **people: Any
) -> datetime:
    """What happens between two looks: events after everything so far (most of a morning),
    events from a door that was offline (earlier, in among the rest), an erasure or a purge
    (rows rewritten or gone). Returns the latest time of the morning so far."""
    how = rng.choice(["after", "after", "after", "after", "late", "erase", "purge"])
    if how == "erase":
        erase_event_values(session, child_ids=[rng.choice(people["kids"])], adult_ids=[])
    elif how == "purge" and shown:
        gone = shown.pop(rng.randrange(len(shown)))
        session.execute(delete(Event).where(Event.uuid == gone.uuid))
    else:
        batch = []
        for _ in range(rng.randint(1, 3)):
            if how == "after":
                clock += timedelta(minutes=rng.choice([0, 1, 7]))
            # A door that was offline: earlier than the latest, in among the morning so far.
            at = clock if how == "after" else clock - (clock - _at(DAY, 7, 0)) * rng.random()
            batch.append(_random_event(rng, people["kids"], people["adults"], people["staff"],
                                       shown, at))  # fmt: skip
        append_events(session, batch)
        shown += batch
    session.commit()
    return clock


@pytest.mark.parametrize("seed", range(4))
def test_a_morning_folded_on_look_by_look_shows_what_the_whole_fold_shows(
    session: Session, seed: int
) -> None:
    _, people = _small_nursery(session)
    rng, shown = random.Random(seed), list[EventRecord]()
    clock, carried = _at(DAY, 7, 0), 0
    for _ in range(20):
        clock = _change_the_day(session, rng, shown, clock, **people)
        _every_look_is_the_whole_fold(session, clock)
        for types in (PRESENCE_TYPES, ON_SITE_TYPES):
            fold = kept_day_fold(session, DAY, LONDON, types)
            carried += fold.folded < len(fold.rows)
    assert carried > 10  # most looks folded only what was new (db/kept_fold.py)
