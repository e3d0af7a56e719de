"""The register, the on-site list and hours, read from events (R3, R9, R17)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from db.events import append_events
from db.models import Adult, Child, Room, Staff
from db.register import child_periods, daily_register, hours_attended, on_site_now
from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.door.decisions import new_event

LONDON = ZoneInfo("Europe/London")


def _nursery(session: Session) -> tuple[Child, Child, Adult, Staff, Room]:
    room = Room(name="Pre-school")
    saskia = Staff(username="saskia", first_name="Saskia", last_name="Brown")
    session.add_all([room, saskia])
    session.flush()
    amara = Child(
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=date(2022, 3, 1),
        room_id=room.id,
        key_person_id=saskia.id,
    )
    zoe = Child(
        first_name="Zoë",
        last_name="Adams",
        date_of_birth=date(2022, 5, 1),
        room_id=room.id,
        key_person_id=saskia.id,
    )
    mum = Adult(first_name="Ngozi", last_name="Okafor", confirmed_adult=True)
    session.add_all([amara, zoe, mum])
    session.commit()
    return amara, zoe, mum, saskia, room


def _at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=LONDON).astimezone(UTC)


def _in(child: Child, adult: Adult, at: datetime, room: Room) -> EventRecord:
    return new_event(
        EventType.CHILD_ARRIVED,
        now=at,
        device="front",
        child_id=child.id,
        adult_id=adult.id,
        room_id=room.id,
    )


def _out(child: Child, adult: Adult, staff: Staff, at: datetime) -> EventRecord:
    return new_event(
        EventType.CHILD_COLLECTED,
        now=at,
        device="front",
        child_id=child.id,
        adult_id=adult.id,
        staff_id=staff.id,
    )


def test_the_daily_register_shows_each_period_with_who_brought_collected_and_confirmed(
    session: Session,
) -> None:
    amara, zoe, mum, saskia, room = _nursery(session)
    day = date(2026, 11, 23)
    append_events(
        session,
        [
            _in(amara, mum, _at(day, 8, 31), room),
            _out(amara, mum, saskia, _at(day, 11, 30)),  # home for lunch
            _in(amara, mum, _at(day, 13, 0), room),
            _out(amara, mum, saskia, _at(day, 15, 2)),
            _in(zoe, mum, _at(day, 8, 45), room),
        ],
    )
    session.commit()

    rows = daily_register(session, day, LONDON)

    assert [r.child_name for r in rows] == ["Zoë Adams", "Amara Okafor", "Amara Okafor"]
    lunch = rows[1]
    assert (lunch.brought_by, lunch.collected_by, lunch.confirmed_by, lunch.key_person) == (
        "Ngozi Okafor",
        "Ngozi Okafor",
        "Saskia Brown",
        "Saskia Brown",
    )
    assert rows[0].departed_at is None and rows[0].collected_by == ""
    assert [p.arrived_at for p in child_periods(session, amara.id, day, LONDON)] == [
        _at(day, 8, 31),
        _at(day, 13, 0),
    ]
    hours = hours_attended(session, day, day, now=_at(day, 16, 0), zone=LONDON)
    assert hours[amara.id].counted == timedelta(hours=5, minutes=1)  # 2:59 + 2:02


def test_the_on_site_list_is_todays_arrivals_minus_departures_by_room(session: Session) -> None:
    amara, zoe, mum, saskia, room = _nursery(session)
    day = date(2026, 11, 23)
    yesterday = day - timedelta(days=1)
    append_events(
        session,
        [
            _in(zoe, mum, _at(yesterday, 8, 30), room),  # never signed out yesterday
            _in(amara, mum, _at(day, 8, 31), room),
            new_event(
                EventType.STAFF_SIGNED_IN,
                now=_at(day, 8, 0),
                device="front",
                staff_id=saskia.id,
                room_id=room.id,
            ),
        ],
    )
    session.commit()
    on_site = on_site_now(session, _at(day, 10, 0), LONDON)
    assert [s.child_id for s in on_site.children_by_room[room.id]] == [amara.id]
    assert [s.staff_id for s in on_site.staff] == [saskia.id]


def test_the_day_the_clocks_go_back_has_twenty_five_hours(session: Session) -> None:
    amara, _, mum, saskia, room = _nursery(session)
    day = date(2026, 10, 25)  # BST ends at 02:00
    append_events(
        session,
        [
            _in(amara, mum, _at(day, 0, 30), room),
            _out(amara, mum, saskia, _at(day, 23, 30)),
        ],
    )
    session.commit()
    (row,) = daily_register(session, day, LONDON)
    assert row.departed_at is not None and row.arrived_at is not None
    assert row.departed_at - row.arrived_at == timedelta(hours=24)
    hours = hours_attended(session, day, day, now=_at(day + timedelta(days=2), 0, 0), zone=LONDON)
    assert hours[amara.id].counted == timedelta(hours=24)


def test_the_day_the_clocks_go_forward_has_twenty_three_hours(session: Session) -> None:
    amara, _, mum, _, room = _nursery(session)
    day = date(2026, 3, 29)  # BST starts at 01:00
    late_sunday = _at(day, 23, 59)
    append_events(session, [_in(amara, mum, _at(day, 0, 0), room)])
    session.commit()
    hours = hours_attended(session, day, day, now=late_sunday + timedelta(days=1), zone=LONDON)
    assert hours[amara.id].counted == timedelta(hours=23)
    assert daily_register(session, day + timedelta(days=1), LONDON) == []


def test_resending_the_same_events_stores_them_once(session: Session) -> None:
    amara, _, mum, _, room = _nursery(session)
    arrival = _in(amara, mum, _at(date(2026, 11, 23), 8, 31), room)
    assert append_events(session, [arrival, arrival]) == [arrival]
    session.commit()
    assert append_events(session, [arrival]) == []
