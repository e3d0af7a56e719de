"""Funded hours (issue 15 §4): a week's hours attended against each funded child's entitlement,
the termly headcount as CSV for the local authority's portal, and each child's entitlement.
Manager only."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from admin.csv_files import csv_download
from admin.dates import order_for
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import HubError
from admin.forms import AskedDays, day_asked
from admin.office.children import get_child
from admin.office.funding import (
    HEADCOUNT_COLUMNS,
    TERM_WEEKS,
    funded_children,
    funded_week,
    headcount_rows,
    set_funding,
    week_of,
)
from admin.office.registers import hours_text
from admin.office.viewing import record_seen
from admin.templating import render
from db.clock import local_day
from db.register import setting_zone

router = APIRouter()


@router.get("/funding")
def funding_page(
    request: Request, manager: ManagerOnly, db: SessionDep, now: NowDep, week: str = ""
) -> Response:
    today = local_day(now, setting_zone(db))
    asked = AskedDays(order_for(request))
    monday = week_of(asked.day("week", week, today))
    if not asked.errors:
        asked.values["week"] = monday
    rows = funded_week(db, monday, now=now)
    record_seen(request, db, "children", [r.child_id for r in rows], f"funded hours {monday}")
    context = {
        "rows": rows,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "hours_text": hours_text,
        "term_start": today.replace(day=1),
        "today": today,
        "asked": asked,
        "term": {"start": today.replace(day=1), "end": today},
    }
    return render(request, "funding.html", context, status=asked.status)


@router.get("/funding/headcount.csv")
def headcount_csv(
    request: Request,
    manager: ManagerOnly,
    db: SessionDep,
    now: NowDep,
    start: str = "",
    end: str = "",
) -> Response:
    today = local_day(now, setting_zone(db))
    first = day_asked(start, today.replace(day=1), "first day", order_for(request))
    last = day_asked(end, today, "last day", order_for(request))
    rows = headcount_rows(db, first, last, now=now)
    seen = [c.id for c in funded_children(db)]
    record_seen(request, db, "children", seen, f"headcount {first} to {last} (CSV)")
    name = f"funded-headcount-{first.isoformat()}-to-{last.isoformat()}.csv"
    return csv_download(HEADCOUNT_COLUMNS, rows, name)


def _form(
    request: Request, db: SessionDep, child_id: int, values: dict[str, str], error: str
) -> Response:
    child = get_child(db, child_id)
    values = values or {"hours": str(child.funded_hours), "weeks": str(child.funded_weeks)}
    context = {"child": child, "values": values, "error": error, "term_weeks": TERM_WEEKS}
    return render(request, "child_funding.html", context, status=400 if error else 200)


@router.get("/children/{child_id}/funding")
def funding_form(request: Request, child_id: int, manager: ManagerOnly, db: SessionDep) -> Response:
    page = _form(request, db, child_id, {}, "")
    record_seen(request, db, "children", [child_id], "funding")
    return page


@router.post("/children/{child_id}/funding")
def funding_save(
    request: Request, child_id: int, form: FormDep, manager: ManagerOnly, db: SessionDep
) -> Response:
    values = {k: str(form.get(k) or "") for k in ("hours", "weeks")}
    try:
        set_funding(db, get_child(db, child_id), hours=values["hours"], weeks=values["weeks"])
    except HubError as error:
        if error.status != 400:
            raise
        db.rollback()
        return _form(request, db, child_id, values, error.message)
    return RedirectResponse(f"/children/{child_id}?saved=1#attendance", status_code=303)
