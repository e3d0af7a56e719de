"""Retention (GDPR): events and people older than the setting's retention period are removed.

Events are deleted outright (the register for those days goes with them). People are erased in
place: names blanked, photos and sensitive fields emptied, and the row tombstoned, so the kiosks
hear of it through sync and old ids in the audit log stay meaningful. Always a dry run first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from admin.office.family_requests import erase_family_records
from db.clock import local_day_bounds
from db.erasure import erase_event_values, erase_notices, erase_refused_events, scrub_audit
from db.models import (
    Adult,
    AuditEntry,
    Authorisation,
    Card,
    Child,
    ChildBooking,
    Event,
    OneOffPermission,
    Restriction,
    Versioned,
)
from db.register import setting_zone

ERASED = "(erased)"


@dataclass(frozen=True)
class PurgePlan:
    cutoff: date
    events: int
    child_ids: list[int]
    adult_ids: list[int]

    @property
    def digest(self) -> str:
        """What the manager confirms: this exact plan, not a date anyone could predict. A plan
        that changed between the dry run and the click (a child left, a day passed) has
        another digest, and the purge asks her to look again."""
        text = f"{self.cutoff}|{self.events}|{self.child_ids}|{self.adult_ids}"
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def cutoff_for(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def plan_purge(db: Session, *, today: date, years: int) -> PurgePlan:
    cutoff = cutoff_for(today, years)
    start, _ = local_day_bounds(cutoff, setting_zone(db))
    events = int(
        db.scalar(select(func.count()).select_from(Event).where(Event.occurred_at < start)) or 0
    )
    children = list(
        db.scalars(
            select(Child.id)
            .where(
                Child.first_name != ERASED, or_(Child.left_on < cutoff, Child.deleted_at < start)
            )
            .order_by(Child.id)
        )
    )
    kept = select(Authorisation.adult_id).where(
        Authorisation.child_id.not_in(children), Authorisation.deleted_at.is_(None)
    )
    linked = select(Authorisation.adult_id).where(Authorisation.child_id.in_(children))
    # An adult goes with the last child they were linked to, or on their own once removed
    # (admin/office/leaving.py) longer ago than the retention period.
    left_with_children = and_(Adult.id.in_(linked), Adult.id.not_in(kept))
    adults = list(
        db.scalars(
            select(Adult.id)
            .where(or_(left_with_children, Adult.deleted_at < start), Adult.first_name != ERASED)
            .order_by(Adult.id)
        )
    )
    return PurgePlan(cutoff, events, children, adults)


def carry_out(db: Session, plan: PurgePlan, *, now: datetime) -> None:
    """Does what the dry run showed; the caller commits."""
    start, _ = local_day_bounds(plan.cutoff, setting_zone(db))
    db.execute(delete(Event).where(Event.occurred_at < start))
    for child in db.scalars(select(Child).where(Child.id.in_(plan.child_ids))):
        child.first_name, child.last_name, child.photo = ERASED, "", None
        child.date_of_birth = date(1900, 1, 1)
        child.legal_guardians, child.particular_needs, child.consents = [], "", {}
        child.emergency_contacts, child.home_address, child.lives_with = [], "", ""
        child.deleted_at = child.deleted_at or now
    ids = plan.child_ids
    stale: list[Versioned] = [
        *db.scalars(select(Authorisation).where(Authorisation.child_id.in_(ids))),
        *db.scalars(select(OneOffPermission).where(OneOffPermission.child_id.in_(ids))),
        *db.scalars(select(Restriction).where(Restriction.child_id.in_(ids))),
        *db.scalars(select(ChildBooking).where(ChildBooking.child_id.in_(ids))),
    ]
    for row in stale:
        row.deleted_at = row.deleted_at or now
        _blank_values(row)
    for adult in db.scalars(select(Adult).where(Adult.id.in_(plan.adult_ids))):
        adult.first_name, adult.last_name, adult.photo = ERASED, "", None
        adult.date_of_birth, adult.phone, adult.email = None, None, None
        adult.deleted_at = adult.deleted_at or now
    # The events that name them keep what happened, not who (the chains still verify).
    erase_event_values(db, child_ids=plan.child_ids, adult_ids=plan.adult_ids)
    db.flush()  # the audit hooks write their entries now, so the scrub below reaches them too
    scrub_audit(db, _erased_rows(plan, stale))
    erase_refused_events(db, child_ids=plan.child_ids, adult_ids=plan.adult_ids)
    erase_notices(db, child_ids=plan.child_ids, adult_ids=plan.adult_ids)
    erase_family_records(db, child_ids=plan.child_ids, adult_ids=plan.adult_ids)
    for card in db.scalars(
        select(Card).where(Card.holder_adult_id.in_(plan.adult_ids), Card.revoked_at.is_(None))
    ):
        card.revoked_at, card.revoked_reason = now, "erased"
    db.add(
        AuditEntry(
            at=now,
            actor=str(db.info.get("actor", "system")),
            action="purge",
            entity="retention",
            entity_id=plan.cutoff.isoformat(),
            changes={
                "events": plan.events,
                "children": len(plan.child_ids),
                "adults": len(plan.adult_ids),
            },
        )
    )


def _blank_values(row: Versioned) -> None:
    """The free text of a row linked to an erased child: how an adult is related, a note on a
    written permission, a restricted person's name and the court order's words."""
    if isinstance(row, Authorisation):
        row.relationship = ""
    elif isinstance(row, OneOffPermission):
        row.note = ""
    elif isinstance(row, Restriction):
        row.person_name, row.reason = ERASED, ""


def _erased_rows(plan: PurgePlan, stale: list[Versioned]) -> dict[str, list[object]]:
    rows: dict[str, list[object]] = {"children": [*plan.child_ids], "adults": [*plan.adult_ids]}
    for row in stale:
        rows.setdefault(row.__tablename__, []).append(row.id)  # type: ignore[attr-defined]
    return rows
