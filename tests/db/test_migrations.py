"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from db.migrate import current_revision, head_revision, upgrade_to_head
from db.models import Base


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
