"""Today: who is on site now, room by room, with each room's ratio; arrivals waiting for a
member of staff; open alerts. The page refreshes its parts live (see ``admin/live.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.deps import CurrentStaff, FormDep, NowDep, SessionDep
from admin.errors import not_found
from admin.office.absences import Absent, not_yet_arrived
from admin.office.alerts import AlertView, open_alerts, people_in
from admin.office.closed_days import closure_on
from admin.office.viewing import record_people_seen
from admin.office_events import record_office_event
from admin.templating import render
from db.clock import age_in_months, local_day
from db.day_parts import Stay
from db.models import Child, RatioRule, Room, Staff
from db.names import sort_key
from db.on_site import on_site_by_room
from db.ratios import EYFS, RatioBand, RoomRatio, room_ratio
from db.register import Names, day_timeline, setting_zone
from db.timeline import Timeline
from db.vocabulary import EventType

router = APIRouter()


@dataclass
class RoomNow:
    id: int | None
    name: str
    colour: str
    children: list[dict[str, object]] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    ratio: RoomRatio | None = None


@dataclass
class TodayNow:
    rooms: list[RoomNow]
    visitors: list[dict[str, object]]
    waiting: list[dict[str, object]]
    alerts: list[AlertView]
    children_on_site: int
    staff_on_site: int


def ratio_bands(db: Session) -> list[RatioBand]:
    rows = db.scalars(select(RatioRule).where(RatioRule.deleted_at.is_(None))).all()
    if not rows:
        return list(EYFS)
    return [
        RatioBand(
            r.label,
            r.min_age_months,
            r.max_age_months,
            r.children_per_adult,
            r.children_per_adult_with_qualified_teacher,
        )
        for r in rows
    ]


def _child_row(stay: Stay, names: Names) -> dict[str, object]:
    brought = names.adults.get(stay.brought_by_adult_id or -1) or stay.brought_by_name or ""
    return {
        "id": stay.child_id,
        "adult_id": stay.brought_by_adult_id,
        "name": names.child(stay.child_id),
        "arrived": stay.arrived_at,
        "brought": brought,
        "acknowledged": stay.acknowledged_at is not None,
        "uuid": stay.arrival_uuid,
    }


def today_now(db: Session, now: datetime, zone: ZoneInfo | None = None) -> TodayNow:
    zone = zone or setting_zone(db)
    today = local_day(now, zone)
    timeline: Timeline = day_timeline(db, today, zone)
    names = Names.load(db)
    rooms: dict[int | None, RoomNow] = {
        r.id: RoomNow(r.id, r.name, r.colour)
        for r in db.scalars(
            select(Room).where(Room.deleted_at.is_(None)).order_by(Room.min_age_months, Room.id)
        )
    }
    on_site = list(timeline.on_site.values())
    births = (
        dict(
            db.execute(
                select(Child.id, Child.date_of_birth).where(
                    Child.id.in_([s.child_id for s in on_site])
                )
            ).all()
        )
        if on_site
        else {}
    )
    qualified = dict(db.execute(select(Staff.id, Staff.qualified_teacher)).all())
    ages: dict[int | None, list[int]] = {}
    teachers: dict[int | None, list[bool]] = {}
    home_rooms = {child_id: child.room_id for child_id, child in names.children.items()}
    for room_id, here in on_site_by_room(timeline, home_rooms).items():
        room = rooms.setdefault(room_id, RoomNow(room_id, "No room", "#999999"))
        for stay in sorted(here.children, key=lambda s: sort_key(names.child(s.child_id))):
            room.children.append(_child_row(stay, names))
            born = births.get(stay.child_id)
            ages.setdefault(room_id, []).append(age_in_months(born, today) if born else 0)
        for shift in here.staff:
            room.staff.append(names.staff.get(shift.staff_id, f"staff #{shift.staff_id}"))
            teachers.setdefault(room_id, []).append(qualified.get(shift.staff_id, False))
    bands = ratio_bands(db)
    for room_id, room in rooms.items():
        room.ratio = room_ratio(ages.get(room_id, []), teachers.get(room_id, []), bands)
    visitors = [
        {
            "name": v.name,
            "organisation": v.organisation,
            "visiting": v.visiting,
            "since": v.signed_in_at,
            "supervisor": names.staff.get(v.supervisor_staff_id or -1, ""),
        }
        for v in timeline.visitors_on_site.values()
    ]
    waiting = [
        _child_row(s, names)
        for s in sorted(timeline.unacknowledged_arrivals(), key=lambda s: s.arrived_at)
    ]
    return TodayNow(
        rooms=[r for r in rooms.values() if r.id is not None or r.children or r.staff],
        visitors=visitors,
        waiting=waiting,
        alerts=open_alerts(db, now, names=names),
        children_on_site=len(on_site),
        staff_on_site=len(timeline.staff_on_site),
    )


@router.get("/today")
def today_page(request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep) -> Response:
    shown = today_now(db, now)
    late = not_yet_arrived(db, now)
    _seen(request, db, shown, late)
    return render(request, "today.html", _context(db, shown, now, late))


def _context(db: Session, shown: TodayNow, now: datetime, late: list[Absent]) -> dict[str, object]:
    closed = closure_on(db, local_day(now, setting_zone(db)))
    return {"now": shown, "at": now, "late": late, "closed": closed}


def _seen(request: Request, db: Session, shown: TodayNow, late: list[Absent]) -> None:
    rows = [row for room in shown.rooms for row in room.children] + shown.waiting
    seen: dict[str, list[object]] = {
        "children": [row["id"] for row in rows] + [a.child_id for a in late],
        "adults": [row["adult_id"] for row in rows],
    }
    for kind, ids in people_in(shown.alerts).items():
        seen[kind] += ids
    record_people_seen(request, db, seen, "today")


@router.get("/today/fragment")
def today_fragment(request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep) -> Response:
    shown = today_now(db, now)
    late = not_yet_arrived(db, now)
    _seen(request, db, shown, late)  # a child arriving later is seen here first
    return render(request, "today_fragment.html", _context(db, shown, now, late))


@router.post("/today/acknowledge/{arrival_uuid}")
def acknowledge_arrival(
    arrival_uuid: str, form: FormDep, staff: CurrentStaff, db: SessionDep, now: NowDep
) -> Response:
    zone = setting_zone(db)
    stay = day_timeline(db, local_day(now, zone), zone).arrivals_by_uuid.get(arrival_uuid)
    if stay is None:
        raise not_found("That arrival")
    if stay.acknowledged_at is None:
        record_office_event(
            db,
            EventType.ARRIVAL_ACKNOWLEDGED,
            now=now,
            staff_id=staff.id,
            ref=arrival_uuid,
            child_id=stay.child_id,
        )
    return RedirectResponse("/today", status_code=303)
