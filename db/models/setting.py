"""The setting (one nursery per database), its sessions, rooms, ratio rules and closed days."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from db.clock import DEFAULT_TIME_ZONE
from db.models.base import Base, Versioned
from db.vocabulary import PrivacyMode


class Setting(Versioned, Base):
    __tablename__ = "settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    late_collection_grace_minutes: Mapped[int] = mapped_column(default=10)
    arrival_acknowledgement_minutes: Mapped[int] = mapped_column(default=10)
    minimum_collector_age: Mapped[int] = mapped_column(default=16)
    password_attempt_limit: Mapped[int] = mapped_column(default=3)
    password_window_minutes: Mapped[int] = mapped_column(default=60)
    privacy_mode: Mapped[str] = mapped_column(
        String(32), default=PrivacyMode.PHOTO_AND_FIRST_NAME.value
    )
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    kiosk_idle_seconds: Mapped[int] = mapped_column(default=30)
    # Below this much free disk a kiosk warns staff (and the office), before a write fails.
    kiosk_low_space_mb: Mapped[int] = mapped_column(default=200, server_default="200")
    # After this long without a sync a door may have missed arrivals made at another door, so a
    # card shown at its home screen asks "Dropping off or collecting?" before anything else.
    kiosk_out_of_touch_seconds: Mapped[int] = mapped_column(default=60, server_default="60")
    retention_years: Mapped[int] = mapped_column(default=3)
    # The fewest digits a staff PIN may have: 4, or 6 (a million PINs to try instead of ten
    # thousand) for a nursery that worries about a stolen kiosk's PIN hashes.
    staff_pin_min_digits: Mapped[int] = mapped_column(default=4, server_default="4")
    # Minutes after a booked session starts before a child who has not come is "not yet arrived".
    not_arrived_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class NurserySession(Versioned, Base):
    """A bookable session, e.g. "Morning 08:30-11:30" (R9)."""

    __tablename__ = "nursery_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[time]
    ends_at: Mapped[time]


class Room(Versioned, Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(7), default="#5b8c85")
    # The age band the room is for, so the panel can say when a child has outgrown it.
    min_age_months: Mapped[int | None]
    max_age_months: Mapped[int | None]


class RatioRule(Versioned, Base):
    """Children per adult for an age band (EYFS: under 2 1:3, twos 1:5, three and over 1:8, or
    1:13 when a qualified teacher works with them)."""

    __tablename__ = "ratio_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    min_age_months: Mapped[int]
    max_age_months: Mapped[int | None]
    children_per_adult: Mapped[int]
    children_per_adult_with_qualified_teacher: Mapped[int | None]


class ClosedDay(Versioned, Base):
    """Days the nursery is shut (a bank holiday, an INSET day, the Christmas closure): no child
    is expected, so nobody is "not yet arrived". One row is one day or a run of days. Office
    only: a door has nothing to do differently on a day nobody comes."""

    __tablename__ = "closed_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_day: Mapped[date] = mapped_column(index=True)
    last_day: Mapped[date]
    label: Mapped[str] = mapped_column(String(100))
