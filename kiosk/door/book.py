"""What the door knows about people: plain frozen dataclasses, indexed once for fast look-ups.

This is exactly the data a kiosk replica holds: names, photos (as a flag here), key persons,
who may collect whom, and hashes. No addresses, phone numbers, needs or family notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from db.clock import DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class ChildInfo:
    id: int
    first_name: str
    last_name: str
    date_of_birth: date
    room_id: int | None = None
    key_person_id: int | None = None
    agreed_password_id: int | None = None
    has_photo: bool = False
    # weekday (0 = Monday) -> ids of the sessions booked that day
    booked: Mapping[int, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class AdultInfo:
    id: int
    first_name: str
    last_name: str
    date_of_birth: date | None = None
    confirmed_adult: bool = False
    has_photo: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class StaffInfo:
    id: int
    first_name: str
    last_name: str
    pin_hash: str | None = None
    room_id: int | None = None
    qualified_teacher: bool = False
    active: bool = True
    is_manager: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class CardInfo:
    id: str
    secret_hash: str
    holder_adult_id: int | None = None
    holder_staff_id: int | None = None
    revoked: bool = False


@dataclass(frozen=True)
class AuthorisationInfo:
    child_id: int
    adult_id: int
    relationship: str = ""


@dataclass(frozen=True)
class PermissionInfo:
    """A one-off written permission: this adult, these dates, taken by whom and when."""

    id: int
    child_id: int
    adult_id: int
    valid_from: date
    valid_to: date
    taken_by_staff_id: int
    taken_at: datetime
    # A photo the parent sent with the request (issue 17 §3): the door shows it, not the
    # adult's own, for a collection under this permission.
    has_photo: bool = False

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class RestrictionInfo:
    id: int
    child_id: int
    person_name: str
    adult_id: int | None = None


@dataclass(frozen=True)
class SessionInfo:
    id: int
    name: str
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class DoorPolicy:
    """The setting's options that the door's rules read."""

    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIME_ZONE))
    minimum_collector_age: int = 16
    password_attempt_limit: int = 3
    password_window: timedelta = timedelta(minutes=60)
    # A staff PIN releases a child, and has only 10,000 values: guessing must stop early and
    # loudly. Per member of staff (at any door) and per door (whoever's picture was tapped).
    staff_pin_attempt_limit: int = 5
    door_pin_attempt_limit: int = 10
    staff_pin_window: timedelta = timedelta(minutes=15)
    acknowledgement_window: timedelta = timedelta(minutes=10)
    late_collection_grace: timedelta = timedelta(minutes=10)


def name_key(name: str) -> str:
    """How two typed names are compared: case, accents' composition and spacing forgiven."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class PeopleBook:
    """Everything the door knows about people, indexed for O(1) decisions."""

    def __init__(
        self,
        *,
        children: Iterable[ChildInfo] = (),
        adults: Iterable[AdultInfo] = (),
        staff: Iterable[StaffInfo] = (),
        cards: Iterable[CardInfo] = (),
        authorisations: Iterable[AuthorisationInfo] = (),
        permissions: Iterable[PermissionInfo] = (),
        restrictions: Iterable[RestrictionInfo] = (),
        password_hashes: Mapping[int, str] | None = None,
        sessions: Iterable[SessionInfo] = (),
    ) -> None:
        self.children = {c.id: c for c in children}
        self.adults = {a.id: a for a in adults}
        self.staff = {s.id: s for s in staff}
        self.cards = {c.id: c for c in cards}
        self.password_hashes = dict(password_hashes or {})
        self.sessions = {s.id: s for s in sessions}
        self.authorised: dict[int, dict[int, AuthorisationInfo]] = {}
        for auth in authorisations:
            self.authorised.setdefault(auth.child_id, {})[auth.adult_id] = auth
        self.permissions: dict[int, list[PermissionInfo]] = {}
        for permission in permissions:
            self.permissions.setdefault(permission.child_id, []).append(permission)
        self.restrictions: dict[int, list[RestrictionInfo]] = {}
        for restriction in restrictions:
            self.restrictions.setdefault(restriction.child_id, []).append(restriction)
        self.children_of_adult: dict[int, set[int]] = {}
        for child_id, adults_of_child in self.authorised.items():
            for adult_id in adults_of_child:
                self.children_of_adult.setdefault(adult_id, set()).add(child_id)
        for child_id, child_permissions in self.permissions.items():
            for permission in child_permissions:
                self.children_of_adult.setdefault(permission.adult_id, set()).add(child_id)
        self.restricted_children_of_adult: dict[int, set[int]] = {}
        self.restricted_children_of_name: dict[str, set[int]] = {}
        for child_id, child_restrictions in self.restrictions.items():
            for restriction in child_restrictions:
                if restriction.adult_id is not None:
                    self.restricted_children_of_adult.setdefault(restriction.adult_id, set()).add(
                        child_id
                    )
                by_name = self.restricted_children_of_name
                by_name.setdefault(name_key(restriction.person_name), set()).add(child_id)

    def restricted_children(
        self, *, adult_id: int | None = None, name: str | None = None
    ) -> list[int]:
        """Every child this person must not collect, whichever child they came for: a court
        order makes the person, not the request, the concern (sorted, for stable alerts)."""
        found = set(self.restricted_children_of_adult.get(adult_id, ())) if adult_id else set()
        if name and name.strip():
            found |= self.restricted_children_of_name.get(name_key(name), set())
        return sorted(found)

    def session_end(self, child_id: int, day: date) -> time | None:
        """When the child's last booked session ends on that day; with no booking that day,
        when the setting's last session ends (a child who is here must go home sometime)."""
        child = self.children.get(child_id)
        booked = child.booked.get(day.weekday(), ()) if child else ()
        ends = [self.sessions[s].ends_at for s in booked if s in self.sessions]
        if not ends:
            ends = [s.ends_at for s in self.sessions.values()]
        return max(ends) if ends else None
