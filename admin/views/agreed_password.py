"""The agreed password (R6): agreed with a parent, typed twice, stored only as bcrypt, never
shown again; brothers and sisters may share it. Manager only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.forms import Checked, strength_hint
from admin.office.children import get_child
from admin.office.notices import tell_password_changed
from admin.office.viewing import record_seen
from admin.templating import render
from db.credentials import hash_password
from db.models import AgreedPassword, Authorisation, Child
from db.names import sort_key

router = APIRouter()
AGREED_MIN = 6


def _siblings(db: Session, child: Child) -> list[Child]:
    """Children who share an adult with parental responsibility: they may share a password."""
    parents = select(Authorisation.adult_id).where(
        Authorisation.child_id == child.id,
        Authorisation.parental_responsibility.is_(True),
        Authorisation.deleted_at.is_(None),
    )
    ids = select(Authorisation.child_id).where(
        Authorisation.adult_id.in_(parents), Authorisation.deleted_at.is_(None)
    )
    rows = db.scalars(
        select(Child).where(Child.id.in_(ids), Child.id != child.id, Child.deleted_at.is_(None))
    ).all()
    return sorted(rows, key=lambda c: sort_key(c.first_name))


def _password_page(
    request: Request, db: Session, child: Child, errors: dict[str, str], status: int = 200
) -> Response:
    siblings = _siblings(db, child)
    record_seen(request, db, "children", [child.id, *(c.id for c in siblings)], "agreed password")
    return render(
        request,
        "agreed_password.html",
        {
            "child": child,
            "siblings": siblings,
            "errors": errors,
            "hint": strength_hint(AGREED_MIN),
            "has_password": child.agreed_password_id is not None,
        },
        status=status,
    )


@router.get("/children/{child_id}/password")
def password_page(request: Request, child_id: int, staff: ManagerOnly, db: SessionDep) -> Response:
    return _password_page(request, db, get_child(db, child_id), {})


@router.post("/children/{child_id}/password")
def set_password(
    request: Request, child_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    child = get_child(db, child_id)
    checked = Checked(form)
    password = checked.new_password("password", min_len=AGREED_MIN, what="agreed password")
    if not checked.ok:
        return _password_page(request, db, child, checked.errors, status=400)
    family = [child] + [c for c in _siblings(db, child) if checked.flag(f"sibling_{c.id}")]
    row = AgreedPassword(
        label=f"the {child.last_name} family",
        password_hash=hash_password(password, agreed=True),
        set_by_staff_id=staff.id,
        set_at=now,
    )
    db.add(row)
    db.flush()
    old = {c.agreed_password_id for c in family} - {None}
    for member in family:
        member.agreed_password_id = row.id
        tell_password_changed(db, child=member, by=staff, now=now)
    db.flush()
    for old_id in old:
        if db.scalar(select(Child.id).where(Child.agreed_password_id == old_id).limit(1)) is None:
            stale = db.get(AgreedPassword, old_id)
            if stale is not None:
                stale.deleted_at = now
    db.commit()
    return RedirectResponse(f"/children/{child.id}?saved=1#password", status_code=303)
