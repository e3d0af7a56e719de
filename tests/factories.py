"""Plain factories for a small nursery the door can reason about, without a database.

Hashes are made once per test process: bcrypt at cost 12 takes a quarter of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import count
from typing import Any

from db.credentials import hash_password, hash_secret, new_card
from db.timeline import EventRecord
from db.vocabulary import Check, EventType
from kiosk.door import (
    AdultInfo,
    AuthorisationInfo,
    CardInfo,
    ChildInfo,
    Door,
    DoorPolicy,
    PeopleBook,
    PermissionInfo,
    RestrictionInfo,
    SessionInfo,
    StaffInfo,
)
from kiosk.door.decisions import new_event

# Monday 23 November 2026, 08:40 in London (GMT, so UTC too): the morning rush.
MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
MORNING = datetime(2026, 11, 23, 8, 40, tzinfo=UTC)
AGREED_PASSWORD = "Purple Giraffe"
STAFF_PIN = "2468"

_ids = count(1000)


@cache
def agreed_password_hash() -> str:
    return hash_password(AGREED_PASSWORD, agreed=True)


@cache
def staff_pin_hash() -> str:
    return hash_password(STAFF_PIN)


def make_child(**overrides: Any) -> ChildInfo:
    values: dict[str, Any] = {
        "id": next(_ids),
        "first_name": "Amara",
        "last_name": "Okafor",
        "date_of_birth": date(2023, 3, 14),
        "room_id": 3,
        "key_person_id": 1,
        "has_photo": True,
    }
    return ChildInfo(**(values | overrides))


def make_adult(**overrides: Any) -> AdultInfo:
    values: dict[str, Any] = {
        "id": next(_ids),
        "first_name": "Ngozi",
        "last_name": "Okafor",
        "date_of_birth": date(1990, 6, 2),
        "has_photo": True,
    }
    return AdultInfo(**(values | overrides))


def make_staff(**overrides: Any) -> StaffInfo:
    values: dict[str, Any] = {
        "id": next(_ids),
        "first_name": "Saskia",
        "last_name": "Brown",
        "pin_hash": staff_pin_hash(),
        "room_id": 3,
    }
    return StaffInfo(**(values | overrides))


@dataclass
class Nursery:
    """A nursery under construction: add people, then ask for a door."""

    children: list[ChildInfo] = field(default_factory=list)
    adults: list[AdultInfo] = field(default_factory=list)
    staff: list[StaffInfo] = field(default_factory=list)
    cards: list[CardInfo] = field(default_factory=list)
    authorisations: list[AuthorisationInfo] = field(default_factory=list)
    permissions: list[PermissionInfo] = field(default_factory=list)
    restrictions: list[RestrictionInfo] = field(default_factory=list)
    password_hashes: dict[int, str] = field(default_factory=dict)
    sessions: list[SessionInfo] = field(default_factory=list)
    policy: DoorPolicy = field(default_factory=DoorPolicy)

    def child(self, **overrides: Any) -> ChildInfo:
        child = make_child(**overrides)
        self.children.append(child)
        return child

    def adult(self, *, may_collect: tuple[ChildInfo, ...] = (), **overrides: Any) -> AdultInfo:
        adult = make_adult(**overrides)
        self.adults.append(adult)
        for child in may_collect:
            self.authorisations.append(AuthorisationInfo(child.id, adult.id, "Parent"))
        return adult

    def member_of_staff(self, **overrides: Any) -> StaffInfo:
        staff = make_staff(**overrides)
        self.staff.append(staff)
        return staff

    def card_for(
        self,
        *,
        adult: AdultInfo | None = None,
        staff: StaffInfo | None = None,
        revoked: bool = False,
    ) -> str:
        card = new_card()
        self.cards.append(
            CardInfo(
                card.card_id,
                hash_secret(card.secret),
                adult.id if adult else None,
                staff.id if staff else None,
                revoked,
            )
        )
        return card.text()

    def permission(
        self, child: ChildInfo, adult: AdultInfo, valid_from: date, valid_to: date | None = None
    ) -> PermissionInfo:
        permission = PermissionInfo(
            next(_ids),
            child.id,
            adult.id,
            valid_from,
            valid_to or valid_from,
            taken_by_staff_id=1,
            taken_at=MORNING - timedelta(days=3),
        )
        self.permissions.append(permission)
        return permission

    def restrict(self, child: ChildInfo, *, name: str, adult: AdultInfo | None = None) -> None:
        self.restrictions.append(
            RestrictionInfo(next(_ids), child.id, name, adult.id if adult else None)
        )

    def agree_password(self, *children: ChildInfo) -> None:
        """Siblings share one agreed password."""
        password_id = next(_ids)
        self.password_hashes[password_id] = agreed_password_hash()
        for child in children:
            index = self.children.index(child)
            self.children[index] = replace_child(child, agreed_password_id=password_id)

    def session(self, name: str, starts: time, ends: time) -> SessionInfo:
        info = SessionInfo(next(_ids), name, starts, ends)
        self.sessions.append(info)
        return info

    def book(self) -> PeopleBook:
        return PeopleBook(
            children=self.children,
            adults=self.adults,
            staff=self.staff,
            cards=self.cards,
            authorisations=self.authorisations,
            permissions=self.permissions,
            restrictions=self.restrictions,
            password_hashes=self.password_hashes,
            sessions=self.sessions,
        )

    def door(self, events: tuple[EventRecord, ...] = ()) -> Door:
        return Door(self.book(), policy=self.policy, events=events, device="front-door")


def replace_child(child: ChildInfo, **changes: Any) -> ChildInfo:
    from dataclasses import replace

    return replace(child, **changes)


def arrive(door: Door, child: ChildInfo, adult: AdultInfo, now: datetime = MORNING) -> EventRecord:
    """A child brought in and the arrival recorded, as the kiosk would."""
    decision = door.arrive(child_ids=[child.id], brought_by_adult_id=adult.id, now=now)
    door.record(decision.events)
    return decision.events[0]


def handed_over_unseen(
    *,
    child_id: int,
    staff_id: int,
    now: datetime,
    adult_id: int | None = None,
    collector_name: str | None = None,
    device: str = "back-door",
) -> EventRecord:
    """What a door records when staff hand over a child whose arrival it never saw: the
    collection, marked "arrival not known here", with the child seen by that member of staff."""
    payload: dict[str, Any] = {"arrival_known_here": False, "checks": [Check.SEE_THE_CHILD.value]}
    if collector_name:
        payload["collector_name"] = collector_name
    return new_event(
        EventType.CHILD_COLLECTED,
        now=now,
        device=device,
        child_id=child_id,
        adult_id=adult_id,
        staff_id=staff_id,
        payload=payload,
    )
