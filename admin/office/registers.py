"""The daily register as an inspector reads it: each room's children with their periods and
hours, the room's totals, and the manager's sign-off. Read from the event log like the rest of
the register (db/register.py); the sign-off is itself an event the hub signs, so it can be
added to but never quietly changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.errors import HubError
from admin.office_events import record_office_event
from db.audit import ACTOR_KEY
from db.clock import as_utc, local_day
from db.models import AuditEntry, Event, Room, Staff
from db.names import full_name
from db.register import RegisterRow, daily_register, setting_zone
from db.vocabulary import EventType, Role

NO_ROOM = "No room"


@dataclass(frozen=True)
class RoomRegister:
    name: str
    rows: list[RegisterRow]

    @property
    def children(self) -> int:
        return len({r.child_id for r in self.rows})

    @property
    def hours(self) -> timedelta:
        return sum((r.hours for r in self.rows), timedelta())


@dataclass(frozen=True)
class SignOff:
    staff: str
    at: datetime


@dataclass(frozen=True)
class DayRegister:
    day: date
    rooms: list[RoomRegister]
    sign_off: SignOff | None

    @property
    def rows(self) -> list[RegisterRow]:
        return [row for room in self.rooms for row in room.rows]

    @property
    def children(self) -> int:
        return len({r.child_id for r in self.rows})

    @property
    def hours(self) -> timedelta:
        return sum((room.hours for room in self.rooms), timedelta())

    @property
    def changed_after_sign_off(self) -> bool:
        """A departure corrected after the manager signed: she should look and sign again."""
        signed = self.sign_off
        return signed is not None and any(
            r.correction_recorded_at is not None and as_utc(r.correction_recorded_at) > signed.at
            for r in self.rows
        )


def hours_text(value: timedelta) -> str:
    """ "3 h 05 min": how a nursery says a stay's length."""
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _by_room(db: Session, rows: list[RegisterRow]) -> list[RoomRegister]:
    """Rooms youngest first, as the Today page orders them; a room since removed keeps its
    name in old registers and comes after the others."""
    order = list(
        db.scalars(select(Room.name).order_by(Room.deleted_at.is_not(None), Room.min_age_months))
    )
    grouped: dict[str, list[RegisterRow]] = {}
    for row in rows:
        grouped.setdefault(row.room or NO_ROOM, []).append(row)
    place = {name: i for i, name in enumerate(order)}
    names = sorted(grouped, key=lambda n: (place.get(n, len(place)), n))
    return [RoomRegister(name, grouped[name]) for name in names]


def latest_sign_off(db: Session, day: date) -> SignOff | None:
    event = db.scalars(
        select(Event)
        .where(Event.type == EventType.REGISTER_SIGNED_OFF.value, Event.ref == day.isoformat())
        .order_by(Event.occurred_at.desc(), Event.seq.desc())
    ).first()
    if event is None:
        return None
    staff = db.get(Staff, event.staff_id) if event.staff_id is not None else None
    who = full_name(staff.first_name, staff.last_name) if staff else "someone since removed"
    return SignOff(who, as_utc(event.occurred_at))


def day_register(
    db: Session, day: date, *, now: datetime, zone: ZoneInfo | None = None
) -> DayRegister:
    zone = zone or setting_zone(db)
    rows = daily_register(db, day, zone, now=now)
    return DayRegister(day, _by_room(db, rows), latest_sign_off(db, day))


def audit_note(
    db: Session, now: datetime, action: str, entity: str, entity_id: object, changes: dict[str, Any]
) -> None:
    """An entry in the audit log for a change that is an event, not a row (the session hooks
    of db/audit.py see only rows). The caller commits."""
    db.add(
        AuditEntry(
            at=as_utc(now),
            actor=str(db.info.get(ACTOR_KEY, "system")),
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            changes=changes,
        )
    )


def sign_off_register(db: Session, day: date, *, manager: Staff, now: datetime) -> SignOff:
    """The manager's word that the day's register is complete; signing again (after a
    correction) adds a new sign-off, and the register shows the latest."""
    if manager.role != Role.MANAGER.value:
        raise HubError(403, "manager_only", "Only a manager signs off the register.")
    if day > local_day(now, setting_zone(db)):
        raise HubError(400, "future_day", "A day that has not happened yet cannot be signed off.")
    audit_note(db, now, "sign_off", "register", day.isoformat(), {"at": now.isoformat()})
    record_office_event(
        db,
        EventType.REGISTER_SIGNED_OFF,
        now=now,
        staff_id=manager.id,
        ref=day.isoformat(),
        payload={"day": day.isoformat()},
    )
    return SignOff(full_name(manager.first_name, manager.last_name), as_utc(now))
