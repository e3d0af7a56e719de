"""Who may collect a child: the standing authorisations, one-off permissions, restrictions and
agreed password as the child's page shows them, and granting an authorisation (from the child's
page or while adding a new adult for a child)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import local_day
from db.models import (
    Adult,
    AgreedPassword,
    Authorisation,
    Child,
    OneOffPermission,
    Restriction,
    Setting,
)
from db.names import full_name, sort_key
from db.register import Names, setting_zone


def adult_choices(db: Session) -> list[tuple[int, str]]:
    """Every adult on record as (id, name), in the setting's name order."""
    rows = db.execute(
        select(Adult.id, Adult.first_name, Adult.last_name).where(Adult.deleted_at.is_(None))
    ).all()
    return sorted(((i, full_name(f, last)) for i, f, last in rows), key=lambda a: sort_key(a[1]))


def minimum_collector_age(db: Session) -> int:
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    return setting.minimum_collector_age if setting else 16


def collection_context(db: Session, child: Child, now: datetime) -> dict[str, Any]:
    names = Names.load(db)
    live = (Authorisation.child_id == child.id, Authorisation.deleted_at.is_(None))
    authorised = [
        {"auth": a, "adult": db.get(Adult, a.adult_id)}
        for a in db.scalars(select(Authorisation).where(*live))
    ]
    permissions = db.scalars(
        select(OneOffPermission)
        .where(OneOffPermission.child_id == child.id, OneOffPermission.deleted_at.is_(None))
        .order_by(OneOffPermission.valid_from.desc())
    ).all()
    restrictions = db.scalars(
        select(Restriction).where(
            Restriction.child_id == child.id, Restriction.deleted_at.is_(None)
        )
    ).all()
    password = db.get(AgreedPassword, child.agreed_password_id or -1)
    return {
        "authorised": authorised,
        "permissions": permissions,
        "restrictions": restrictions,
        "password": password if password and password.deleted_at is None else None,
        "adult_choices": adult_choices(db),
        "names": names,
        "today": local_day(now, setting_zone(db)),
        "errors": {},
        "values": {},
    }


def grant(
    db: Session, *, child: Child, adult: Adult, relationship: str, parental_responsibility: bool
) -> Authorisation:
    """A standing authorisation; one removed earlier is brought back rather than duplicated."""
    existing = db.scalar(
        select(Authorisation).where(
            Authorisation.child_id == child.id, Authorisation.adult_id == adult.id
        )
    )
    if existing is None:
        existing = Authorisation(child_id=child.id, adult_id=adult.id)
        db.add(existing)
    existing.relationship = relationship
    existing.parental_responsibility = parental_responsibility
    existing.deleted_at = None
    return existing
