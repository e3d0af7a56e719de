"""Removing a child or an adult who has left: a confirmation that says what the door will stop
showing, the removal, and undo within the grace period. Manager only."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from admin.deps import ManagerOnly, NowDep, SessionDep
from admin.errors import HubError
from admin.office.adults import get_adult
from admin.office.children import get_child
from admin.office.door_losses import (
    adult_losses,
    child_losses,
    named_with_adult,
    named_with_child,
)
from admin.office.leaving import (
    UNDO_DAYS,
    UNDO_WINDOW,
    child_on_site,
    remove_adult,
    remove_child,
    undo_adult,
    undo_child,
)
from admin.office.viewing import record_people_seen
from admin.templating import render
from db.clock import local_day
from db.models import Adult, Child
from db.register import setting_zone

router = APIRouter()


def _confirm(
    request: Request,
    person: Child | Adult,
    losses: list[str],
    *,
    now: datetime,
    blocked: str = "",
    status: int = 200,
) -> Response:
    context = {
        "kind": "child" if isinstance(person, Child) else "adult",
        "person": person,
        "losses": losses,
        "undo_until": now + UNDO_WINDOW,
        "undo_days": UNDO_DAYS,
        "blocked": blocked,
    }
    return render(request, "remove.html", context, status=status)


@router.get("/children/{child_id}/remove")
def confirm_child(
    request: Request, child_id: int, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    child = get_child(db, child_id)
    record_people_seen(request, db, named_with_child(db, child.id), "remove")
    blocked = ""
    if child_on_site(db, child, now):
        blocked = f"{child.first_name} is on the register now: record the collection first."
    losses = child_losses(db, child, today=local_day(now, setting_zone(db)))
    return _confirm(request, child, losses, now=now, blocked=blocked)


@router.post("/children/{child_id}/remove")
def remove_child_now(
    request: Request, child_id: int, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    child = get_child(db, child_id)
    try:
        remove_child(db, child, now=now)
    except HubError as refused:
        db.rollback()
        losses = child_losses(db, child, today=local_day(now, setting_zone(db)))
        return _confirm(
            request, child, losses, now=now, blocked=refused.message, status=refused.status
        )
    db.commit()
    return RedirectResponse(f"/children?removed={child.id}", status_code=303)


@router.post("/children/{child_id}/undo")
def undo_child_removal(child_id: int, staff: ManagerOnly, db: SessionDep, now: NowDep) -> Response:
    child = undo_child(db, child_id, now=now)
    db.commit()
    return RedirectResponse(f"/children/{child.id}?restored=1", status_code=303)


@router.get("/adults/{adult_id}/remove")
def confirm_adult(
    request: Request, adult_id: int, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    adult = get_adult(db, adult_id)
    record_people_seen(request, db, named_with_adult(db, adult.id), "remove")
    losses = adult_losses(db, adult, today=local_day(now, setting_zone(db)))
    return _confirm(request, adult, losses, now=now)


@router.post("/adults/{adult_id}/remove")
def remove_adult_now(adult_id: int, staff: ManagerOnly, db: SessionDep, now: NowDep) -> Response:
    remove_adult(db, get_adult(db, adult_id), now=now)
    db.commit()
    return RedirectResponse(f"/adults?removed={adult_id}", status_code=303)


@router.post("/adults/{adult_id}/undo")
def undo_adult_removal(adult_id: int, staff: ManagerOnly, db: SessionDep, now: NowDep) -> Response:
    adult = undo_adult(db, adult_id, now=now)
    db.commit()
    return RedirectResponse(f"/adults/{adult.id}?restored=1", status_code=303)
