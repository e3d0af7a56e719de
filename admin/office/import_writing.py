"""Writing an import plan: children, the adults who may collect them with their standing
authorisations, and the other carers kept on the child's emergency contacts. Only a plan the
manager has seen, and without problems, reaches here (:mod:`admin.office.importing`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.office.children import save_bookings
from admin.office.collection import grant
from admin.office.import_rows import CarerLine, fold
from db.models import Adult, Authorisation, Child
from db.names import full_name

if TYPE_CHECKING:
    from admin.office.importing import CarerPlan, Plan


def apply_plan(db: Session, plan: Plan, now: datetime) -> None:
    """Writes the plan in the caller's transaction; the caller commits."""
    if plan.problems:
        raise ValueError("a plan with problems cannot be applied")
    made: dict[str, Adult] = {}
    for row in plan.rows:
        child = db.get(Child, row.child_id) if row.child_id else None
        if child is None:
            child = Child(legal_guardians=[], emergency_contacts=[], consents={})
            db.add(child)
        for key, value in row.line.values.items():
            if value is not None:
                setattr(child, key, value)
        db.flush()
        if row.line.bookings is not None:
            save_bookings(db, child, row.line.bookings, now)
        for carer in row.carers:
            _apply_carer(db, child, carer, made, now)


def _apply_carer(
    db: Session, child: Child, carer: CarerPlan, made: dict[str, Adult], now: datetime
) -> None:
    line = carer.line
    if not line.may_collect:
        _keep_as_contact(child, line)
        if carer.action == "stops collecting" and carer.adult_id is not None:
            for auth in db.scalars(
                select(Authorisation).where(
                    Authorisation.child_id == child.id, Authorisation.adult_id == carer.adult_id
                )
            ):
                auth.deleted_at = now
        return
    adult = db.get(Adult, carer.adult_id) if carer.adult_id else made.get(carer.key)
    if adult is None:
        adult = Adult(confirmed_adult=False)
        db.add(adult)
        made[carer.key] = adult
    for key, value in line.values.items():
        if value is not None:
            setattr(adult, key, value)
    db.flush()
    grant(
        db,
        child=child,
        adult=adult,
        relationship=line.relationship,
        parental_responsibility=line.parental_responsibility,
    )


def contact_entry(line: CarerLine) -> dict[str, Any]:
    v = line.values
    return {
        "name": full_name(v["first_name"], v["last_name"]),
        "relationship": line.relationship,
        "phone": v["phone"] or "",
        "email": v["email"] or "",
        "parental_responsibility": line.parental_responsibility,
    }


def _same_name(contact: dict[str, Any], entry: dict[str, Any]) -> bool:
    return fold(str(contact.get("name", ""))) == fold(entry["name"])


def has_contact(child: Child, entry: dict[str, Any]) -> bool:
    """Contacts typed on the child's form have no email or parental responsibility: absent is
    the same as empty, so re-importing them changes nothing."""
    blank = {"relationship": "", "phone": "", "email": "", "parental_responsibility": False}
    return any(blank | c == entry for c in child.emergency_contacts or [])


def _keep_as_contact(child: Child, line: CarerLine) -> None:
    entry = contact_entry(line)
    others = [c for c in child.emergency_contacts or [] if not _same_name(c, entry)]
    if not has_contact(child, entry):
        child.emergency_contacts = [*others, entry]
