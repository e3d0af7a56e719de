"""A scratch database for a benchmark: a temporary SQLite file, or a fresh PostgreSQL database
created on the server named and dropped afterwards, so no benchmark touches real data."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.engine import normalise_url


@contextmanager
def scratch_database(server: str | None) -> Iterator[str]:
    """Yields a database URL. ``server`` is None (SQLite) or a PostgreSQL URL whose database
    part is only used to connect while creating and dropping the scratch database."""
    if server is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield str(Path(tmp) / "bench.db")
        return
    url = make_url(normalise_url(server))
    name = f"handover_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
