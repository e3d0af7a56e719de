"""Children: the list, the record (sensitive fields viewed are audited), adding and editing.

Manager only: staff work from Today and the register."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.dates import order_for
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.forms import Checked
from admin.office.attendance import child_history
from admin.office.children import (
    SENSITIVE_FIELDS,
    bookings_of,
    child_context,
    get_child,
    save_bookings,
)
from admin.office.leaving import recently_removed
from admin.office.viewing import record_seen
from admin.people import (
    CONSENTS,
    WEEKDAYS,
    Choices,
    contacts_text,
    guardians_text,
    read_bookings,
    read_child,
)
from admin.templating import render
from db.audit import record_view
from db.clock import age_in_months, local_day
from db.models import Child
from db.names import full_name, sort_key
from db.register import Names, setting_zone

router = APIRouter()


def _today(db: Session, now: datetime) -> date:
    return local_day(now, setting_zone(db))


@router.get("/children")
def children_list(
    request: Request,
    staff: ManagerOnly,
    db: SessionDep,
    now: NowDep,
    q: str = "",
    imported: int | None = None,
    updated: int = 0,
    removed: int | None = None,
) -> Response:
    names = Names.load(db)
    rows = db.scalars(select(Child).where(Child.deleted_at.is_(None))).all()
    needle = q.strip().casefold()
    shown = [c for c in rows if needle in full_name(c.first_name, c.last_name).casefold()]
    shown.sort(key=lambda c: sort_key(c.last_name, c.first_name))
    today = _today(db, now)
    children = [
        {
            "child": c,
            "room": names.rooms.get(c.room_id or -1, ""),
            "key_person": names.staff.get(c.key_person_id or -1, ""),
            "age": age_in_months(c.date_of_birth, today),
        }
        for c in shown
    ]
    record_seen(request, db, "children", [c.id for c in shown], "list")
    context = {
        "children": children,
        "q": q,
        "has_rooms": bool(Choices.load(db).rooms),
        "imported": imported,
        "updated": updated,
        "removed": removed,
        "recently_removed": recently_removed(db, Child, now=now),
    }
    return render(request, "children.html", context)


def _form_context(
    db: Session,
    values: dict[str, Any],
    errors: dict[str, str],
    bookings: set[tuple[int, int]],
    child: Child | None,
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "choices": Choices.load(db),
        "child": child,
        "consents": CONSENTS,
        "weekdays": WEEKDAYS,
        "bookings": bookings,
    }


@router.get("/children/new")
def new_child_page(request: Request, staff: ManagerOnly, db: SessionDep) -> Response:
    values = {f"consent_{k}": False for k in CONSENTS}
    return render(request, "child_form.html", _form_context(db, values, {}, set(), None))


def _values_from(child: Child) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: getattr(child, k) or ""
        for k in (
            "first_name",
            "last_name",
            "room_id",
            "key_person_id",
            "particular_needs",
            "home_address",
            "lives_with",
        )
    }
    values["date_of_birth"] = child.date_of_birth.isoformat()
    values["started_on"] = child.started_on.isoformat() if child.started_on else ""
    values["left_on"] = child.left_on.isoformat() if child.left_on else ""
    values["legal_guardians"] = guardians_text(child.legal_guardians or [])
    values["emergency_contacts"] = contacts_text(child.emergency_contacts or [])
    for key in CONSENTS:
        values[f"consent_{key}"] = bool((child.consents or {}).get(key))
    return values


@router.get("/children/{child_id}/edit")
def edit_child_page(
    request: Request, child_id: int, staff: ManagerOnly, db: SessionDep
) -> Response:
    child = get_child(db, child_id)
    record_view(db, entity="children", entity_id=child.id, fields=SENSITIVE_FIELDS)
    db.commit()
    context = _form_context(db, _values_from(child), {}, bookings_of(db, child.id), child)
    return render(request, "child_form.html", context)


def _save(request: Request, form: Any, db: Session, now: datetime, child: Child | None) -> Response:
    checked = Checked(form)
    choices = Choices.load(db)
    values = read_child(checked, choices, _today(db, now), order_for(request))
    bookings = read_bookings(checked, choices)
    photo = checked.photo()
    if not checked.ok:
        shown = {k: checked.raw(k) for k in form if isinstance(form.get(k), str)}
        shown |= {f"consent_{k}": values["consents"][k] for k in CONSENTS}
        return render(
            request,
            "child_form.html",
            _form_context(db, shown, checked.errors, bookings, child),
            status=400,
        )
    if child is None:
        child = Child(**values)
        db.add(child)
    else:
        for key, value in values.items():
            setattr(child, key, value)
    if photo is not None:
        child.photo = photo
    db.flush()
    save_bookings(db, child, bookings, now)
    db.commit()
    return RedirectResponse(f"/children/{child.id}?saved=1", status_code=303)


@router.post("/children/new")
def create_child(
    request: Request, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    return _save(request, form, db, now, None)


@router.post("/children/{child_id}/edit")
def update_child(
    request: Request, child_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    return _save(request, form, db, now, get_child(db, child_id))


@router.get("/children/{child_id}")
def child_page(
    request: Request,
    child_id: int,
    staff: ManagerOnly,
    db: SessionDep,
    now: NowDep,
    saved: int = 0,
    restored: int = 0,
) -> Response:
    context = child_context(db, get_child(db, child_id), now) | {
        "saved": saved,
        "restored": restored,
    }
    context |= child_history(db, child_id, now)
    # The adults the page names: those who may collect, and the choice of any other adult.
    adults = [row["adult"].id for row in context["authorised"] if row["adult"] is not None]
    adults += [i for i, _ in context["adult_choices"]]
    record_seen(request, db, "adults", adults, "child's page")
    return render(request, "child.html", context)
