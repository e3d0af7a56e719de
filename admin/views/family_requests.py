"""Parents' requests in the office (issue 17 §3): absences told from the parents' page, to be
seen, and one-off written permissions asked for, which a manager accepts (choosing the adult
from the nursery's records, with the same age check as at the desk) or declines. Nothing a
parent sends reaches the door until then."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from admin.deps import CurrentStaff, FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import not_found
from admin.forms import Checked
from admin.office.collection import adult_choices, minimum_collector_age
from admin.office.family_requests import (
    PENDING,
    PERMISSION,
    accept_permission,
    decline_request,
    pending_requests,
)
from admin.office.viewing import record_seen
from admin.people import collector_age_problem
from admin.templating import render
from db.clock import local_day
from db.models import Adult, FamilyRequest
from db.names import full_name
from db.register import setting_zone

router = APIRouter()


@router.get("/family-requests/{request_id}/photo")
def request_photo(
    request: Request, request_id: int, staff: CurrentStaff, db: SessionDep
) -> Response:
    """The photo a parent sent of who would collect, for staff only; each look audited."""
    asked = db.get(FamilyRequest, request_id)
    if asked is None or asked.photo is None:
        raise not_found("That photo")
    record_seen(request, db, "family_requests", [request_id], "photo")
    headers = {"Cache-Control": "private, no-store"}
    return Response(asked.photo, media_type="image/jpeg", headers=headers)


@router.get("/family-requests")
def requests_page(request: Request, staff: CurrentStaff, db: SessionDep) -> Response:
    return _page(request, db, "")


def _page(request: Request, db: SessionDep, problem: str) -> Response:
    pending = pending_requests(db)
    record_seen(request, db, "children", [p.request.child_id for p in pending], "requests")
    context = {"pending": pending, "adults": adult_choices(db), "problem": problem}
    return render(request, "family/requests.html", context, status=400 if problem else 200)


def _pending(db: SessionDep, request_id: int) -> FamilyRequest:
    found = db.get(FamilyRequest, request_id)
    if found is None or found.status != PENDING:
        raise not_found("That request")
    return found


@router.post("/family-requests/{request_id}/accept")
def accept(
    request: Request,
    request_id: int,
    form: FormDep,
    staff: ManagerOnly,
    db: SessionDep,
    now: NowDep,
) -> Response:
    asked = _pending(db, request_id)
    if asked.kind != PERMISSION:
        raise not_found("That request")
    checked = Checked(form)
    chosen = checked.choice(
        "adult_id", "the adult", {a for a, _ in adult_choices(db)}, required=True
    )
    adult = db.get(Adult, chosen) if chosen is not None else None
    problem = (
        "Please choose the adult from the list."
        if adult is None
        else collector_age_problem(
            date_of_birth=adult.date_of_birth,
            confirmed_adult=adult.confirmed_adult,
            minimum_age=minimum_collector_age(db),
            today=local_day(now, setting_zone(db)),
            name=full_name(adult.first_name, adult.last_name),
        )
    )
    if problem or adult is None:
        return _page(request, db, problem or "Please choose the adult from the list.")
    accept_permission(db, request=asked, adult=adult, by=staff, now=now)
    return RedirectResponse(f"/children/{asked.child_id}#permissions", status_code=303)


@router.post("/family-requests/{request_id}/decline")
def decline(
    request_id: int, form: FormDep, staff: CurrentStaff, db: SessionDep, now: NowDep
) -> Response:
    """Declining a permission is the manager's, as accepting one is; any member of staff may
    mark an absence as seen."""
    asked = _pending(db, request_id)
    if asked.kind == PERMISSION and staff.role != "manager":
        raise not_found("That request")
    decline_request(db, request=asked, by=staff, now=now)
    return RedirectResponse("/family-requests", status_code=303)
