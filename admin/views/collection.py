"""Who may collect a child (R4-R8): standing authorisations (adults of the minimum age only),
one-off written permissions for given dates, people who must not collect, and the agreed
password (typed twice, stored as bcrypt, never shown again). Manager only."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.dates import order_for
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import not_found
from admin.forms import Checked
from admin.office.children import child_context, get_child
from admin.office.collection import adult_choices, grant, minimum_collector_age
from admin.office.notices import tell_authorised, tell_ended, tell_permission
from admin.people import collector_age_problem
from admin.templating import render
from db.clock import local_day
from db.models import Adult, Authorisation, Child, OneOffPermission, Restriction, Staff
from db.names import full_name
from db.register import setting_zone

router = APIRouter()


def _again(
    request: Request, db: Session, child: Child, now: datetime, checked: Checked, anchor: str
) -> Response:
    values = {k: checked.raw(k) for k in checked.form if isinstance(checked.form.get(k), str)}
    context = child_context(db, child, now) | {
        "errors": checked.errors,
        "values": values,
        "anchor": anchor,
    }
    return render(request, "child.html", context, status=400)


def _done(child: Child, anchor: str) -> Response:
    return RedirectResponse(f"/children/{child.id}?saved=1#{anchor}", status_code=303)


def _age_check(db: Session, checked: Checked, adult: Adult | None, now: datetime) -> None:
    if adult is None:
        return
    problem = collector_age_problem(
        date_of_birth=adult.date_of_birth,
        confirmed_adult=adult.confirmed_adult,
        minimum_age=minimum_collector_age(db),
        today=local_day(now, setting_zone(db)),
        name=full_name(adult.first_name, adult.last_name),
    )
    if problem:
        checked.errors["adult_id"] = problem


def _chosen_adult(db: Session, checked: Checked) -> Adult | None:
    adult_id = checked.choice(
        "adult_id", "an adult", {a for a, _ in adult_choices(db)}, required=True
    )
    return db.get(Adult, adult_id) if adult_id is not None else None


@router.post("/children/{child_id}/authorise")
def authorise(
    request: Request, child_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    child = get_child(db, child_id)
    checked = Checked(form)
    adult = _chosen_adult(db, checked)
    relationship = checked.text(
        "relationship", "how they are related (e.g. Mother, Grandad)", max_len=60
    )
    _age_check(db, checked, adult, now)
    if not checked.ok or adult is None:
        return _again(request, db, child, now, checked, "authorised")
    auth = grant(
        db,
        child=child,
        adult=adult,
        relationship=relationship,
        parental_responsibility=checked.flag("parental_responsibility"),
    )
    tell_authorised(db, auth=auth, by=staff, now=now)
    db.commit()
    return _done(child, "authorised")


@router.post("/children/{child_id}/authorisations/{auth_id}/remove")
def remove_authorisation(
    child_id: int, auth_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    return _end(
        db,
        Authorisation,
        auth_id,
        child_id,
        now,
        staff=staff,
        what="That authorisation",
        section="authorised",
    )


@router.post("/children/{child_id}/permissions")
def add_permission(
    request: Request, child_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    child = get_child(db, child_id)
    checked = Checked(form)
    adult = _chosen_adult(db, checked)
    first = checked.day("valid_from", "the first day", order_for(request))
    last = checked.day("valid_to", "the last day", order_for(request))
    note = checked.text("note", "a note", required=False, max_len=1000)
    today = local_day(now, setting_zone(db))
    if first and last and last < first:
        checked.errors["valid_to"] = "The last day is before the first day."
    elif last and last < today:
        checked.errors["valid_to"] = "That permission would already be over."
    _age_check(db, checked, adult, now)
    if not checked.ok or adult is None or first is None or last is None:
        return _again(request, db, child, now, checked, "permissions")
    permission = OneOffPermission(
        child_id=child.id,
        adult_id=adult.id,
        valid_from=first,
        valid_to=last,
        taken_by_staff_id=staff.id,
        taken_at=now,
        note=note,
    )
    db.add(permission)
    tell_permission(db, permission=permission, by=staff, now=now)
    db.commit()
    return _done(child, "permissions")


@router.post("/children/{child_id}/permissions/{permission_id}/withdraw")
def withdraw_permission(
    child_id: int,
    permission_id: int,
    form: FormDep,
    staff: ManagerOnly,
    db: SessionDep,
    now: NowDep,
) -> Response:
    return _end(
        db,
        OneOffPermission,
        permission_id,
        child_id,
        now,
        staff=staff,
        what="That permission",
        section="permissions",
    )


@router.post("/children/{child_id}/restrictions")
def add_restriction(
    request: Request, child_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    child = get_child(db, child_id)
    checked = Checked(form)
    adult_id = checked.choice(
        "restricted_adult_id", "an adult", {a for a, _ in adult_choices(db)}, required=False
    )
    name = checked.text("person_name", "the person's name", required=adult_id is None, max_len=201)
    reason = checked.text("reason", "the reason (e.g. court order, with its date)", max_len=1000)
    if not checked.ok:
        return _again(request, db, child, now, checked, "restrictions")
    adult = db.get(Adult, adult_id) if adult_id else None
    if adult is not None and not name:
        name = full_name(adult.first_name, adult.last_name)
    db.add(
        Restriction(
            child_id=child.id,
            adult_id=adult_id,
            person_name=name,
            reason=reason,
            recorded_by_staff_id=staff.id,
            recorded_at=now,
        )
    )
    if adult is not None:  # a restricted person is never also authorised
        for auth in db.scalars(
            select(Authorisation).where(
                Authorisation.child_id == child.id,
                Authorisation.adult_id == adult.id,
                Authorisation.deleted_at.is_(None),
            )
        ):
            auth.deleted_at = now
            db.flush()  # the restricted person is no longer a parent who hears of it
            tell_ended(db, row=auth, by=staff, now=now)
    db.commit()
    return _done(child, "restrictions")


@router.post("/children/{child_id}/restrictions/{restriction_id}/remove")
def remove_restriction(
    child_id: int,
    restriction_id: int,
    form: FormDep,
    staff: ManagerOnly,
    db: SessionDep,
    now: NowDep,
) -> Response:
    return _end(
        db,
        Restriction,
        restriction_id,
        child_id,
        now,
        staff=staff,
        what="That restriction",
        section="restrictions",
    )


Ended = TypeVar("Ended", Authorisation, OneOffPermission, Restriction)


def _end(
    db: Session,
    model: type[Ended],
    row_id: int,
    child_id: int,
    now: datetime,
    *,
    staff: Staff,
    what: str,
    section: str,
) -> Response:
    """End one of a child's authorisations, permissions or restrictions: a tombstone, so the
    kiosks hear of it and the audit log keeps who did it."""
    child = get_child(db, child_id)
    row = db.get(model, row_id)
    if row is None or row.child_id != child.id:
        raise not_found(what)
    if row.deleted_at is None:
        tell_ended(db, row=row, by=staff, now=now)  # the parents hear of it in the same commit
        row.deleted_at = now
    db.commit()
    return _done(child, section)
