"""At start-up: is the kiosk's database whole? If not, the door opens on a good one.

Seen: a damaged ``kiosk.db`` made the kiosk exit with "database disk image is malformed", and
systemd restarted it every 3 s for ever, leaving a blank door. Now :func:`recover` checks the
file with ``PRAGMA quick_check`` (see benchmarks/kiosk_start_check.py for what it costs), and
when it is damaged builds a replacement beside it: the newest backup that passes its own check
(the Pi's nightly ``handover backup``), brought up to date from the office hub when paired, or
rebuilt from the hub alone. The unsent events it can still read from the damaged file are put
back into the replacement's outbox, the damaged file is kept for inspection, and staff are
shown what may be missing. Only when there is nothing to rebuild from does it give up, with a
reason for the out-of-service screen; the damaged file then stays where it was, so the next
start tries again.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.exc import DBAPIError

from db.events import to_record
from db.models import Event, Outbox, SyncState
from db.timeline import EventRecord
from handover.backup import BackupError, restore
from kiosk.store.disk import StoreFault
from kiosk.store.local import KioskStore

log = logging.getLogger("handover.kiosk")
SIDE_FILES = ("", "-wal", "-shm")


class OutOfService(StoreFault):
    """The door cannot open: ``reason`` is shown to staff on the out-of-service screen."""


@dataclass(frozen=True)
class Recovery:
    """What start-up did about a damaged database, for staff mode to show."""

    problem: str
    kept_as: Path
    backup: Path | None  # the backup restored, if any
    from_hub: bool  # brought up to date (or rebuilt) from the office hub
    read_back: tuple[EventRecord, ...]  # unsent events read from the damaged file, kept
    last_sync_at: datetime | None  # the last good sync the damaged file remembered
    at: datetime

    def alert_details(self) -> dict[str, Any]:
        """What the alert to every other staff screen says: no names, only what was done."""
        return {
            "problem": self.problem,
            "backup": self.backup.name if self.backup else None,
            "rebuilt_from_hub": self.from_hub,
            "read_back": len(self.read_back),
            "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
        }


def damage(database: Path) -> str | None:
    """What is wrong with the file, or None when it is whole (or not there yet: a new door)."""
    if not database.exists():
        return None
    try:
        with closing(sqlite3.connect(database, timeout=10)) as connection:
            said = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:  # "file is not a database", "malformed", I/O
        return str(error)
    if said == ["ok"]:
        return None
    # SQLite heads its findings with "*** in database main ***": the findings are what matter.
    return "; ".join(line for line in said if not line.startswith("***"))[:200] or "damaged"


def read_back(damaged: Path) -> tuple[list[EventRecord], datetime | None]:
    """The unsent events and the last good sync, as far as the damaged file still reads."""
    events: list[EventRecord] = []
    last_sync = None
    engine = create_engine(f"sqlite:///{damaged}")  # no WAL pragma: change nothing in it
    try:
        with engine.connect() as connection:
            with suppress(DBAPIError):
                last_sync = connection.scalar(select(SyncState.last_sync_at))
            unsent = (
                select(Event.__table__)
                .join(Outbox, Outbox.event_uuid == Event.uuid)
                .where(Outbox.sent_at.is_(None))
                .order_by(Event.seq)
            )
            with suppress(DBAPIError, ValueError, KeyError):  # keep what read before the damage
                for row in connection.execute(unsent):
                    events.append(to_record(row))
    except DBAPIError:
        pass  # not even a connection: nothing can be read back
    finally:
        engine.dispose()
    return events, last_sync


def _newest_good_backup(backups: Path | None, stem: str, target: Path) -> Path | None:
    if backups is None or not backups.is_dir():
        return None
    for candidate in sorted(backups.glob(f"{stem}-*.db"), reverse=True):
        try:
            restore(candidate, target)  # checks the backup first: a bad one is passed over
        except (BackupError, sqlite3.Error) as error:
            log.warning("backup %s not used: %s", candidate, error)
            continue
        return candidate
    return None


def _move(source: Path, target: Path) -> None:
    for side in SIDE_FILES:
        if Path(f"{source}{side}").exists():
            Path(f"{source}{side}").replace(f"{target}{side}")


def _clear(path: Path) -> None:
    for side in SIDE_FILES:
        Path(f"{path}{side}").unlink(missing_ok=True)


def recover(
    database: Path,
    *,
    now: datetime,
    backups: Path | None = None,
    from_hub: Callable[[Path], bool] | None = None,
) -> Recovery | None:
    """None when the database is whole; else put a good one in its place and say what was done.
    ``from_hub(path)`` syncs the database at ``path`` with the office (the door's own events
    too) and says whether it could. Raises :class:`OutOfService` when nothing can replace it."""
    problem = damage(database)
    if problem is None:
        return None
    log.error("the kiosk's database is damaged: %s", problem)
    fresh = database.with_name(f"{database.name}.recovering")
    _clear(fresh)
    backup = _newest_good_backup(backups, database.stem, fresh)
    synced = from_hub is not None and from_hub(fresh)
    if backup is None and not synced:
        _clear(fresh)
        raise OutOfService(_no_way_back(problem, backups, paired=from_hub is not None))
    unsent, last_sync = read_back(database)
    store = KioskStore(str(fresh), device="recovery")
    try:
        store.append(unsent)  # by UUID: those the backup or the hub already had are skipped
    finally:
        store.close()
    kept = database.with_name(f"{database.stem}.damaged-{now:%Y%m%dT%H%M%SZ}.db")
    _move(database, kept)
    _move(fresh, database)
    log.warning("database replaced; the damaged one is kept as %s", kept)
    return Recovery(problem, kept, backup, synced, tuple(unsent), last_sync, now)


def _no_way_back(problem: str, backups: Path | None, *, paired: bool) -> str:
    where = f"no good backup in {backups}" if backups else "no backup folder"
    hub = "the office hub did not answer" if paired else "it is not paired with an office hub"
    return f"This kiosk's database is damaged ({problem}), and there is {where} and {hub}."
