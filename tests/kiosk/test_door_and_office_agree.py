"""The door's staff mode and fire roll call, the office's Today page and the register all ask
db.on_site which room each child is in: for the same events they give the same answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from admin.views.today import today_now
from db.events import append_events
from db.register import on_site_now
from db.timeline import Timeline
from db.vocabulary import EventType
from kiosk import staff_views
from kiosk.door.decisions import new_event
from kiosk.store.replica import load_book
from tests.db.test_register import LONDON, _at, _in, _nursery

DAY = date(2026, 11, 23)


def test_zoe_signed_in_at_a_door_that_did_not_know_her_room_is_in_her_room_everywhere(
    session: Session,
) -> None:
    amara, zoe, mum, saskia, room = _nursery(session)
    events = [
        _in(amara, mum, _at(DAY, 8, 31), room),
        # A door whose copy of the rooms was older than Zoë's place: no room on the event.
        new_event(
            EventType.CHILD_ARRIVED,
            now=_at(DAY, 8, 40),
            device="garden",
            child_id=zoe.id,
            adult_id=mum.id,
        ),
        new_event(
            EventType.STAFF_SIGNED_IN,
            now=_at(DAY, 8, 0),
            device="front",
            staff_id=saskia.id,
            room_id=room.id,
        ),
    ]

    append_events(session, events)
    session.commit()
    now = _at(DAY, 10, 0)

    door = staff_views.on_site_by_room(
        load_book(session), Timeline.of(events), {room.id: room.name}, LONDON
    )
    office = today_now(session, now, LONDON)
    register = on_site_now(session, now, LONDON)

    at_the_door = {g["room"]: sorted(c["id"] for c in g["children"]) for g in door}
    in_the_office = {r.name: sorted(int(str(c["id"])) for c in r.children) for r in office.rooms}
    both = sorted([amara.id, zoe.id])
    assert at_the_door == {"Pre-school": both}
    assert {k: v for k, v in in_the_office.items() if v} == at_the_door
    assert {
        r: sorted(s.child_id for s in stays) for r, stays in register.children_by_room.items()
    } == {room.id: both}
    assert [len(g["staff"]) for g in door] == [len(r.staff) for r in office.rooms if r.children]
