"""Recording why a booked child is absent (issue 15 §4), from the "not yet arrived" notice on
Today or from the register. Manager only; the register shows each absence and its reason."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.dates import order_for
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import HubError, not_found
from admin.forms import day_asked, posted_child_day
from admin.office.absences import record_absence
from admin.office.not_arrived import answer_not_arrived
from admin.office.viewing import record_seen
from admin.templating import render
from db.clock import local_day
from db.models import Child
from db.register import setting_zone
from db.vocabulary import ABSENCE_TEXT

router = APIRouter()


def _page(
    request: Request, db: Session, child_id: int, day: date, values: dict[str, str], error: str
) -> Response:
    child = db.get(Child, child_id)
    if child is None or child.deleted_at is not None:
        raise not_found("That child")
    context = {
        "child": child,
        "chosen": day,
        "reasons": {r.value: text for r, text in ABSENCE_TEXT.items()},
        "values": values,
        "error": error,
    }
    return render(request, "register_absence.html", context, status=400 if error else 200)


@router.get("/register/absence")
def absence_form(
    request: Request, manager: ManagerOnly, db: SessionDep, now: NowDep, child: int, day: str = ""
) -> Response:
    chosen = day_asked(day, local_day(now, setting_zone(db)), "date", order_for(request))
    page = _page(request, db, child, chosen, {}, "")
    record_seen(request, db, "children", [child], "absence form")
    return page


@router.post("/register/absence")
def absence_save(
    request: Request, form: FormDep, manager: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    today = local_day(now, setting_zone(db))
    child_id, chosen, values = posted_child_day(form, today, ("reason", "note"), order_for(request))
    try:
        record_absence(
            db,
            child_id=child_id,
            day=chosen,
            reason=values["reason"],
            note=values["note"],
            manager=manager,
            now=now,
        )
    except HubError as error:
        if error.status != 400:
            raise
        db.rollback()
        return _page(request, db, child_id, chosen, values, error.message)
    # The "not yet arrived" alert is answered by the absence: nobody need resolve it as well.
    answer_not_arrived(db, now, children={child_id})
    return RedirectResponse(f"/register?day={chosen.isoformat()}#absent", status_code=303)
