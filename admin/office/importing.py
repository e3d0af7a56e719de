"""Importing children and carers: a plan of what a spreadsheet would create or change, shown
before anything is written, and applying exactly that plan.

Children are matched by names and date of birth, carers by names and email or phone (or, with
neither, by names among the adults already authorised for the child), so importing the same
file twice changes nothing and an updated file updates the people it matches. An empty cell
leaves what is on record. Carers who may collect become adults with a standing authorisation;
the others are kept on the child's emergency contacts. The plan's digest ties a confirmation
to the preview the manager saw: if the file or the records changed since, it no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.office.children import bookings_of
from admin.office.collection import minimum_collector_age
from admin.office.import_rows import CarerLine, ChildLine, Lookups, fold, read_child
from admin.office.import_writing import contact_entry, has_contact
from admin.office.nursery import setting_date_order
from admin.office.spreadsheet import read_file
from admin.people import WEEKDAYS
from db.models import Adult, Authorisation, Child, NurserySession, Room, Staff
from db.names import full_name
from db.register import Names


@dataclass
class CarerPlan:
    line: CarerLine
    key: str  # the same carer on two siblings' rows is one adult
    adult_id: int | None
    action: str  # "add", "update", "unchanged", "contact", "stops collecting"
    changes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return full_name(self.line.values["first_name"], self.line.values["last_name"])


@dataclass
class RowPlan:
    line: ChildLine
    child_id: int | None
    action: str  # "add", "update", "unchanged"
    changes: list[str] = field(default_factory=list)
    carers: list[CarerPlan] = field(default_factory=list)

    @property
    def name(self) -> str:
        return full_name(self.line.values["first_name"], self.line.values["last_name"])


@dataclass
class Plan:
    rows: list[RowPlan]
    problems: list[str]
    digest: str = ""

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def changes_anything(self) -> bool:
        return any(
            r.action != "unchanged" or (r.carers and any(c.action != "unchanged" for c in r.carers))
            for r in self.rows
        )


def lookups(db: Session, today: date) -> Lookups:
    live = Room.deleted_at.is_(None)
    rooms = {fold(r.name): r.id for r in db.scalars(select(Room).where(live))}
    staff: dict[str, list[int]] = {}
    on_staff = (Staff.deleted_at.is_(None), Staff.active.is_(True))
    for person in db.scalars(select(Staff).where(*on_staff)):
        staff.setdefault(fold(full_name(person.first_name, person.last_name)), []).append(person.id)
    sessions = {
        fold(s.name): s.id
        for s in db.scalars(select(NurserySession).where(NurserySession.deleted_at.is_(None)))
    }
    dates = setting_date_order(db)
    return Lookups(rooms, staff, sessions, minimum_collector_age(db), today, dates)


def plan_import(db: Session, data: bytes, today: date) -> Plan:
    sheet = read_file(data)
    known = lookups(db, today)
    lines = [read_child(n, child, carers, known) for n, child, carers in sheet.rows]
    if not lines and not sheet.problems:
        sheet.problems.append("the file has a header but no children")
    planner = _Planner(db, known)
    rows = [planner.row(line) for line in lines]
    problems = sheet.problems + [p for r in rows for p in r.line.problems]
    plan = Plan(rows, problems)
    plan.digest = _digest(data, plan)
    return plan


def _digest(data: bytes, plan: Plan) -> str:
    summary = [
        [
            r.line.row,
            r.child_id,
            r.action,
            r.changes,
            [[c.adult_id, c.key, c.action, c.changes] for c in r.carers],
        ]
        for r in plan.rows
    ]
    text = json.dumps([hashlib.sha256(data).hexdigest(), summary, plan.problems], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _changes(
    record: object | None,
    values: dict[str, Any],
    labels: dict[str, str],
    names: dict[str, dict[int, str]] | None = None,
) -> list[str]:
    """What would change, in words: "room Pre-school", "phone 07700 900999"."""
    said = []
    for key, value in values.items():
        if value is None or key not in labels:
            continue
        before = getattr(record, key, None) if record is not None else None
        if before != value and (record is not None or value):
            shown = (names or {}).get(key, {}).get(value, value)
            said.append(
                f"{labels[key]} {shown:%d/%m/%Y}"
                if isinstance(shown, date)
                else f"{labels[key]} {shown}"
            )
    return said


CHILD_LABELS = {"room_id": "room", "key_person_id": "key person", "started_on": "start date"}
ADULT_LABELS = {
    "phone": "phone",
    "email": "email",
    "date_of_birth": "date of birth",
    "confirmed_adult": "confirmed adult",
    "language": "e-mails in",
}


class _Planner:
    def __init__(self, db: Session, known: Lookups) -> None:
        self.db = db
        self.children = {
            (fold(c.first_name), fold(c.last_name), c.date_of_birth): c
            for c in db.scalars(select(Child).where(Child.deleted_at.is_(None)))
        }
        self.adults: dict[tuple[str, str], list[Adult]] = {}
        for adult in db.scalars(select(Adult).where(Adult.deleted_at.is_(None))):
            self.adults.setdefault((fold(adult.first_name), fold(adult.last_name)), []).append(
                adult
            )
        self.seen_children: dict[tuple[str, str, Any], int] = {}
        self.seen_carers: dict[str, int] = {}  # carer key -> the first row naming them
        self.sessions = {
            s.id: s.name
            for s in db.scalars(select(NurserySession).where(NurserySession.deleted_at.is_(None)))
        }
        shown = Names.load(db)
        self.names = {"room_id": shown.rooms, "key_person_id": shown.staff}

    def row(self, line: ChildLine) -> RowPlan:
        v = line.values
        key = (fold(v["first_name"]), fold(v["last_name"]), v["date_of_birth"])
        if key in self.seen_children:
            line.problems.append(f"row {line.row}: the same child as row {self.seen_children[key]}")
        self.seen_children.setdefault(key, line.row)
        child = self.children.get(key)
        changes = _changes(child, v, CHILD_LABELS, self.names)
        if line.bookings is not None and line.bookings != (
            bookings_of(self.db, child.id) if child else set()
        ):
            booked = sorted(line.bookings)
            changes.append(
                "sessions "
                + (
                    ", ".join(f"{WEEKDAYS[d][:3]} {self.sessions.get(s, s)}" for d, s in booked)
                    or "none"
                )
            )
        action = "add" if child is None else "update" if changes else "unchanged"
        plan = RowPlan(line, child.id if child else None, action, changes)
        plan.carers = [self.carer(c, child, line.row) for c in line.carers]
        return plan

    def carer(self, line: CarerLine, child: Child | None, row: int) -> CarerPlan:
        v = line.values
        names = (fold(v["first_name"]), fold(v["last_name"]))
        contact = (v["email"] and fold(v["email"])) or _digits(v["phone"])
        key = "|".join([*names, contact or f"row {row}"])
        adult = self._match(names, v, child)
        authorised = adult is not None and child is not None and self._authorisation(child, adult)
        if not line.may_collect:
            kept = child is not None and has_contact(child, contact_entry(line))
            action = "stops collecting" if authorised else "unchanged" if kept else "contact"
            return CarerPlan(line, key, adult.id if adult else None, action)
        if adult is None:
            first = self.seen_carers.setdefault(key, row)
            also = [f"the same adult as on row {first}"] if first != row else []
            return CarerPlan(line, key, None, "add", also)
        changes = _changes(adult, v, ADULT_LABELS)
        if not authorised or (authorised.relationship, authorised.parental_responsibility) != (
            line.relationship,
            line.parental_responsibility,
        ):
            changes.append(
                f"may collect as {line.relationship}"
                + (" with parental responsibility" if line.parental_responsibility else "")
            )
        return CarerPlan(line, key, adult.id, "update" if changes else "unchanged", changes)

    def _match(
        self, names: tuple[str, str], v: dict[str, Any], child: Child | None
    ) -> Adult | None:
        for adult in self.adults.get(names, []):
            if (v["email"] and fold(adult.email or "") == fold(v["email"])) or (
                v["phone"] and _digits(adult.phone) == _digits(v["phone"])
            ):
                return adult
        if not v["email"] and not v["phone"] and child is not None:
            for adult in self.adults.get(names, []):
                if self._authorisation(child, adult):
                    return adult
        return None

    def _authorisation(self, child: Child, adult: Adult) -> Authorisation | None:
        return self.db.scalar(
            select(Authorisation).where(
                Authorisation.child_id == child.id,
                Authorisation.adult_id == adult.id,
                Authorisation.deleted_at.is_(None),
            )
        )


def _digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())
