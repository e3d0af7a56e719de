"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select

from db.engine import session_factory
from db.migrate import current_revision, downgrade_to, head_revision, upgrade_to_head
from db.models import Base
from db.seed import seed_demo

# Far enough back to go through every migration that changes a table people rows point at.
EARLIEST_DOWNGRADE = "0014"


def test_an_empty_database_upgrades_to_head_with_no_difference_from_the_models(
    engine: Engine,
) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    assert upgrade_to_head(engine) == head_revision()


def test_a_database_full_of_people_goes_down_and_up_the_recent_migrations_intact(
    engine: Engine,
) -> None:
    """A door or an office that has been in use updates: its tables are full and other rows
    point at them (cards and authorisations at adults), which SQLite's way of changing a table
    (make a new one, copy, drop the old) must survive with its foreign keys checked."""
    with session_factory(engine)() as session:
        seed_demo(session, today=date(2026, 12, 2))
        session.commit()
    before = _counts(engine)
    downgrade_to(engine, EARLIEST_DOWNGRADE)
    assert current_revision(engine) == EARLIEST_DOWNGRADE
    assert upgrade_to_head(engine) == head_revision()
    assert _counts(engine) == before
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
            if name in ("adults", "children", "cards", "authorisations", "events", "staff")
        }
