"""Settings › Closed days: the bank holidays, INSET days and closures the manager puts down, so
that on those days nobody is "not yet arrived" (admin/office/closed_days.py). Add a day or a
run of days with a label, remove one, or add England and Wales' bank holidays for this year and
next in one go. Every change is audited; the doors are not told (nothing changes there).
Manager only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.dates import order_for
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import HubError, not_found
from admin.forms import Checked
from admin.office.closed_days import (
    add_bank_holidays,
    add_closed_days,
    closed_days_from,
    remove_closed_day,
)
from admin.templating import render
from db.clock import local_day
from db.register import setting_zone

router = APIRouter()
PAGE = "/settings/closed-days"
FIELDS = ("first_day", "last_day", "label")


def _page(request: Request, db: Session, now: Any, status: int = 200, **more: Any) -> Response:
    today = local_day(now, setting_zone(db))
    context: dict[str, Any] = {
        "rows": closed_days_from(db, today),
        "this_year": today.year,
        "values": {},
        "errors": {},
        "saved": "",
    } | more
    return render(request, "closed_days.html", context, status)


def _done_text(saved: str, holidays: int, year: int) -> str:
    if holidays > 0:
        return f"Added {holidays} bank holiday{'s' if holidays != 1 else ''}."
    if holidays == 0:
        return f"The bank holidays of {year} and {year + 1} were on the list already."
    return {"added": "Saved.", "removed": "Removed. The audit log keeps what it was."}.get(
        saved, ""
    )


@router.get(PAGE)
def closed_days_page(
    request: Request,
    me: ManagerOnly,
    db: SessionDep,
    now: NowDep,
    saved: str = "",
    holidays: int = -1,
) -> Response:
    year = local_day(now, setting_zone(db)).year
    return _page(request, db, now, saved=_done_text(saved, holidays, year))


@router.post(PAGE)
def add_closure(
    request: Request, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    checked = Checked(form)
    order = order_for(request)
    first = checked.day("first_day", "the first day the nursery is closed", order)
    last = checked.day("last_day", "the last day", order, required=False)
    label = checked.text("label", "what the closure is (e.g. INSET day)", max_len=100)
    if checked.ok and first is not None:
        try:
            add_closed_days(db, first, last, label)
        except HubError as problem:
            checked.errors["last_day"] = problem.message
    if not checked.ok:
        typed = {name: checked.raw(name) for name in FIELDS}
        return _page(request, db, now, 400, values=typed, errors=checked.errors)
    db.commit()
    return RedirectResponse(f"{PAGE}?saved=added", status_code=303)


@router.post(f"{PAGE}/bank-holidays")
def add_the_bank_holidays(me: ManagerOnly, db: SessionDep, now: NowDep) -> Response:
    year = local_day(now, setting_zone(db)).year
    added = add_bank_holidays(db, [year, year + 1])
    db.commit()
    return RedirectResponse(f"{PAGE}?holidays={added}", status_code=303)


@router.post(PAGE + "/{row_id}/remove")
def remove_closure(row_id: int, me: ManagerOnly, db: SessionDep, now: NowDep) -> Response:
    if remove_closed_day(db, row_id, now) is None:
        raise not_found("That closed day")
    db.commit()
    return RedirectResponse(f"{PAGE}?saved=removed", status_code=303)
