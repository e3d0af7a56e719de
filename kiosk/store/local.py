"""The kiosk's own database: its replica of door data and its event log.

All writes of the kiosk process go through :class:`KioskStore`, called from the one door
thread, so SQLite sees one writer. Each event batch is one transaction: a kiosk killed
mid-write loses nothing that was acknowledged on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.events import append_events
from db.migrate import upgrade_to_head
from db.models import Adult, Child, Outbox, Room, Setting, Staff
from db.models.sync import ALERT_PRIORITY, NORMAL_PRIORITY
from db.timeline import EventRecord
from db.vocabulary import EventType, PrivacyMode
from kiosk.door.book import DoorPolicy, PeopleBook
from kiosk.store.replica import load_book, load_policy, load_today


@dataclass(frozen=True)
class KioskSetting:
    name: str
    zone: ZoneInfo
    privacy_mode: PrivacyMode
    languages: tuple[str, ...]
    idle_seconds: int


class KioskStore:
    def __init__(self, url: str, *, device: str) -> None:
        self.engine = make_engine(url)
        upgrade_to_head(self.engine)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.device = device

    def setting(self) -> KioskSetting:
        with self.sessions() as session:
            row = session.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
            if row is None:
                return KioskSetting(
                    "Handover",
                    ZoneInfo("Europe/London"),
                    PrivacyMode.PHOTO_AND_FIRST_NAME,
                    ("en",),
                    30,
                )
            return KioskSetting(
                name=row.name,
                zone=ZoneInfo(row.time_zone),
                privacy_mode=PrivacyMode(row.privacy_mode),
                languages=tuple(row.languages or ["en"]),
                idle_seconds=row.kiosk_idle_seconds,
            )

    def book(self) -> PeopleBook:
        with self.sessions() as session:
            return load_book(session)

    def policy(self) -> DoorPolicy:
        with self.sessions() as session:
            return load_policy(session)

    def today(self, *, now: datetime, zone: ZoneInfo) -> list[EventRecord]:
        with self.sessions() as session:
            return load_today(session, now=now, zone=zone)

    def rooms(self) -> dict[int, str]:
        with self.sessions() as session:
            return {
                r.id: r.name for r in session.scalars(select(Room).where(Room.deleted_at.is_(None)))
            }

    def photos(self) -> dict[tuple[str, int], bytes]:
        """Every photo the door shows, read once at start: a few kilobytes each."""
        photos: dict[tuple[str, int], bytes] = {}
        columns = (
            ("child", Child.id, Child.photo, Child.deleted_at),
            ("adult", Adult.id, Adult.photo, Adult.deleted_at),
            ("staff", Staff.id, Staff.photo, Staff.deleted_at),
        )
        with self.sessions() as session:
            for kind, id_column, photo_column, deleted in columns:
                query = select(id_column, photo_column).where(deleted.is_(None))
                for row_id, photo in session.execute(query):
                    if photo:
                        photos[(kind, row_id)] = photo
        return photos

    def append(self, events: Sequence[EventRecord]) -> list[EventRecord]:
        """Store events made here, each with its outbox row, in one transaction: an event on
        disk is an event that will reach the hub. Returns those that were new."""
        if not events:
            return []
        with self.sessions.begin() as session:
            fresh = append_events(session, list(events))
            now = utc_now()
            session.add_all(
                Outbox(event_uuid=e.uuid, created_at=now, priority=_priority(e)) for e in fresh
            )
            return fresh

    def receive(self, events: Sequence[EventRecord]) -> list[EventRecord]:
        """Store events other devices made (pulled from the hub): no outbox, they came from it."""
        if not events:
            return []
        with self.sessions.begin() as session:
            return append_events(session, list(events))

    def close(self) -> None:
        self.engine.dispose()


def _priority(event: EventRecord) -> int:
    return ALERT_PRIORITY if event.type == EventType.ALERT_RAISED else NORMAL_PRIORITY
