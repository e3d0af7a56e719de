"""The kiosk's own database: its replica of door data and its event log.

All writes of the kiosk process go through :class:`KioskStore`, called from the one door
thread, so SQLite sees one writer. Each event batch is one transaction: a kiosk killed
mid-write loses nothing that was acknowledged on screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from db.chain import chain_head
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.events import append_events, seal_values, to_record
from db.migrate import upgrade_to_head
from db.models import (
    Adult,
    Child,
    Event,
    OneOffPermission,
    Outbox,
    Room,
    Setting,
    Staff,
    SyncState,
)
from db.models.sync import ALERT_PRIORITY, NORMAL_PRIORITY
from db.timeline import EventRecord
from db.vocabulary import EventType, PrivacyMode
from kiosk.door.book import DoorPolicy, PeopleBook
from kiosk.store.disk import free_bytes, saving
from kiosk.store.door_key import key_path, load_door_key
from kiosk.store.hub_pages import Attempt, Received, Written, read_state, write_received
from kiosk.store.replica import load_book, load_policy, load_today


@dataclass(frozen=True)
class SyncStatus:
    """What staff mode says about the office: when this door last heard from the hub, what
    went wrong since, and how many of its events are still waiting to go."""

    hub: str | None = None  # None: this kiosk works alone
    last_sync_at: datetime | None = None
    last_error: str | None = None
    waiting: int = 0
    clock_skew_seconds: float | None = None

    @property
    def must_pair_again(self) -> bool:
        """Paired before doors signed their events: the hub takes nothing until it is."""
        return "pair_again" in (self.last_error or "")

    @property
    def untrusted(self) -> bool:
        """The office's address showed a certificate other than the one pinned at pairing."""
        return "certificate_not_trusted" in (self.last_error or "")

    @property
    def revoked(self) -> bool:
        return "kiosk_revoked" in (self.last_error or "") or "unknown_device" in (
            self.last_error or ""
        )


# Sent outbox rows are kept a week (to answer "did this reach the office?"), then pruned.
KEEP_SENT = timedelta(days=7)


@dataclass(frozen=True)
class KioskSetting:
    name: str
    zone: ZoneInfo
    privacy_mode: PrivacyMode
    languages: tuple[str, ...]
    idle_seconds: int
    low_space_mb: int = 200  # staff are warned when the kiosk's disk has less room than this
    out_of_touch_seconds: int = 60  # without a sync this long, arrivals elsewhere may be missing


