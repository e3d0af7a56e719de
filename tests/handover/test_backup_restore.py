"""``handover backup`` and ``handover restore`` for the hub's database, on real PostgreSQL and
SQLite, with a real hub process holding the database while someone tries to restore over it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import PG_ADMIN_URL
from tests.deploy.helpers import children_named, rename_every_child
from tests.sync.nursery import Hub, free_port, seed_nursery

HANDOVER = Path(sys.executable).with_name("handover")


def handover(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HANDOVER), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def scratch_databases(of: str) -> set[str]:
    """The proving databases made for database ``of`` (another test run's are its own)."""
    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as connection:
            names = connection.scalars(text("SELECT datname FROM pg_database"))
            return {n for n in names if n.startswith("handover_check_") and n.endswith(f"_{of}")}
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_postgres_backup_is_proven_rotated_and_brings_the_children_back(
    postgres_url: str, tmp_path: Path
) -> None:
    seed_nursery(postgres_url)
    before = children_named(postgres_url)
    backups = tmp_path / "backups"
    database = make_url(postgres_url).database or ""
    scratch_before = scratch_databases(database)
    for _ in range(3):
        made = handover("backup", "--db", postgres_url, "--to", backups, "--keep", "2")
        assert made.returncode == 0, made.stderr
        assert "checked by restoring it (schema" in made.stdout
    dumps = sorted(backups.glob("handover_test_*.dump"))
    assert len(dumps) == 2  # the oldest went
    assert not list(backups.glob("*.partial"))
    assert scratch_databases(database) == scratch_before  # every proving database was dropped

    rename_every_child(postgres_url, "Mistake")  # a bad import over the nursery's records
    restored = handover("restore", dumps[-1], "--db", postgres_url)
    assert restored.returncode == 0, restored.stderr
    assert children_named(postgres_url) == before
    (kept,) = backups.glob("*.before-restore-*.dump")
    assert "kept as" in restored.stdout and str(kept) in restored.stdout

    # The hub starts on the restored database, and the replaced one can itself be restored.
    again = handover("restore", kept, "--db", postgres_url)
    assert again.returncode == 0, again.stderr
    assert set(children_named(postgres_url)) == {"Mistake"}


@pytest.mark.postgres
def test_a_damaged_postgres_dump_is_refused_and_the_database_is_untouched(
    postgres_url: str, tmp_path: Path
) -> None:
    seed_nursery(postgres_url)
    before = children_named(postgres_url)
    made = handover("backup", "--db", postgres_url, "--to", tmp_path, "--keep", "1")
    assert made.returncode == 0, made.stderr
    (dump,) = tmp_path.glob("*.dump")
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    refused = handover("restore", damaged, "--db", postgres_url)
    assert refused.returncode == 1
    assert refused.stderr.startswith("handover restore: pg_restore failed")
    assert children_named(postgres_url) == before
    missing = handover("restore", tmp_path / "no-such.dump", "--db", postgres_url)
    assert missing.returncode == 1 and "there is no backup" in missing.stderr


def test_a_restore_over_a_running_hubs_database_is_refused_until_the_hub_stops(
    database_url: str, tmp_path: Path
) -> None:
    url = database_url
    seed_nursery(url)
    made = handover("backup", "--db", url, "--to", tmp_path / "backups")
    assert made.returncode == 0, made.stderr
    (copy,) = (tmp_path / "backups").iterdir()
    rename_every_child(url, "Today")  # what the office did since the backup
    hub = Hub(url, free_port(), tmp_path / "hub.log").start()
    try:
        refused = handover("restore", copy, "--db", url)
        assert refused.returncode == 1
        assert "in use" in refused.stderr and "hub" in refused.stderr, refused.stderr
        assert set(children_named(url)) == {"Today"}  # the running hub's records, untouched
        if "://" not in url:  # and a second hub on the same file is refused too
            second = subprocess.run(
                [str(HANDOVER), "hub", "--db", url, "--port", str(free_port())],
                capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            assert second.returncode == 1 and "one hub per database" in second.stderr
    finally:
        hub.stop()
    restored = handover("restore", copy, "--db", url)
    assert restored.returncode == 0, restored.stderr
    assert "Today" not in children_named(url)


@pytest.mark.postgres
def test_a_hub_role_without_createdb_still_gets_its_nightly_dump_checked_by_listing(
    postgres_url: str, tmp_path: Path
) -> None:
    """A nursery's own role, owning only its database: no scratch database can be made, and the
    backup must still be made, checked as far as it can be, and say how to check it fully."""
    role = "handover_role_" + postgres_url.rsplit("_", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    database = postgres_url.rsplit("/", 1)[1]
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOCREATEDB'))
        connection.execute(text(f'ALTER DATABASE "{database}" OWNER TO "{role}"'))
    own = postgres_url.replace("://postgres@", f"://{role}@")
    try:
        seed_nursery(own)
        made = handover("backup", "--db", own, "--to", tmp_path, "--keep", "3")
        assert made.returncode == 0, made.stderr
        assert "checked by listing it only (grant CREATEDB" in made.stdout
        (dump,) = tmp_path.glob("*.dump")
        rename_every_child(own, "Mistake")
        restored = handover("restore", dump, "--db", own)  # and it restores as that role
        assert restored.returncode == 0, restored.stderr
        assert "Mistake" not in children_named(own)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
