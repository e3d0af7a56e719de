"""Staff: accounts, roles, panel passwords and kiosk PINs (typed twice, never shown).

Manager only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.deps import FormDep, ManagerOnly, SessionDep
from admin.errors import not_found
from admin.forms import Checked, strength_hint
from admin.lost_kiosk import pin_min_digits
from admin.office.nursery import wizard_bar
from admin.office.viewing import record_seen
from admin.people import Choices
from admin.security import STAFF_PASSWORD_MIN, end_sessions_of
from admin.templating import render
from db.credentials import CredentialError, check_pin_format, hash_password
from db.models import Staff
from db.names import sort_key
from db.vocabulary import Role

router = APIRouter()
ROLES = [
    (Role.STAFF.value, "Staff: today, registers, alerts"),
    (Role.MANAGER.value, "Manager: everything"),
]


def get_staff(db: Session, staff_id: int) -> Staff:
    member = db.get(Staff, staff_id)
    if member is None or member.deleted_at is not None:
        raise not_found("That member of staff")
    return member


@router.get("/staff")
def staff_list(request: Request, me: ManagerOnly, db: SessionDep, wizard: int = 0) -> Response:
    rows = db.scalars(select(Staff).where(Staff.deleted_at.is_(None))).all()
    rows = sorted(rows, key=lambda s: sort_key(s.last_name, s.first_name))
    rooms = dict(Choices.load(db).rooms)
    bar = wizard_bar(db, "staff") if wizard else None
    record_seen(request, db, "staff", [s.id for s in rows], "list")
    return render(request, "staff_list.html", {"people": rows, "rooms": rooms, "wizard": bar})


def _form(
    request: Request,
    db: Session,
    member: Staff | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return render(
        request,
        "staff_form.html",
        {
            "member": member,
            "values": values,
            "errors": errors,
            "roles": ROLES,
            "rooms": Choices.load(db).rooms,
            "pin_min": pin_min_digits(db),
            "hint": strength_hint(STAFF_PASSWORD_MIN),
        },
        status=status,
    )


@router.get("/staff/new")
def new_staff_page(request: Request, me: ManagerOnly, db: SessionDep) -> Response:
    return _form(request, db, None, {"role": Role.STAFF.value, "active": True}, {})


@router.get("/staff/{staff_id}")
def edit_staff_page(
    request: Request, staff_id: int, me: ManagerOnly, db: SessionDep, saved: int = 0
) -> Response:
    member = get_staff(db, staff_id)
    record_seen(request, db, "staff", [member.id], "record")
    values = _form_values(member)
    values["phone"] = member.phone or ""
    return _form(request, db, member, values | {"saved": saved}, {})


def _read(checked: Checked, db: Session, member: Staff | None) -> dict[str, Any]:
    username = checked.text("username", "a username", max_len=64).lower()
    if username and not username.replace(".", "").replace("-", "").isalnum():
        checked.errors["username"] = "A username is letters and digits (dots and dashes allowed)."
    clash = db.scalar(select(Staff.id).where(func.lower(Staff.username) == username))
    if username and clash is not None and (member is None or clash != member.id):
        checked.errors["username"] = "That username is already taken."
    role = checked.raw("role")
    if role not in {r for r, _ in ROLES}:
        checked.errors["role"] = "Please choose a role."
    rooms = {r for r, _ in Choices.load(db).rooms}
    return {
        "username": username,
        "first_name": checked.text("first_name", "the first name"),
        "last_name": checked.text("last_name", "the last name"),
        "role": role,
        "qualified_teacher": checked.flag("qualified_teacher"),
        "room_id": checked.choice("room_id", "a room", rooms, required=False),
        "active": checked.flag("active"),
        "phone": checked.text("phone", "the phone number", required=False, max_len=40) or None,
    }


def _save(request: Request, form: Any, db: Session, me: Staff, member: Staff | None) -> Response:
    checked = Checked(form)
    values = _read(checked, db, member)
    if (
        member is not None
        and member.id == me.id
        and (values["role"] != Role.MANAGER.value or not values["active"])
    ):
        checked.errors["role"] = "You cannot take away your own manager role or account."
    if not checked.ok:
        shown = {k: checked.raw(k) for k in form if isinstance(form.get(k), str)}
        shown |= {"qualified_teacher": values["qualified_teacher"], "active": values["active"]}
        return _form(request, db, member, shown, checked.errors, status=400)
    if member is None:
        member = Staff(**values)
        db.add(member)
    else:
        for key, value in values.items():
            setattr(member, key, value)
        if not member.active:
            end_sessions_of(db, member.id)
    db.commit()
    return RedirectResponse(f"/staff/{member.id}?saved=1", status_code=303)


@router.post("/staff/new")
def create_staff(request: Request, form: FormDep, me: ManagerOnly, db: SessionDep) -> Response:
    return _save(request, form, db, me, None)


@router.post("/staff/{staff_id}")
def update_staff(
    request: Request, staff_id: int, form: FormDep, me: ManagerOnly, db: SessionDep
) -> Response:
    return _save(request, form, db, me, get_staff(db, staff_id))


def _secret_error(request: Request, db: Session, member: Staff, errors: dict[str, str]) -> Response:
    values = _form_values(member)
    return _form(request, db, member, values, errors, status=400)


@router.post("/staff/{staff_id}/password")
def set_staff_password(
    request: Request, staff_id: int, form: FormDep, me: ManagerOnly, db: SessionDep
) -> Response:
    member = get_staff(db, staff_id)
    checked = Checked(form)
    password = checked.new_password("password", min_len=STAFF_PASSWORD_MIN)
    if not checked.ok:
        return _secret_error(request, db, member, checked.errors)
    member.password_hash = hash_password(password)
    if member.id != me.id:
        end_sessions_of(db, member.id)
    db.commit()
    return RedirectResponse(f"/staff/{member.id}?saved=1", status_code=303)


@router.post("/staff/{staff_id}/pin")
def set_staff_pin(
    request: Request, staff_id: int, form: FormDep, me: ManagerOnly, db: SessionDep
) -> Response:
    member = get_staff(db, staff_id)
    checked = Checked(form)
    pin, again = checked.raw("pin"), checked.raw("pin_again")
    try:
        check_pin_format(pin, min_digits=pin_min_digits(db))
        if pin != again:
            checked.errors["pin_again"] = "The two PINs are not the same. Please type both again."
    except CredentialError as exc:
        checked.errors["pin"] = str(exc)
    if not checked.ok:
        return _secret_error(request, db, member, checked.errors)
    member.pin_hash = hash_password(pin)
    member.pin_exposed_at = None  # a new PIN: no longer one a lost kiosk could give away
    db.commit()
    return RedirectResponse(f"/staff/{member.id}?saved=1", status_code=303)


FORM_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "role",
    "qualified_teacher",
    "room_id",
    "active",
)


def _form_values(member: Staff) -> dict[str, object]:
    """What the staff form shows of a member of staff (never a password or PIN hash)."""
    return {field: getattr(member, field) for field in FORM_FIELDS}
