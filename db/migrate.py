"""Upgrade a database to the newest schema. The hub and the kiosk both do this at start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

# A package resource, not a path beside this file: Alembic finds it in whatever install runs.
MIGRATIONS = "db:migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def upgrade_to_head(engine: Engine) -> str:
    """Returns the revision the database is at afterwards."""
    _migrate(engine, command.upgrade, "head")
    return current_revision(engine) or ""


def downgrade_to(engine: Engine, revision: str) -> None:
    """Back to ``revision``: for the tests that prove a full database goes up again intact."""
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """SQLite changes most tables by making a new one, copying and dropping the old, which its
    foreign keys refuse while other rows point at the old (a card at its adult). So, as
    SQLite's own documentation says, they are off for the migration (the pragma only takes
    outside a transaction) and checked before they are on again: a migration that broke one
    rolls nothing back, but says so and leaves the keys on."""
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            _pragma(connection, "foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config, revision)
            if sqlite and (broken := _pragma(connection, "foreign_key_check")):
                raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        finally:
            if sqlite:
                _pragma(connection, "foreign_keys=ON")


def _pragma(connection: Connection, pragma: str) -> list[Any]:
    """A pragma outside any transaction (SQLAlchemy's autobegin is ended at once: pysqlite
    sends no BEGIN for a pragma, so nothing is held)."""
    result = connection.exec_driver_sql(f"PRAGMA {pragma}")
    rows = list(result.all()) if result.returns_rows else []
    connection.commit()
    return rows


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
