"""What the door will stop showing when a child or an adult is removed, in plain words, for the
confirmation page: the manager should know before she clicks that a carer's card will stop
opening a child, or that a child will be left with nobody who may collect them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.people import WEEKDAYS
from db.models import Adult, Authorisation, Card, Child, ChildBooking, NurserySession, Restriction
from db.models import OneOffPermission as Permission
from db.names import full_name


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _collectors(db: Session, child_id: int) -> list[Adult]:
    return list(
        db.scalars(
            select(Adult)
            .join(Authorisation, Authorisation.adult_id == Adult.id)
            .where(Authorisation.child_id == child_id, Authorisation.deleted_at.is_(None))
            .where(Adult.deleted_at.is_(None))
            .order_by(Adult.first_name, Adult.last_name)
        )
    )


def _collected(db: Session, adult_id: int) -> list[Child]:
    return list(
        db.scalars(
            select(Child)
            .join(Authorisation, Authorisation.child_id == Child.id)
            .where(Authorisation.adult_id == adult_id, Authorisation.deleted_at.is_(None))
            .where(Child.deleted_at.is_(None))
            .order_by(Child.first_name, Child.last_name)
        )
    )


def _live_cards(db: Session, adult_id: int) -> list[str]:
    return list(
        db.scalars(
            select(Card.id).where(
                Card.holder_adult_id == adult_id,
                Card.revoked_at.is_(None),
                Card.deleted_at.is_(None),
            )
        )
    )


def _permissions(db: Session, today: date, *where: object) -> int:
    rows = db.scalars(
        select(Permission.id).where(
            Permission.deleted_at.is_(None),
            Permission.valid_to >= today,
            *where,  # type: ignore[arg-type]
        )
    )
    return len(list(rows))


def _bookings(db: Session, child_id: int) -> list[str]:
    rows = db.execute(
        select(ChildBooking.weekday, NurserySession.name)
        .join(NurserySession, NurserySession.id == ChildBooking.session_id)
        .where(ChildBooking.child_id == child_id, ChildBooking.deleted_at.is_(None))
        .order_by(ChildBooking.weekday, NurserySession.starts_at)
    )
    return [f"{WEEKDAYS[d]} {name}" for d, name in rows if d < len(WEEKDAYS)]


def named_with_child(db: Session, child_id: int) -> dict[str, list[int]]:
    """Who the child's confirmation names, for the audit of who saw whom."""
    return {"children": [child_id], "adults": [a.id for a in _collectors(db, child_id)]}


def named_with_adult(db: Session, adult_id: int) -> dict[str, list[int]]:
    """Who the adult's confirmation names, for the audit of who saw whom."""
    return {"adults": [adult_id], "children": [c.id for c in _collected(db, adult_id)]}


def child_losses(db: Session, child: Child, *, today: date) -> list[str]:
    first = child.first_name
    said = [f"{first} will no longer appear on the door, so nobody can sign {first} in there."]
    carers = _collectors(db, child.id)
    if carers:
        names = _and([full_name(a.first_name, a.last_name) for a in carers])
        who = names if len(carers) == 1 else f"{first}’s {len(carers)} carers ({names})"
        said.append(
            f"{who} will no longer be offered {first} at the door: their cards and their names "
            f"stop working for {first}."
        )
    for adult in carers:
        others = [c for c in _collected(db, adult.id) if c.id != child.id]
        if not others and _live_cards(db, adult.id):
            said.append(
                f"{adult.first_name}’s card will then open no child. If {adult.first_name} has "
                f"left with {first}, remove {adult.first_name} too."
            )
    permissions = _permissions(db, today, Permission.child_id == child.id)
    if permissions:
        said.append(f"{permissions} written permission(s) to collect {first} end now.")
    booked = _bookings(db, child.id)
    if booked:
        said.append(
            f"{first}’s bookings ({', '.join(booked)}) end: nobody will be told {first} has "
            "not arrived."
        )
    if child.agreed_password_id is not None:
        said.append(f"The agreed password will no longer collect {first}.")
    restricted = db.scalars(
        select(Restriction.person_name).where(
            Restriction.child_id == child.id, Restriction.deleted_at.is_(None)
        )
    ).all()
    if restricted:
        said.append(f"The must-not-collect record for {first} ({_and(list(restricted))}) ends.")
    return said


def adult_losses(db: Session, adult: Adult, *, today: date) -> list[str]:
    first, name = adult.first_name, full_name(adult.first_name, adult.last_name)
    children = _collected(db, adult.id)
    said = [f"{name} will no longer be shown at the door."]
    if children:
        said.append(f"{first} can no longer collect {_and([c.first_name for c in children])}.")
    cards = _live_cards(db, adult.id)
    if cards:
        said.append(
            f"{first}’s card ({', '.join(cards)}) stops working: shown at the door, it calls staff."
        )
    permissions = _permissions(db, today, Permission.adult_id == adult.id)
    if permissions:
        said.append(f"{permissions} written permission(s) for {first} to collect end now.")
    for child in children:
        if all(a.id == adult.id for a in _collectors(db, child.id)):
            said.append(
                f"{child.first_name} will then have nobody who may collect them at the door: "
                f"authorise another adult on {child.first_name}’s page."
            )
    if db.scalar(
        select(Restriction.id).where(
            Restriction.adult_id == adult.id, Restriction.deleted_at.is_(None)
        )
    ):
        said.append(f"The must-not-collect record naming {first} stays: the door still stops them.")
    return said
