"""Staff and visitors on the premises (R16, R17)."""

from __future__ import annotations

from datetime import datetime

from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.door.context import DoorContext, clean_text
from kiosk.door.decisions import DoorInputError


def staff_sign_in(
    ctx: DoorContext, *, staff_id: int, now: datetime, room_id: int | None = None
) -> tuple[EventRecord, ...]:
    """Signing in again while on site moves the member of staff to another room."""
    staff = ctx.book.staff.get(staff_id)
    if staff is None or not staff.active:
        raise DoorInputError("That member of staff is not known here.")
    shift = ctx.timeline.staff_on_site.get(staff_id)
    room = room_id if room_id is not None else staff.room_id
    if shift is not None and shift.room_id == room:
        return ()
    return (ctx.event(EventType.STAFF_SIGNED_IN, now=now, staff_id=staff_id, room_id=room),)


def staff_sign_out(ctx: DoorContext, *, staff_id: int, now: datetime) -> tuple[EventRecord, ...]:
    if staff_id not in ctx.timeline.staff_on_site:
        return ()
    return (ctx.event(EventType.STAFF_SIGNED_OUT, now=now, staff_id=staff_id),)


def visitor_sign_in(
    ctx: DoorContext,
    *,
    name: str,
    visiting: str,
    supervisor_staff_id: int,
    now: datetime,
    organisation: str = "",
    visitor_id: int | None = None,
) -> tuple[EventRecord, ...]:
    """A visitor never has unsupervised access (R16): a supervisor on site is required."""
    clean_name = clean_text(name, what="the visitor's name")
    clean_visiting = clean_text(visiting, what="who they are visiting")
    clean_org = clean_text(organisation, what="the organisation", required=False)
    if supervisor_staff_id not in ctx.timeline.staff_on_site:
        raise DoorInputError("Please choose a member of staff on site to supervise the visit.")
    return (
        ctx.event(
            EventType.VISITOR_SIGNED_IN,
            now=now,
            staff_id=supervisor_staff_id,
            visitor_id=visitor_id,
            payload={"name": clean_name, "organisation": clean_org, "visiting": clean_visiting},
        ),
    )


def visitor_sign_out(
    ctx: DoorContext, *, visit_uuid: str, now: datetime
) -> tuple[EventRecord, ...]:
    visit = ctx.timeline.visitors_on_site.get(visit_uuid)
    if visit is None:
        return ()
    return (
        ctx.event(
            EventType.VISITOR_SIGNED_OUT, now=now, ref=visit_uuid, visitor_id=visit.visitor_id
        ),
    )