class KioskStore:
    def __init__(self, url: str, *, device: str) -> None:
        self.engine = make_engine(url)
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self.path = Path(database) if database and database != ":memory:" else None
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
                low_space_mb=row.kiosk_low_space_mb,
                out_of_touch_seconds=row.kiosk_out_of_touch_seconds,
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

    def room_colours(self) -> dict[int, str]:
        """Each room's colour as the office shows it (#rrggbb): the door's room buttons match."""
        with self.sessions() as session:
            query = select(Room.id, Room.colour).where(Room.deleted_at.is_(None))
            return {room_id: colour for room_id, colour in session.execute(query)}

    def photos(self) -> dict[tuple[str, int], bytes]:
        """Every photo the door shows, read once at start: a few kilobytes each."""
        photos: dict[tuple[str, int], bytes] = {}
        columns = (
            ("child", Child.id, Child.photo, Child.deleted_at),
            ("adult", Adult.id, Adult.photo, Adult.deleted_at),
            ("staff", Staff.id, Staff.photo, Staff.deleted_at),
            # A parent's photo of who collects under a written permission; the hub clears
            # it once the permission's days are over.
            (
                "permission",
                OneOffPermission.id,
                OneOffPermission.photo,
                OneOffPermission.deleted_at,
            ),
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
        with saving(), self.sessions.begin() as session:  # a full disk raises CannotSave
            fresh = append_events(session, list(events))
            now = utc_now()
            session.add_all(
                Outbox(event_uuid=e.uuid, created_at=now, priority=_priority(e)) for e in fresh
            )
        return fresh

    def free_bytes(self) -> int | None:
        """Room left beside the database (a statvfs, no query): reported to the hub."""
        return free_bytes(self.path)

    # --- what the sync client reads and writes (kiosk/sync), on the door thread -------------

    def sync_cursors(self) -> tuple[int, int]:
        """``(people_version, events_seq)``: where the next pulls from the hub start."""
        return read_state(self.sessions)

    def people_version(self) -> int:
        """The people cursor alone: it moves whenever a page of people data is written here."""
        return read_state(self.sessions)[0]

    def receive_round(self, received: Received) -> Written:
        """What a round with the hub brought (people, others' events, the cursors over them)
        and did (events it took, how it ended), in one transaction: nothing when nothing came."""
        return write_received(self.engine, self.sessions, received)

    def receive_people(self, rows: Sequence[Mapping[str, Any]], *, cursor: int) -> bool:
        """One page of people data from the hub and its cursor, together. Whether any changed."""
        return self.receive_round(Received(people=list(rows), people_cursor=cursor)).people_changed

    def receive(self, events: Sequence[EventRecord], *, cursor: int) -> list[EventRecord]:
        """Events other devices made (pulled from the hub; no outbox, they came from it) and the
        cursor, together. Returns those this door did not have."""
        return self.receive_round(Received(events=list(events), events_cursor=cursor)).fresh

    def seal_waiting(self) -> int:
        """Sign this door's events that are waiting to go, in the order they were made, each
        linked to the one before. Done as they leave rather than at the tap: a tap never
        waits on it, and what was made before the door was paired (or paired again) is
        signed all the same. Returns how many; 0 with no key (not paired since doors sign)."""
        signer = load_door_key(key_path(self.path)) if self.path is not None else None
        if signer is None:
            return 0
        waiting = (
            select(Event)
            .join(Outbox, Outbox.event_uuid == Event.uuid)
            .where(Outbox.sent_at.is_(None), Event.signer.is_(None))
            .order_by(Event.seq)
        )
        with saving(), self.sessions.begin() as session:
            rows = list(session.scalars(waiting))
            if not rows:
                return 0
            head = chain_head(session, signer.public)
            sealed = signer.seal_all([to_record(row) for row in rows], after=head)
            for row, record in zip(rows, sealed, strict=True):
                for column, value in seal_values(record.seal).items():
                    setattr(row, column, value)
        return len(rows)

    def unsent(self, limit: int) -> list[Event]:
        """The oldest events still to go to the hub, alerts first."""
        query = (
            select(Event)
            .join(Outbox, Outbox.event_uuid == Event.uuid)
            .where(Outbox.sent_at.is_(None))
            .order_by(Outbox.priority, Event.seq)
            .limit(limit)
        )
        with self.sessions() as session:
            return list(session.scalars(query))

    def mark_sent(self, uuids: Sequence[str], *, at: datetime) -> None:
        self.receive_round(Received(sent=list(uuids), sent_at=at))

    def note_sync_attempt(
        self, *, at: datetime, error: str | None, skew: float | None = None
    ) -> None:
        """A round with the hub ended: when it succeeded, or why not (staff mode shows it)."""
        self.receive_round(Received(attempt=Attempt(at, error, skew)))

    def sync_status(self, hub: str | None) -> SyncStatus:
        with self.sessions() as session:
            state = session.get(SyncState, 1)
            waiting = session.scalar(
                select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))
            )
            return SyncStatus(
                hub=hub,
                last_sync_at=state.last_sync_at if state else None,
                last_error=state.last_error if state else None,
                waiting=int(waiting or 0),
                clock_skew_seconds=state.clock_skew_seconds if state else None,
            )

    def prune_outbox(self, *, now: datetime) -> int:
        """Forget sent rows older than :data:`KEEP_SENT`; an unsent row is never removed."""
        with self.sessions.begin() as session:
            done = session.execute(
                delete(Outbox).where(Outbox.sent_at.is_not(None), Outbox.sent_at < now - KEEP_SENT)
            )
            return int(cast(CursorResult[Any], done).rowcount or 0)

    def close(self) -> None:
        self.engine.dispose()


def _priority(event: EventRecord) -> int:
    return ALERT_PRIORITY if event.type == EventType.ALERT_RAISED else NORMAL_PRIORITY
