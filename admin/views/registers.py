"""The daily register (R17) for any date, on screen, printed and as CSV; hours per child over
a date range as CSV for funding returns. Staff and manager."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from admin.csv_files import csv_download
from admin.deps import CurrentStaff, NowDep, SessionDep
from admin.errors import HubError
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


def _day(raw: str | None, default: date, label: str) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise HubError(400, "bad_date", f"The {label} is not a date (YYYY-MM-DD).") from exc


def _clock(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else as_utc(value).astimezone(zone).strftime("%H:%M")


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
    ]


def record_position(db: Session) -> str:
    """Where each chain of signed events stood when this register was made ("front-door 812;
    office 45"): a paper or CSV copy can later be held against the record (handover verify)."""
    return "; ".join(f"{device} {top}" for device, top in sorted(chain_heads(db).items()))


def _seen(request: Request, db: Session, rows: list[RegisterRow], what: str) -> None:
    adults = [a for r in rows for a in r.adult_ids]
    record_people_seen(
        request, db, {"children": [r.child_id for r in rows], "adults": adults}, what
    )


@router.get("/register")
def register_page(
    request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep, day: str | None = None
) -> Response:
    zone = setting_zone(db)
    today = local_day(now, zone)
    chosen = _day(day, today, "date")
    rows = daily_register(db, chosen, zone)
    _seen(request, db, rows, f"register {chosen}")
    context = {
        "rows": [register_cells(r, zone) for r in rows],
        "columns": REGISTER_COLUMNS,
        "chosen": chosen,
        "children": len({r.child_id for r in rows}),
        "previous": chosen - timedelta(days=1),
        "next": chosen + timedelta(days=1),
        "month_start": chosen.replace(day=1),
        "today": today,
        "position": record_position(db),
        "hours_unknown": hours_unknown_note(sum(r.arrived_at is None for r in rows)),
    }
    return render(request, "register.html", context)


@router.get("/register.csv")
def register_csv(
    request: Request, staff: CurrentStaff, db: SessionDep, now: NowDep, day: str | None = None
) -> Response:
    zone = setting_zone(db)
    chosen = _day(day, local_day(now, zone), "date")
    register = daily_register(db, chosen, zone)
    what = f"register {chosen} (CSV)"
    _seen(request, db, register, what)
    rows = [register_cells(r, zone) for r in register]
    if note := hours_unknown_note(sum(r.arrived_at is None for r in register)):
        rows += [[], ["Hours unknown", note]]
    if position := record_position(db):  # after a blank line, below the register itself
        rows += [[], ["Made from the record at", position]]
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
    first = _day(start, today.replace(day=1), "first day")
    last = _day(end, today, "last day")
    if last < first:
        raise HubError(400, "bad_range", "The last day is before the first day.")
    if (last - first).days > MAX_RANGE_DAYS:
        raise HubError(400, "bad_range", f"Please choose at most {MAX_RANGE_DAYS} days.")
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
