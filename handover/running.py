"""Knowing that a hub is running with a database, so nothing overwrites it under the hub's feet.

SQLite: ``handover hub`` holds an exclusive ``flock`` on ``<database>.hub-lock`` for as long as
it runs. The kernel lets go when the process ends, however it ends (a crash, SIGKILL, a power
cut), so unlike a pid file it can never be stale, and the check needs neither the hub's port nor
its unit's name. ``handover restore`` takes the same lock for its whole run: a hub cannot start
half-way through a restore either, and two hubs can never share one database file.

PostgreSQL: any other session connected to the database counts (``pg_stat_activity``). A hub
keeps a connection in its pool from its first minute (it migrates at start), and this also sees
hubs on other machines and connections through a pooler, where no lock file could.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


class DatabaseInUse(Exception):
    """The database is held by a running hub (or another restore); the message says which."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".hub-lock")


def hold_sqlite(database: Path, *, holder: str) -> IO[str]:
    """The lock on ``database``, held until the returned file is closed (or the process ends)."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        who = handle.read().strip() or "another process"
        handle.close()
        raise DatabaseInUse(f"{database} is in use by {who}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{holder} (pid {os.getpid()})\n")
    handle.flush()
    return handle


def hold_for_hub(database_url: str) -> IO[str] | None:
    """Called by ``handover hub`` at start: SQLite databases are locked for the hub's life."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return hold_sqlite(Path(url.database), holder="a running hub")


def postgres_sessions(database_url: str) -> list[str]:
    """Who else is connected to this PostgreSQL database: one line per connection."""
    url = make_url(database_url)
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT coalesce(nullif(application_name, ''), 'a client'),"
                    " coalesce(host(client_addr), 'local') FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": url.database},
            ).all()
    finally:
        engine.dispose()
    return [f"{application} from {address}" for application, address in rows]
