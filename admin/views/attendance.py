"""Who collected whom (issue 15 §4): every period over a range of days, for one child or for
the periods one adult brought or collected, or for everyone. Two clicks from Today: its link,
then the search. Staff and manager, as the register."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from admin.dates import order_for
from admin.deps import CurrentStaff, NowDep, SessionDep
from admin.forms import AskedDays
from admin.office.attendance import attendance, total_hours
from admin.office.registers import hours_text
from admin.office.viewing import record_people_seen
from admin.templating import render
from db.clock import local_day
from db.models import Adult, Child
from db.names import full_name, sort_key
from db.register import setting_zone

router = APIRouter()


def _person(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _choices(db: SessionDep, model: type[Child] | type[Adult]) -> list[tuple[int, str]]:
    people = sorted(
        db.execute(
            select(model.id, model.first_name, model.last_name).where(model.deleted_at.is_(None))
        ).all(),
        key=lambda p: sort_key(p[2], p[1]),
    )
    return [(p[0], full_name(p[1], p[2])) for p in people]


@router.get("/attendance")
def attendance_page(
    request: Request,
    staff: CurrentStaff,
    db: SessionDep,
    now: NowDep,
    child: str = "",
    adult: str = "",
    start: str = "",
    end: str = "",
) -> Response:
    today = local_day(now, setting_zone(db))
    asked = AskedDays(order_for(request))
    first = asked.day("start", start, today)
    last = asked.day("end", end, first if start else today)
    child_id, adult_id = _person(child), _person(adult)
    rows = attendance(db, first=first, last=last, now=now, child_id=child_id, adult_id=adult_id)
    child_choices, adult_choices = _choices(db, Child), _choices(db, Adult)
    # Who the page names: the periods' children and their adults, and everyone in the pickers.
    seen = {
        "children": [r.row.child_id for r in rows] + [i for i, _ in child_choices],
        "adults": [a for r in rows for a in r.row.adult_ids] + [i for i, _ in adult_choices],
    }
    record_people_seen(request, db, seen, "attendance")
    context = {
        "rows": rows,
        "total": total_hours(rows),
        "hours_text": hours_text,
        "children_count": len({r.row.child_id for r in rows}),
        "child_choices": child_choices,
        "adult_choices": adult_choices,
        "values": {"child": child_id, "adult": adult_id, "start": first, "end": last},
        "week_ago": today - timedelta(days=6),
        "today": today,
        "asked": asked,
    }
    return render(request, "attendance.html", context, status=asked.status)
