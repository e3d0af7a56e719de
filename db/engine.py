"""One engine factory for every process: SQLite (WAL, synchronous=FULL) or any SQLAlchemy URL."""

from __future__ import annotations

import sqlite3
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


def make_engine(raw_url: str, **kwargs: Any) -> Engine:
    url = normalise_url(raw_url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    audit.install()
    return sessionmaker(engine, expire_on_commit=False)
