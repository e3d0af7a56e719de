"""A large nursery and a year of its events, for benchmarks: 200 children, 600 adults.

Hashes that would cost bcrypt time (PINs, agreed passwords) are made once and shared: the
benchmarks measure the door and the register, not bcrypt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.clock import at_local
from db.credentials import hash_password, hash_secret, new_card
from db.events import EVENTS
from db.models import (
    Adult,
    AgreedPassword,
    Authorisation,
    Card,
    Child,
    NurserySession,
    Room,
    Setting,
    Staff,
)
from db.vocabulary import EventType

LONDON = ZoneInfo("Europe/London")
EVENT_BATCH = 20_000  # events a statement: few round trips, bounded memory


@dataclass
class BigNursery:
    child_ids: list[int]
    cards_by_adult: dict[int, str]  # adult id -> card payload
    parents_of_child: dict[int, list[int]]
    today: date


def build(
    session: Session,
    *,
    children: int = 200,
    adults_per_child: int = 3,
    days: int = 365,
    today: date | None = None,
    seed: int = 7,
) -> BigNursery:
    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.now(UTC)
    session.add(Setting(name="Benchmark Nursery"))
    rooms = [Room(name=n) for n in ("Babies", "Twos", "Pre-school")]
    session.add_all(rooms)
    session.add_all(
        [
            NurserySession(name="Morning", starts_at=time(8, 30), ends_at=time(11, 30)),
            NurserySession(name="Full day", starts_at=time(8, 30), ends_at=time(15, 0)),
        ]
    )
    session.flush()
    pin = hash_password("2468")
    staff = [
        Staff(
            username=f"s{i}",
            first_name=f"Staff{i}",
            last_name="Member",
            pin_hash=pin,
            room_id=rooms[i % 3].id,
        )
        for i in range(20)
    ]
    password = AgreedPassword(password_hash=hash_password("maple tree", agreed=True), set_at=now)
    session.add_all([*staff, password])
    session.flush()
    kids = [
        Child(
            first_name=f"Child{i}",
            last_name=f"Family{i // 2}",
            date_of_birth=today - timedelta(days=rng.randint(300, 1600)),
            room_id=rooms[i % 3].id,
            key_person_id=staff[i % 20].id,
            agreed_password_id=password.id,
        )
        for i in range(children)
    ]
    grown = [
        Adult(
            first_name=f"Adult{i}",
            last_name=f"Family{i // (2 * adults_per_child)}",
            date_of_birth=date(1985, 1, 1),
            photo=b"jpeg",
        )
        for i in range(children * adults_per_child)
    ]
    session.add_all([*kids, *grown])
    session.flush()
    parents: dict[int, list[int]] = {}
    cards: dict[int, str] = {}
    for i, child in enumerate(kids):
        mine = grown[i * adults_per_child : (i + 1) * adults_per_child]
        parents[child.id] = [a.id for a in mine]
        for adult in mine:
            session.add(Authorisation(child_id=child.id, adult_id=adult.id, relationship="Parent"))
            card = new_card()
            cards[adult.id] = card.text()
            session.add(
                Card(
                    id=card.card_id,
                    holder_adult_id=adult.id,
                    issued_at=now,
                    secret_hash=hash_secret(card.secret),
                )
            )
    session.commit()
    nursery = BigNursery([c.id for c in kids], cards, parents, today)
    add_year_of_events(session, nursery, days=days, rng=rng, staff_ids=[s.id for s in staff])
    return nursery


def _day_events(
    nursery: BigNursery, day: date, rng: random.Random, staff_ids: list[int], *, open_day: bool
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for child_id in nursery.child_ids:
        if rng.random() > 0.85:
            continue
        adult = rng.choice(nursery.parents_of_child[child_id])
        arrived = at_local(day, time(8, 15), LONDON) + timedelta(minutes=rng.randint(0, 45))
        arrival = str(uuid4())
        rows.append(_row(EventType.CHILD_ARRIVED, arrived, child_id, adult, None, None, arrival))
        rows.append(
            _row(
                EventType.ARRIVAL_ACKNOWLEDGED,
                arrived + timedelta(minutes=2),
                child_id,
                None,
                rng.choice(staff_ids),
                arrival,
            )
        )
        if open_day:
            continue
        leaving = at_local(day, time(11, 25), LONDON) + timedelta(minutes=rng.randint(0, 220))
        request = str(uuid4())
        rows.append(
            _row(EventType.COLLECTION_REQUESTED, leaving, child_id, adult, None, None, request)
        )
        rows.append(
            _row(
                EventType.CHILD_COLLECTED,
                leaving + timedelta(minutes=1),
                child_id,
                adult,
                rng.choice(staff_ids),
                request,
            )
        )
    return rows


def _row(
    kind: EventType,
    at: datetime,
    child: int,
    adult: int | None,
    staff: int | None,
    ref: str | None,
    uuid: str | None = None,
) -> dict[str, object]:
    own = uuid if kind in (EventType.CHILD_ARRIVED, EventType.COLLECTION_REQUESTED) else None
    return {
        "uuid": own or str(uuid4()),
        "type": kind.value,
        "occurred_at": at,
        "recorded_at": at,
        "device": "front-door",
        "child_id": child,
        "adult_id": adult,
        "staff_id": staff,
        "visitor_id": None,
        "room_id": None,
        "ref": None if kind in (EventType.CHILD_ARRIVED, EventType.COLLECTION_REQUESTED) else ref,
        "payload": {"method": "card"} if kind == EventType.COLLECTION_REQUESTED else {},
    }


def add_year_of_events(
    session: Session, nursery: BigNursery, *, days: int, rng: random.Random, staff_ids: list[int]
) -> int:
    """Inserts through the table, a batch at a time: the ORM's bulk insert sent one statement
    per event (178k for a year, 100 s), so seven years of history never finished seeding."""
    total = 0
    batch: list[dict[str, object]] = []
    for back in range(days, -1, -1):
        day = nursery.today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        batch += _day_events(nursery, day, rng, staff_ids, open_day=back == 0)
        if len(batch) >= EVENT_BATCH or back == 0:
            session.connection().execute(insert(EVENTS), batch)
            total += len(batch)
            batch = []
    session.commit()
    return total
