"""One engine factory for every process: SQLite (WAL, synchronous=FULL) or any SQLAlchemy URL."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db import audit


class DatabaseUrlError(ValueError):
    pass


def normalise_url(raw: str) -> str:
    """Accept a plain file path as SQLite, and ``postgresql://`` as the psycopg 3 driver."""
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    try:
        url = make_url(raw)
    except Exception as exc:  # SQLAlchemy raises ArgumentError with a long message
        raise DatabaseUrlError(f"not a database URL: {raw!r}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    try:
        url.get_dialect()
    except Exception as exc:  # NoSuchModuleError: a typo in the scheme, or a missing driver
        raise DatabaseUrlError(f"no database driver for {url.drivername!r}") from exc
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the kiosk's screens read while the writer writes; FULL survives a power cut.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# A hub holds at most POOL_SIZE + MAX_OVERFLOW connections. SQLAlchemy's own 5 + 10 lets one hub
# take 15 of a PostgreSQL server's 100, and many nurseries' hubs share one server. Measured
# (benchmarks/many_hubs.py), no hub held more than 3 at once under more than a nursery's load;
# 2 + 3 caps each at 5, so 17 hubs fit in the default 100 (deploy/server/README.md).
POOL_SIZE = 2
MAX_OVERFLOW = 3


def pool_settings(env: Mapping[str, str] | None = None) -> dict[str, int]:
    """The pool's size from ``HANDOVER_DB_POOL_SIZE`` and ``HANDOVER_DB_MAX_OVERFLOW``."""
    env = os.environ if env is None else env
    sizes = {}
    for name, key, default, least in (
        ("HANDOVER_DB_POOL_SIZE", "pool_size", POOL_SIZE, 1),
        ("HANDOVER_DB_MAX_OVERFLOW", "max_overflow", MAX_OVERFLOW, 0),
    ):
        raw = env.get(name, "").strip() or str(default)
        if not raw.isdigit() or int(raw) < least:
            raise DatabaseUrlError(f"{name} must be a whole number, at least {least}: {raw!r}")
        sizes[key] = int(raw)
    return sizes


# How long the hub waits for a row or table another writer holds before it answers "busy"
# (503, admin/errors.py): SQLite's busy_timeout above, and PostgreSQL's lock_timeout for a hub.
# PostgreSQL's own default is to wait for ever, which left a request hanging behind a long lock.
LOCK_WAIT_MS = 5000


def make_engine(raw_url: str, *, wait_for_locks: bool = True, **kwargs: Any) -> Engine:
    """``wait_for_locks=False`` gives PostgreSQL sessions a :data:`LOCK_WAIT_MS` lock timeout:
    the hub, which answers people and doors; commands that may rightly wait keep the default."""
    url = normalise_url(raw_url)
    if not url.startswith("sqlite"):
        # pre_ping: a hub outlives a database restart (an update, a restore) without an error
        # page; application_name: `handover restore` and the server's admin see who is connected.
        kwargs = {"pool_pre_ping": True, **pool_settings(), **kwargs}
        if url.startswith("postgresql"):
            options = "" if wait_for_locks else f"-c lock_timeout={LOCK_WAIT_MS}"
            kwargs.setdefault("connect_args", {"application_name": "handover", "options": options})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    audit.install()
    return sessionmaker(engine, expire_on_commit=False)
