"""Children, the adults around them, staff, and who may collect whom."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import OFFICE_ONLY, SECRET, SENSITIVE, Base, UTCDateTime, Versioned
from db.vocabulary import Role

NAME = 100  # characters; the panel refuses longer names with a message, the database too


class Staff(Versioned, Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(NAME))
    last_name: Mapped[str] = mapped_column(String(NAME))
    role: Mapped[str] = mapped_column(String(16), default=Role.STAFF.value)
    password_hash: Mapped[str | None] = mapped_column(String(100), info=SECRET | OFFICE_ONLY)
    pin_hash: Mapped[str | None] = mapped_column(String(100), info=SECRET)
    # When a kiosk holding this PIN's hash was reported lost or stolen (its hashes can be
    # guessed offline): the PIN no longer works, and the Kiosks page lists who must set a new
    # one. None once they have.
    pin_exposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=OFFICE_ONLY)
    qualified_teacher: Mapped[bool] = mapped_column(default=False)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=True)
    phone: Mapped[str | None] = mapped_column(String(40), info=OFFICE_ONLY)


class AgreedPassword(Versioned, Base):
    """The emergency password agreed with a family (R6); siblings may share one."""

    __tablename__ = "agreed_passwords"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(100), default="")  # "the Nowak family"
    password_hash: Mapped[str] = mapped_column(String(100), info=SECRET)
    set_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    set_at: Mapped[datetime]


class Child(Versioned, Base):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(NAME))
    last_name: Mapped[str] = mapped_column(String(NAME))
    date_of_birth: Mapped[date]
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_person_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    agreed_password_id: Mapped[int | None] = mapped_column(ForeignKey("agreed_passwords.id"))
    started_on: Mapped[date | None]
    left_on: Mapped[date | None]
    # R11: kept securely, visible to the roles that need them, never replicated to a kiosk.
    legal_guardians: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, info=SENSITIVE
    )
    particular_needs: Mapped[str] = mapped_column(String(4000), default="", info=SENSITIVE)
    consents: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict, info=SENSITIVE)
    emergency_contacts: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, info=SENSITIVE
    )
    home_address: Mapped[str] = mapped_column(String(500), default="", info=SENSITIVE)
    # EYFS 2025: who the child normally lives with (names and how related), beside the address.
    lives_with: Mapped[str] = mapped_column(
        String(500), default="", server_default="", info=SENSITIVE
    )
    # Funded early education: the weekly hours the local authority funds over 38 term weeks
    # (0: none, 15 or 30), and the weeks the family takes them over (38, or "stretched" over
    # up to 52: the same yearly hours, fewer a week). Office only: the doors never need it.
    funded_hours: Mapped[int] = mapped_column(default=0, server_default="0", info=OFFICE_ONLY)
    funded_weeks: Mapped[int] = mapped_column(default=38, server_default="38", info=OFFICE_ONLY)


class ChildBooking(Versioned, Base):
    """Which session a child is booked into on a weekday (0 = Monday)."""

    __tablename__ = "child_bookings"
    __table_args__ = (
        UniqueConstraint("child_id", "weekday", "session_id"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    weekday: Mapped[int]
    session_id: Mapped[int] = mapped_column(ForeignKey("nursery_sessions.id"))


class Adult(Versioned, Base):
    __tablename__ = "adults"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(NAME))
    last_name: Mapped[str] = mapped_column(String(NAME))
    date_of_birth: Mapped[date | None]
    # Where no date of birth is held, a member of staff confirmed the person is an adult (R7).
    confirmed_adult: Mapped[bool] = mapped_column(default=False)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone: Mapped[str | None] = mapped_column(String(40), info=OFFICE_ONLY)
    email: Mapped[str | None] = mapped_column(String(200), info=OFFICE_ONLY)
    # What e-mail tells this adult (issue 17): in which of the kiosk's languages, and, when
    # they opt in, arrivals, departures and late collections as well as changes to who may
    # collect. Office only: a door has no use for them.
    language: Mapped[str] = mapped_column(
        String(8), default="en", server_default="en", info=OFFICE_ONLY
    )
    notify_arrivals: Mapped[bool] = mapped_column(
        default=False, server_default=false(), info=OFFICE_ONLY
    )
    notify_late: Mapped[bool] = mapped_column(
        default=False, server_default=false(), info=OFFICE_ONLY
    )


class Authorisation(Versioned, Base):
    """A standing authorisation: this adult may collect this child (R4)."""

    __tablename__ = "authorisations"
    __table_args__ = (UniqueConstraint("child_id", "adult_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    adult_id: Mapped[int] = mapped_column(ForeignKey("adults.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(60))
    parental_responsibility: Mapped[bool] = mapped_column(default=False)


class OneOffPermission(Versioned, Base):
    """Written permission for a named adult to collect on given dates only (R4)."""

    __tablename__ = "one_off_permissions"
    __table_args__ = (CheckConstraint("valid_from <= valid_to", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    adult_id: Mapped[int] = mapped_column(ForeignKey("adults.id"), index=True)
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    taken_by_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    taken_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(1000), default="", info=OFFICE_ONLY)
    # The photo a parent sent with the request this permission came from (issue 17 §3): the
    # door shows it for whoever collects on these dates; cleared once they are over
    # (admin/retention.py), so a door holds it no longer than it needs it.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)


class Restriction(Versioned, Base):
    """A person who must not collect a child (court order). The highest alert (R8)."""

    __tablename__ = "restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    adult_id: Mapped[int | None] = mapped_column(ForeignKey("adults.id"))
    person_name: Mapped[str] = mapped_column(String(2 * NAME + 1))
    reason: Mapped[str] = mapped_column(String(1000), info=SENSITIVE)
    recorded_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime | None]


class Card(Versioned, Base):
    """A QR card; only the SHA-256 of its secret is stored."""

    __tablename__ = "cards"
    __table_args__ = (
        CheckConstraint(
            "(holder_adult_id IS NULL) <> (holder_staff_id IS NULL)", name="one_holder"
        ),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    holder_adult_id: Mapped[int | None] = mapped_column(ForeignKey("adults.id"), index=True)
    holder_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), info=SECRET)
    issued_at: Mapped[datetime]
    issued_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revoked_reason: Mapped[str] = mapped_column(String(200), default="")  # "lost", "reissued"


class Visitor(Versioned, Base):
    """A regular visitor known to the setting (speech therapist, inspector); a one-time visitor
    signs in at the kiosk with a name alone (R16)."""

    __tablename__ = "visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(2 * NAME + 1))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(1000), default="", info=OFFICE_ONLY)
