"""The families of the demo nursery: adults, children, who may collect whom, and bookings.

Part of :mod:`db.seed`. :class:`Nursery` is what has been written so far; each step flushes so
the next one finds the ids it needs.
"""

from __future__ import annotations

import calendar
import functools
import random
import unicodedata
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from db import seed_data as roster
from db.avatars import make_avatar
from db.models import (
    Adult,
    AgreedPassword,
    Authorisation,
    Child,
    ChildBooking,
    NurserySession,
    Room,
    Staff,
)


@dataclass
class Nursery:
    session: Session
    today: date
    now: datetime
    # The same nursery every time it is made; only card secrets are truly random.
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    rooms: dict[str, Room] = field(default_factory=dict)
    sessions: dict[str, NurserySession] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    adults: dict[str, Adult] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)

    @property
    def manager(self) -> Staff:
        return self.staff["manager"]

    def days_ago(self, low: int, high: int) -> datetime:
        days, minutes = self.rng.randint(low, high), self.rng.randint(0, 600)
        return self.now - timedelta(days=days, minutes=minutes)


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=512)  # the same picture for the same name: drawn once a process
def avatar(first: str, last: str) -> bytes:
    return make_avatar(seed=f"{first} {last}", initials=(first[:1] + last[:1]).upper())


def _email(first: str, last: str) -> str | None:
    def fold(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l").replace("đ", "d"))
        return "".join(ch for ch in plain if ch.isascii() and ch.isalnum())

    first_part, last_part = fold(first), fold(last)
    if not first_part or not last_part:
        return None  # a name in Arabic script has no obvious Latin mailbox; leave it blank
    return f"{first_part}.{last_part}@example.com"


def add_families(n: Nursery, agreed_hashes: Mapping[str, Future[str]]) -> None:
    """Agreed passwords, adults and children, then who may collect whom and the bookings."""
    passwords: dict[str, AgreedPassword] = {}
    for family in roster.FAMILIES:
        if family.password is not None:
            passwords[family.label] = AgreedPassword(
                label=family.label,
                password_hash=agreed_hashes[family.label].result(),
                set_by_staff_id=n.manager.id,
                set_at=n.days_ago(20, 200),
            )
    n.session.add_all(passwords.values())
    for index, adult in enumerate(roster.ADULTS):
        n.adults[adult.name] = _adult(n, adult, index)
    n.session.add_all(n.adults.values())
    n.session.flush()
    for family in roster.FAMILIES:
        for child in family.children:
            n.children[child.name] = _child(n, child, family, passwords.get(family.label))
    n.session.add_all(n.children.values())
    n.session.flush()
    for family in roster.FAMILIES:
        _add_links(n, family)


def _adult(n: Nursery, plan: roster.AdultPlan, index: int) -> Adult:
    born = None
    if plan.age is not None:
        born = months_before(n.today, 12 * plan.age) - timedelta(days=n.rng.randint(1, 300))
    grown_up = plan.age is None or plan.age >= 18
    return Adult(
        first_name=plan.first,
        last_name=plan.last,
        date_of_birth=born,
        confirmed_adult=plan.age is None,  # no date of birth held: staff saw an adult
        photo=avatar(plan.first, plan.last) if plan.photo else None,
        phone=f"07700 900{100 + index:03d}" if grown_up else None,  # Ofcom's drama range
        email=_email(plan.first, plan.last) if grown_up else None,
    )


def _child(
    n: Nursery, plan: roster.ChildPlan, family: roster.FamilyPlan, password: AgreedPassword | None
) -> Child:
    born = _birthday(n, next(r for r in roster.ROOMS if r.name == plan.room))
    details = roster.DETAILS.get(plan.name, roster.Details())
    guardians = [c for c in family.carers if c.parental_responsibility]
    return Child(
        first_name=plan.first,
        last_name=plan.last,
        date_of_birth=born,
        photo=avatar(plan.first, plan.last),
        key_person_id=n.staff[plan.key_person].id,
        room_id=n.rooms[plan.room].id,
        agreed_password_id=None if password is None else password.id,
        started_on=_started_on(n, born),
        legal_guardians=[{"name": c.adult, "relationship": c.relationship} for c in guardians],
        particular_needs=details.particular_needs,
        consents=_consents(n),
        emergency_contacts=[
            {"name": name, "relationship": relationship, "phone": n.adults[name].phone}
            for name, relationship in details.emergency_contacts
        ],
        home_address=details.home_address,
    )


def _birthday(n: Nursery, room: roster.RoomPlan) -> date:
    # The age lands in [months, months + 1], so a month clear of the band's edges either side;
    # no baby younger than seven months.
    months = n.rng.randint(max(room.min_months + 1, 7), room.max_months - 2)
    return months_before(n.today, months) - timedelta(days=n.rng.randint(0, 25))


def _started_on(n: Nursery, born: date) -> date:
    some_time_ago = n.today - timedelta(days=n.rng.randint(30, 500))
    return min(n.today - timedelta(days=14), max(born + timedelta(days=120), some_time_ago))


def _consents(n: Nursery) -> dict[str, bool]:
    given = {name: n.rng.random() < 0.85 for name in roster.CONSENTS}
    return given | {"emergency_medical_treatment": True}


def _add_links(n: Nursery, family: roster.FamilyPlan) -> None:
    pattern = n.rng.choice(roster.BOOKING_PATTERNS)  # siblings come on the same days
    for plan in family.children:
        child = n.children[plan.name]
        for carer in family.carers:
            n.session.add(
                Authorisation(
                    child_id=child.id,
                    adult_id=n.adults[carer.adult].id,
                    relationship=carer.relationship,
                    parental_responsibility=carer.parental_responsibility,
                )
            )
        for weekday, session_name in pattern.items():
            session_id = n.sessions[session_name].id
            n.session.add(ChildBooking(child_id=child.id, weekday=weekday, session_id=session_id))
