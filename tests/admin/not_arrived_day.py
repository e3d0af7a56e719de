"""A nursery morning for the "not yet arrived" tests, on a real hub's database and the real
clock: the setting's time zone is chosen so that it is about noon there whenever the test
runs, and the sessions start a set number of minutes before now, so the hub's own clock
decides, as it does in a nursery, without any test hook in the hub."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.office.family_requests import ABSENCE, send_request
from db.audit import set_actor
from db.engine import make_engine, session_factory
from db.models import (
    Adult,
    Authorisation,
    Child,
    ChildBooking,
    Event,
    NurserySession,
    Setting,
)
from db.names import full_name
from db.vocabulary import EventType, Reason

# Who is who this morning (the first demo children on the roll, in id order).
ROLES = ("amara", "ben", "cara", "dev", "eli", "fay", "gus", "hal")


def noon_zone(now: datetime) -> str:
    """An Etc/GMT zone in which it is about noon now (Etc/GMT-5 is five hours ahead)."""
    ahead = 12 - now.astimezone(UTC).hour
    return f"Etc/GMT{-ahead:+d}" if ahead else "Etc/GMT"


@contextmanager
def records(url: str) -> Iterator[Session]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            set_actor(db, "test")
            yield db
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Morning:
    url: str
    zone: ZoneInfo
    today: date
    ids: dict[str, int]
    names: dict[str, str]

    def set_grace(self, minutes: int) -> None:
        with records(self.url) as db:
            setting = db.scalar(select(Setting))
            assert setting is not None
            setting.not_arrived_minutes = minutes
            db.commit()

    def not_arrived_alerts(self) -> list[Event]:
        with records(self.url) as db:
            rows = db.scalars(
                select(Event).where(Event.type == EventType.ALERT_RAISED).order_by(Event.seq)
            ).all()
            return [e for e in rows if e.payload.get("reason") == Reason.NOT_ARRIVED.value]

    def alerted(self) -> list[str]:
        """Who has been alerted on, one entry per alert raised (a repeat would show twice)."""
        roles = {i: r for r, i in self.ids.items()}
        return sorted(roles.get(e.child_id or -1, "?") for e in self.not_arrived_alerts())

    def resolution_of(self, role: str) -> Event | None:
        [alert] = [e for e in self.not_arrived_alerts() if e.child_id == self.ids[role]]
        with records(self.url) as db:
            return db.scalar(
                select(Event).where(Event.type == EventType.ALERT_RESOLVED, Event.ref == alert.uuid)
            )


def wait_for(what: Callable[[], object], *, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < deadline, "the hub did not get there in time"
        time.sleep(0.2)


def _session(db: Session, name: str, starts: datetime) -> NurserySession:
    session = NurserySession(
        name=name,
        starts_at=starts.time().replace(second=0, microsecond=0),
        ends_at=(starts + timedelta(hours=3)).time().replace(second=0, microsecond=0),
    )
    db.add(session)
    db.flush()
    return session


def prepare_morning(template: Path, folder: Path, *, grace: int) -> Morning:
    """The demo nursery with no bookings but this morning's: see ROLES and the tests."""
    path = folder / "hub.db"
    shutil.copy(template, path)
    url = str(path)
    now = datetime.now(UTC)
    zone = noon_zone(now)
    local = now.astimezone(ZoneInfo(zone))
    today = local.date()
    with records(url) as db:
        setting = db.scalar(select(Setting))
        assert setting is not None
        setting.time_zone, setting.not_arrived_minutes = zone, grace
        for booking in db.scalars(select(ChildBooking)):
            booking.deleted_at = now  # only this morning's bookings count
        early = _session(db, "Early", local - timedelta(minutes=45))
        late = _session(db, "Late", local - timedelta(minutes=10))
        children = db.scalars(
            select(Child)
            .where(Child.deleted_at.is_(None), Child.left_on.is_(None))
            .order_by(Child.id)
        ).all()[: len(ROLES)]
        ids = {role: c.id for role, c in zip(ROLES, children, strict=True)}
        names = {
            role: full_name(c.first_name, c.last_name)
            for role, c in zip(ROLES, children, strict=True)
        }
        for role, child in zip(ROLES, children, strict=True):
            child.started_on = today - timedelta(days=100)
            weekday = (today.weekday() + 1) % 7 if role == "dev" else today.weekday()
            session = late if role == "fay" else early
            db.add(ChildBooking(child_id=child.id, weekday=weekday, session_id=session.id))
            if role == "eli":
                child.left_on = today - timedelta(days=1)
        db.commit()
        # Cara's parent told the office yesterday on the parents' page, as the page does.
        send_request(
            db,
            kind=ABSENCE,
            child=children[ROLES.index("cara")],
            parent=_a_parent_of(db, ids["cara"]),
            first=today,
            last=today + timedelta(days=1),
            reason="Grandma's birthday",
            now=now - timedelta(days=1),
        )
    return Morning(url, ZoneInfo(zone), today, ids, names)


def _a_parent_of(db: Session, child_id: int) -> Adult:
    adult = db.scalar(
        select(Adult)
        .join(Authorisation, Authorisation.adult_id == Adult.id)
        .where(Authorisation.child_id == child_id)
        .limit(1)
    )
    assert adult is not None, "every demo child has someone who may collect them"
    return adult
