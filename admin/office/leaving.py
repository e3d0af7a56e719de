"""Removing a child or an adult who has left, and putting them back within the grace period.

A removal is a tombstone (``deleted_at``) on the person and on what hangs from them at the
door (a child's authorisations, written permissions, bookings and restrictions; an adult's
authorisations and permissions, and their cards revoked), all stamped with the same instant.
Undo puts back exactly what that instant took, and nothing the manager removed on another day.
Events are never touched, so the past register stays. Tombstones reach the doors through the
ordinary pull, which is what makes the door stop showing the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from admin.errors import HubError, not_found
from admin.retention import ERASED
from db.models import (
    Adult,
    Authorisation,
    Card,
    Child,
    ChildBooking,
    OneOffPermission,
    Restriction,
    Versioned,
)
from db.names import full_name
from db.register import on_site_now

# Long enough for a mistake to be noticed at the next session, the next invoice run or a
# family's return from a month away; far shorter than the retention period, after which the
# retention purge erases the record. Until then a removed person is only hidden.
UNDO_DAYS = 30
UNDO_WINDOW = timedelta(days=UNDO_DAYS)
REMOVED_CARD = "removed"  # revoked_reason of a card revoked because its holder was removed

Person = TypeVar("Person", Child, Adult)


@dataclass(frozen=True)
class Removed:
    """A person removed recently enough to be put back."""

    id: int
    name: str
    removed_at: datetime
    undo_until: datetime


def undo_until(person: Child | Adult) -> datetime:
    assert person.deleted_at is not None
    return person.deleted_at + UNDO_WINDOW


def child_on_site(db: Session, child: Child, now: datetime) -> bool:
    here = on_site_now(db, now)
    return any(s.child_id == child.id for stays in here.children_by_room.values() for s in stays)


def _live(db: Session, model: Any, *where: ColumnElement[bool]) -> list[Any]:
    return list(db.scalars(select(model).where(model.deleted_at.is_(None), *where)))


def _tombstone(rows: list[Versioned], now: datetime) -> None:
    for row in rows:
        row.deleted_at = now


def remove_child(db: Session, child: Child, *, now: datetime) -> None:
    """Tombstones the child and what the door holds about them; the caller commits. Refused
    while the child is on site: a child on the register must be signed out first."""
    if child_on_site(db, child, now):
        raise HubError(
            409,
            "on_site",
            f"{child.first_name} is on the register now. Record the collection first, then "
            "remove the record.",
        )
    linked: list[Versioned] = []
    for model in (Authorisation, OneOffPermission, ChildBooking, Restriction):
        linked += _live(db, model, model.child_id == child.id)
    _tombstone([child, *linked], now)


def remove_adult(db: Session, adult: Adult, *, now: datetime) -> None:
    """Tombstones the adult, their authorisations and written permissions, and revokes their
    cards (a removed adult's card shown at the door calls staff). A restriction naming them
    stays: a court order outlives a record. The caller commits."""
    linked: list[Versioned] = []
    for model in (Authorisation, OneOffPermission):
        linked += _live(db, model, model.adult_id == adult.id)
    _tombstone([adult, *linked], now)
    for card in _live(db, Card, Card.holder_adult_id == adult.id, Card.revoked_at.is_(None)):
        card.revoked_at, card.revoked_reason = now, REMOVED_CARD


def _removed(db: Session, model: type[Person], person_id: int, now: datetime) -> Person:
    person = db.get(model, person_id)
    if person is None or person.deleted_at is None or person.first_name == ERASED:
        raise not_found("That removed record")  # an erased person has nothing to put back
    if now > undo_until(person):
        raise HubError(
            409,
            "undo_expired",
            f"{person.first_name} was removed more than {UNDO_DAYS} days ago, so it can no "
            "longer be undone. Add them again if they have come back.",
        )
    return person


def _put_back(rows: list[Any]) -> None:
    for row in rows:
        row.deleted_at = None


def undo_child(db: Session, child_id: int, *, now: datetime) -> Child:
    """Puts back the child and what their removal took; links to an adult removed since stay
    removed. The caller commits."""
    child = _removed(db, Child, child_id, now)
    when = child.deleted_at
    live_adults = select(Adult.id).where(Adult.deleted_at.is_(None))
    for model in (Authorisation, OneOffPermission, ChildBooking, Restriction):
        taken = [model.child_id == child.id, model.deleted_at == when]
        if model in (Authorisation, OneOffPermission):
            taken.append(model.adult_id.in_(live_adults))
        _put_back(list(db.scalars(select(model).where(*taken))))
    child.deleted_at = None
    return child


def undo_adult(db: Session, adult_id: int, *, now: datetime) -> Adult:
    """Puts back the adult, their links to children still here, and the cards their removal
    revoked (the same cards: the family still holds them). The caller commits."""
    adult = _removed(db, Adult, adult_id, now)
    when = adult.deleted_at
    live_children = select(Child.id).where(Child.deleted_at.is_(None))
    for model in (Authorisation, OneOffPermission):
        taken = [model.adult_id == adult.id, model.deleted_at == when]
        _put_back(list(db.scalars(select(model).where(*taken, model.child_id.in_(live_children)))))
    cards = select(Card).where(
        Card.holder_adult_id == adult.id,
        Card.revoked_at == when,
        Card.revoked_reason == REMOVED_CARD,
    )
    for card in db.scalars(cards):
        card.revoked_at, card.revoked_reason = None, ""
    adult.deleted_at = None
    return adult


def recently_removed(db: Session, model: type[Person], *, now: datetime) -> list[Removed]:
    """People removed within the undo window, newest first; not those the retention purge
    erased (it tombstones a child who left years ago today)."""
    since = now - UNDO_WINDOW
    rows = db.scalars(
        select(model)
        .where(model.deleted_at >= since, model.first_name != ERASED)
        .order_by(model.deleted_at.desc())
    )
    return [
        Removed(p.id, full_name(p.first_name, p.last_name), p.deleted_at, undo_until(p))
        for p in rows
        if p.deleted_at is not None
    ]
