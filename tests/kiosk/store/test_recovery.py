"""A damaged kiosk database at start-up, with real damaged files (issue 11, point 5): the door
opens on the newest good backup with the unsent events read back, keeps the damaged file, and
gives a reason instead of a restart loop when there is nothing to rebuild from."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Event, Outbox
from db.seed import seed_demo
from db.timeline import EventRecord
from db.vocabulary import EventType
from handover.backup import backup
from kiosk.door.decisions import new_event
from kiosk.store.health import OutOfService, damage, recover
from kiosk.store.local import KioskStore

MORNING = datetime(2026, 11, 25, 8, 35, tzinfo=UTC)
PAGE = 4096


def _arrival(child_id: int, minutes: int) -> EventRecord:
    at = MORNING + timedelta(minutes=minutes)
    return new_event(EventType.CHILD_ARRIVED, now=at, device="front-door", child_id=child_id)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo nursery in a kiosk file, made once (seeding hashes PINs: seconds)."""
    path = tmp_path_factory.mktemp("seeded") / "kiosk.db"
    store = KioskStore(str(path), device="front-door")
    with store.sessions.begin() as session:
        seed_demo(session, today=date(2026, 11, 25), now=MORNING - timedelta(hours=1))
    store.close()
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # one file to copy
    return path


@pytest.fixture
def door(seeded: Path, tmp_path: Path) -> Callable[[Path], KioskStore]:
    def open_copy(path: Path) -> KioskStore:
        shutil.copy(seeded, path)
        return KioskStore(str(path), device="front-door")

    return open_copy


def _uuids(path: Path) -> tuple[set[str], set[str]]:
    """(events, unsent outbox rows) in a kiosk file."""
    store = KioskStore(str(path), device="reader")
    try:
        with store.sessions() as session:
            unsent = select(Outbox.event_uuid).where(Outbox.sent_at.is_(None))
            return set(session.scalars(select(Event.uuid))), set(session.scalars(unsent))
    finally:
        store.close()


def _break_page(path: Path, index: str) -> None:
    """Scribble over the page where ``index`` starts, as a failing SD card might: the rows
    themselves still read, but the file is no longer whole."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)
        ).fetchone()[0]
    with path.open("r+b") as file:
        file.seek((page - 1) * PAGE)
        file.write(os.urandom(PAGE))


def test_a_damaged_kiosk_file_is_kept_and_replaced_by_the_backup_with_its_unsent_events(
    tmp_path: Path, door: Callable[[Path], KioskStore]
) -> None:
    database, backups = tmp_path / "kiosk.db", tmp_path / "backups"
    store = door(database)
    before_backup = _arrival(1, 0)
    store.append([before_backup])
    made = backup(database, backups, keep=3)
    after_backup = [_arrival(2, 5), _arrival(3, 9)]  # not in the backup, never sent
    store.append(after_backup)
    store.close()
    _break_page(database, "ix_events_occurred_at")
    assert damage(database) is not None

    recovery = recover(database, now=MORNING + timedelta(minutes=10), backups=backups)

    assert recovery is not None and recovery.backup == made and not recovery.from_hub
    assert [e.uuid for e in recovery.read_back] == [before_backup.uuid] + [
        e.uuid for e in after_backup
    ]
    assert damage(database) is None, "the door opens on a whole database"
    events, unsent = _uuids(database)
    everything = {before_backup.uuid, *(e.uuid for e in after_backup)}
    assert events == everything and unsent == everything, "each will still reach the office"
    assert recovery.kept_as.exists() and damage(recovery.kept_as) is not None
    assert recovery.kept_as.name == "kiosk.damaged-20261125T084500Z.db"


def test_a_file_that_is_not_a_database_at_all_still_gets_the_backup(
    tmp_path: Path, door: Callable[[Path], KioskStore]
) -> None:
    database, backups = tmp_path / "kiosk.db", tmp_path / "backups"
    door(database).close()
    backup(database, backups, keep=3)
    database.write_bytes(os.urandom(64 * 1024))

    recovery = recover(database, now=MORNING, backups=backups)

    assert recovery is not None and recovery.read_back == () and recovery.last_sync_at is None
    assert "not a database" in recovery.problem
    assert damage(database) is None


def test_a_damaged_backup_is_passed_over_for_an_older_good_one(
    tmp_path: Path, door: Callable[[Path], KioskStore]
) -> None:
    database, backups = tmp_path / "kiosk.db", tmp_path / "backups"
    door(database).close()
    good = backup(database, backups, keep=3)
    newest = backups / "kiosk-20991231T000000000000Z.db"
    newest.write_bytes(os.urandom(8192))
    database.write_bytes(os.urandom(8192))

    recovery = recover(database, now=MORNING, backups=backups)

    assert recovery is not None and recovery.backup == good


def test_with_no_backup_and_no_hub_the_door_says_why_and_leaves_the_file_for_the_next_try(
    tmp_path: Path,
) -> None:
    database = tmp_path / "kiosk.db"
    database.write_bytes(b"SQLite format 3\0" + os.urandom(8192))
    damaged = database.read_bytes()

    with pytest.raises(OutOfService) as out:
        recover(database, now=MORNING, backups=tmp_path / "none-here")

    assert "damaged" in out.value.reason and "not paired" in out.value.reason
    assert database.read_bytes() == damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kiosk.db"], "nothing half-made left"


def test_a_whole_database_is_left_alone(tmp_path: Path, door: Callable[[Path], KioskStore]) -> None:
    database = tmp_path / "kiosk.db"
    door(database).close()
    assert recover(database, now=MORNING) is None
    assert recover(tmp_path / "new.db", now=MORNING) is None, "a new door has nothing to check"
