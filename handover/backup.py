"""``handover backup`` and ``handover restore``: copies made while the kiosk or hub runs.

PostgreSQL databases (``--db postgresql://...``) are dumped and proven as handover/pg_backup.py
says; what follows is SQLite.

A copy of a live SQLite file (with its WAL beside it) can be torn; SQLite's online backup API
copies pages under a read transaction instead, so the copy is the database as of one moment,
whatever is writing. Each copy is checked with ``PRAGMA integrity_check`` before it counts,
named by its time (``kiosk-20261123T020000Z.db``), and only the newest ``--keep`` are kept.

A restore copies a backup back the same way (into the database file, never over it while a
kiosk has it open: stop the service first) after checking it, and keeps the database it
replaces as ``<name>.before-restore-<time>.db``. It refuses a database a running hub holds
(handover/running.py says how that is known).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from db.engine import DatabaseUrlError, normalise_url
from handover import pg_backup
from handover.running import DatabaseInUse, hold_sqlite


class BackupError(Exception):
    pass


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _check(path: Path) -> None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} failed its integrity check: {result}")


def _copy(source: Path, target: Path) -> None:
    # Opened read-write: a reader of a WAL database must be able to use its -shm file. Each
    # connection is closed here and now (closing(): sqlite3's own "with" only commits): one
    # left to the garbage collector would close later, after restore() has moved files away,
    # and might then tidy up a -wal or -shm that is no longer its own.
    with (
        closing(sqlite3.connect(source, timeout=10)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst, pages=256)  # in steps, so the kiosk's writer is never held up for long
    # One self-contained file: a backup carries no -wal or -shm beside it.
    with closing(sqlite3.connect(target)) as dst:
        dst.execute("PRAGMA journal_mode=DELETE")


def backup(database: Path, folder: Path, *, keep: int) -> Path:
    if not database.is_file():
        raise BackupError(f"there is no database at {database}: check the path given with --db")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{database.stem}-{_stamp()}.db"
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    _copy(database, partial)
    _check(partial)
    partial.rename(target)  # only a checked copy ever has a backup's name
    for old in sorted(folder.glob(f"{database.stem}-*.db"))[:-keep]:
        old.unlink()
    return target


def restore(copy: Path, database: Path) -> Path | None:
    """Put ``copy`` back as ``database``; returns where the replaced database was kept."""
    if not copy.is_file():
        raise BackupError(
            f"there is no backup at {copy}: "
            "give a file that handover backup made (in its --to folder)"
        )
    _check(copy)
    with hold_sqlite(database, holder="handover restore"):
        return _replace(copy, database)


def _replace(copy: Path, database: Path) -> Path | None:
    kept = None
    if database.exists():
        kept = database.with_name(f"{database.stem}.before-restore-{_stamp()}.db")
        _copy(database, kept)
    for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    database.unlink(missing_ok=True)
    _copy(copy, database)
    _check(database)
    return kept


def add_backup_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    made = commands.add_parser(
        "backup",
        help="Copy a SQLite database safely while it is in use, check it, keep the newest N.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    made.set_defaults(func=cmd_backup)
    made.add_argument(
        "--db", required=True, type=_database, help="a SQLite file or a postgresql:// URL"
    )
    made.add_argument("--to", required=True, type=Path, help="the folder for backups")
    made.add_argument("--keep", type=_positive, default=14, help="copies kept (default: 14)")
    back = commands.add_parser(
        "restore",
        help="Put a backup back as the database (stop the kiosk or hub first).",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    back.set_defaults(func=cmd_restore)
    back.add_argument("backup", type=Path, help="a file made by handover backup")
    back.add_argument(
        "--db", required=True, type=_database, help="the database to replace (file or URL)"
    )


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a number of copies: {raw!r}")
    return value


def _database(raw: str) -> Path | str:
    """A SQLite file as a Path; a PostgreSQL database as its SQLAlchemy URL."""
    if "://" not in raw:
        return Path(raw)
    try:
        url = normalise_url(raw)
    except DatabaseUrlError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if not url.startswith("postgresql"):
        raise argparse.ArgumentTypeError("backups are for SQLite files and postgresql:// URLs")
    return url


def _name(database: Path | str) -> str:
    return str(database) if isinstance(database, Path) else database.rsplit("/", 1)[-1]


def backup_postgres(database_url: str, folder: Path, *, keep: int) -> tuple[Path, str]:
    name = _name(database_url).split("?")[0]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}-{_stamp()}.dump"
    how = pg_backup.dump(database_url, target)
    for old in sorted(folder.glob(f"{name}-*.dump"))[:-keep]:
        old.unlink()
    return target, how


FAILURES = (BackupError, pg_backup.PostgresBackupError, DatabaseInUse, sqlite3.Error, OSError)


def cmd_backup(args: argparse.Namespace) -> int:
    how = "checked"
    try:
        if isinstance(args.db, Path):
            made = backup(args.db, args.to, keep=args.keep)
        else:
            made, how = backup_postgres(args.db, args.to, keep=args.keep)
    except FAILURES as exc:
        print(f"handover backup: {exc}", file=sys.stderr, flush=True)
        return 1
    # The last word is the file: the update scripts read it back from this line.
    print(f"Backed up {_name(args.db)} ({how}) to {made}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    try:
        if isinstance(args.db, Path):
            kept = restore(args.backup, args.db)
        else:
            kept = pg_backup.restore(
                args.backup, args.db, keep_in=args.backup.parent, stamp=_stamp()
            )
    except FAILURES as exc:
        print(f"handover restore: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"Restored {_name(args.db)} from {args.backup}.")
    if kept is not None:
        print(f"The database it replaced is kept as {kept}.")
    return 0
