"""The daily register (R17) for any date, on screen (room by room, with hours and totals),
printed with the manager's sign-off, and as CSV; a departure recorded after the fact; hours per
child over a date range as CSV for funding returns. Staff read; the manager signs and corrects."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.csv_files import csv_download
from admin.dates import order_for
from admin.deps import CurrentStaff, FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import HubError
from admin.forms import AskedDays, check_range, day_asked, posted_child_day
from admin.office.absences import Absent, absent_on
from admin.office.closed_days import closure_on
from admin.office.departures import open_stay, record_departure
from admin.office.not_arrived import follow_ups
from admin.office.registers import day_register, hours_text, latest_sign_off, sign_off_register
from admin.office.viewing import record_people_seen, record_seen
from admin.templating import render
from db.clock import as_utc, local_day
from db.models import Child
from db.names import sort_key
from db.register import Hours, RegisterRow, daily_register, hours_attended, setting_zone
from db.verify import chain_heads

router = APIRouter()
MAX_RANGE_DAYS = 400
REGISTER_COLUMNS = (
    "Child",
    "Room",
    "Key person",
    "Arrived",
    "Left",
    "Brought by",
    "Collected by",
    "Confirmed by",
    "Arrival seen by",
    "ID checked",
    "Hours",
    "Note",
)

# A child handed over at a door that never saw the arrival, when no door's arrival synced in.
ARRIVAL_NOT_RECORDED = "arrival not recorded"
HOURS_COLUMNS = ("First name", "Last name", "Date of birth", "Hours", "Hours unknown on")


def hours_unknown_note(stays: int) -> str:
    """Said under the register, at the foot of both CSVs, and on the hours form: a stay with no
    recorded arrival has no length, and the funding hours are short by it until it is checked."""
    if not stays:
        return ""
    which = "1 stay has" if stays == 1 else f"{stays} stays have"
    return (
        f"{which} no recorded arrival: its hours are unknown and not counted in the hours. "
        "The hours CSV names the day; check it against the paper register."
    )


def _clock(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else as_utc(value).astimezone(zone).strftime("%H:%M")


def correction_note(row: RegisterRow, zone: ZoneInfo) -> str:
    """What the register says of a departure recorded after the fact, so it is never read as
    a handover seen at the door."""
    if not row.correction_reason:
        return ""
    written = row.correction_recorded_at
    at = f" on {as_utc(written).astimezone(zone).strftime('%a %d %b %H:%M')}" if written else ""
    by = f" by {row.confirmed_by}" if row.confirmed_by else ""
    return f"Departure recorded afterwards{by}{at}: {row.correction_reason}"


def register_cells(row: RegisterRow, zone: ZoneInfo) -> list[str]:
    arrived = ARRIVAL_NOT_RECORDED if row.arrived_at is None else _clock(row.arrived_at, zone)
    return [
        row.child_name,
        row.room,
        row.key_person,
        arrived,
        _clock(row.departed_at, zone),
        row.brought_by,
        row.collected_by,
        row.confirmed_by,
        row.acknowledged_by,
        row.id_document,
        f"{row.hours.total_seconds() / 3600:.2f}",
        correction_note(row, zone),
    ]


def record_position(db: Session) -> str:
    """Where each chain of signed events stood when this register was made ("front-door 812;
    office 45"): a paper or CSV copy can later be held against the record (handover verify)."""
    return "; ".join(f"{device} {top}" for device, top in sorted(chain_heads(db).items()))


def _seen(
    request: Request, db: Session, rows: list[RegisterRow], what: str, absent: list[Absent]
) -> None:
    """The children and the adults a register names, and the booked children it lists absent."""
    children = [r.child_id for r in rows] + [a.child_id for a in absent]
    adults = [a for r in rows for a in r.adult_ids]
    record_people_seen(request, db, {"children": children, "adults": adults}, what)


@router.get("/register")
def register_page(
    request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep, day: str | None = None
) -> Response:
    zone = setting_zone(db)
    today = local_day(now, zone)
    asked = AskedDays(order_for(request))
    chosen = asked.day("day", day, today)
    register = day_register(db, chosen, now=now, zone=zone)
    absent = absent_on(db, chosen, now=now)
    _seen(request, db, register.rows, f"register {chosen}", absent)
    context = {
        "register": register,
        "absent": absent,
        "closed": closure_on(db, chosen),
        "followed_up": follow_ups(db, chosen, [a.child_id for a in absent]),
        "hours": hours_text,
        "note": lambda row: correction_note(row, zone),
        "chosen": chosen,
        "previous": chosen - timedelta(days=1),
        "next": chosen + timedelta(days=1),
        "month_start": chosen.replace(day=1),
        "today": today,
        "position": record_position(db),
        "hours_unknown": hours_unknown_note(sum(r.arrived_at is None for r in register.rows)),
        "asked": asked,
        "hours_range": {"start": chosen.replace(day=1), "end": today},
    }
    return render(request, "register.html", context, status=asked.status)


# A row with one empty cell, not none: every row of the file has a first cell to read.
BLANK = [""]


def _after_the_register(
    db: Session, day: date, absent: list[Absent], zone: ZoneInfo
) -> list[list[str]]:
    """Below the register, each after a blank row: who was booked and did not come (and why),
    the manager's sign-off, and where the record stood when this copy was made."""
    rows: list[list[str]] = []
    if closure := closure_on(db, day):
        rows += [BLANK, ["Closed day", closure.label, "No booked child was expected"]]
    if absent:
        done = follow_ups(db, day, [a.child_id for a in absent])
        rows += [BLANK, ["Absent", "Room", "Booked", "Why", "Note", "Recorded by", "Followed up"]]
        rows += [
            [a.name, a.room, a.sessions, a.reason or "not recorded", a.note, a.recorded_by,
             done.get(a.child_id, "")]
            for a in absent
        ]  # fmt: skip
    signed = latest_sign_off(db, day)
    when = as_utc(signed.at).astimezone(zone).strftime("%Y-%m-%d %H:%M") if signed else ""
    rows += [BLANK, ["Signed off by", signed.staff, when] if signed else ["Not signed off"]]
    if position := record_position(db):
        rows += [BLANK, ["Made from the record at", position]]
    return rows


@router.get("/register.csv")
def register_csv(
    request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep, day: str | None = None
) -> Response:
    zone = setting_zone(db)
    chosen = day_asked(day, local_day(now, zone), "date", order_for(request))
    register = daily_register(db, chosen, zone, now=now)
    absent = absent_on(db, chosen, now=now)
    what = f"register {chosen} (CSV)"
    _seen(request, db, register, what, absent)
    rows = [register_cells(r, zone) for r in register]
    if note := hours_unknown_note(sum(r.arrived_at is None for r in register)):
        rows += [BLANK, ["Hours unknown", note]]
    rows += _after_the_register(db, chosen, absent, zone)
    return csv_download(REGISTER_COLUMNS, rows, f"register-{chosen.isoformat()}.csv")


@router.get("/register/hours.csv")
def hours_csv(
    request: Request,
    staff: CurrentStaff,
    db: SessionDep,
    now: NowDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    zone = setting_zone(db)
    today = local_day(now, zone)
    first = day_asked(start, today.replace(day=1), "first day", order_for(request))
    last = day_asked(end, today, "last day", order_for(request))
    check_range(first, last, MAX_RANGE_DAYS)
    totals = hours_attended(db, first, last, now=now, zone=zone)
    record_seen(request, db, "children", list(totals), f"hours {first} to {last} (CSV)")
    children = {c.id: c for c in db.query(Child).filter(Child.id.in_(list(totals))).all()}
    ordered = sorted(
        totals,
        key=lambda i: (
            sort_key(children[i].last_name, children[i].first_name) if i in children else ("",)
        ),
    )
    rows = [_hours_row(children.get(child_id), totals[child_id]) for child_id in ordered]
    if note := hours_unknown_note(sum(len(h.unknown_on) for h in totals.values())):
        rows += [[], ["Hours unknown", note]]
    return csv_download(HOURS_COLUMNS, rows, f"hours-{first.isoformat()}-to-{last.isoformat()}.csv")


def _hours_row(child: Child | None, hours: Hours) -> list[str]:
    """Counted hours stay a plain number a spreadsheet adds up; the days whose hours are
    unknown sit beside them, so a total is never falsely low without saying so."""
    return [
        child.first_name if child else "",
        child.last_name if child else "",
        child.date_of_birth.isoformat() if child else "",
        f"{hours.counted.total_seconds() / 3600:.2f}",
        "; ".join(day.isoformat() for day in hours.unknown_on),
    ]


@router.post("/register/sign-off")
def sign_off(
    request: Request, form: FormDep, manager: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    today = local_day(now, setting_zone(db))
    chosen = day_asked(str(form.get("day") or ""), today, "date", order_for(request))
    sign_off_register(db, chosen, manager=manager, now=now)
    return RedirectResponse(f"/register?day={chosen.isoformat()}#sign-off", status_code=303)


def _departure_page(
    request: Request, db: Session, child_id: int, chosen: date, values: dict[str, str], error: str
) -> Response:
    stay = open_stay(db, child_id, chosen, setting_zone(db))
    context = {
        "child": db.get(Child, child_id),
        "chosen": chosen,
        "arrived": stay.arrived_at,
        "values": values,
        "error": error,
    }
    status = 400 if error else 200
    return render(request, "register_departure.html", context, status=status)


@router.get("/register/departure")
def departure_form(
    request: Request, manager: ManagerOnly, db: SessionDep, child: int, day: str
) -> Response:
    chosen = day_asked(day, date.min, "date", order_for(request))
    page = _departure_page(request, db, child, chosen, {}, "")
    record_seen(request, db, "children", [child], "departure form")
    return page


@router.post("/register/departure")
def departure_save(
    request: Request, form: FormDep, manager: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    fields = ("left_at", "reason", "collected_by")
    today = local_day(now, setting_zone(db))
    child_id, chosen, values = posted_child_day(form, today, fields, order_for(request))
    try:
        record_departure(
            db,
            child_id=child_id,
            day=chosen,
            manager_id=manager.id,
            manager_role=manager.role,
            now=now,
            left_at=values["left_at"],
            reason=values["reason"],
            collected_by=values["collected_by"],
        )
    except HubError as error:
        if error.status != 400:
            raise
        db.rollback()
        return _departure_page(request, db, child_id, chosen, values, error.message)
    return RedirectResponse(f"/register?day={chosen.isoformat()}", status_code=303)
