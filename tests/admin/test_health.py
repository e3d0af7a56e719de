"""``/healthz`` of ``handover hub`` in its own process, as systemd, an update and monitoring
poll it: 200 while the hub can keep the register, 503 with the reason when it cannot."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from db.migrate import head_revision
from tests.admin.hub_process import RunningHub


@pytest.fixture
def demo_hub(database: str, tmp_path: Path) -> Iterator[RunningHub]:
    hub = RunningHub(database, tmp_path / "console.log").start()
    yield hub
    hub.stop()


def _health(hub: RunningHub) -> httpx.Response:
    return httpx.get(f"{hub.url}/healthz", timeout=10, verify=hub.verify)


def test_a_healthy_hub_says_so_to_anyone_without_a_name_in_the_answer(
    demo_hub: RunningHub,
) -> None:
    answer = _health(demo_hub)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok" and body["reasons"] == []
    assert body["database"]["ok"] and body["schema"]["revision"] == head_revision()
    assert body["disk"]["free_mb"] > body["disk"]["minimum_mb"]
    assert body["disk"]["path"] == str(Path(demo_hub.database).parent)
    assert body["verification"] == {"status": "not run", "finished_at": None, "problem": None}
    for name in ("Little Acorns", "Joanne", "Whitfield", "Zoë"):
        assert name not in answer.text


def test_a_database_left_behind_by_a_restore_is_unhealthy_until_migrated(
    demo_hub: RunningHub,
) -> None:
    engine = create_engine(f"sqlite:///{demo_hub.database}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    answer = _health(demo_hub)
    assert answer.status_code == 503
    assert answer.json()["status"] == "unhealthy"
    [reason] = answer.json()["reasons"]
    assert "schema is at 0001" in reason and "handover migrate" in reason
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE alembic_version SET version_num = '{head_revision()}'"))
    engine.dispose()
    assert _health(demo_hub).status_code == 200


@pytest.mark.postgres
def test_a_hub_whose_postgresql_database_is_gone_answers_503_and_says_why(
    postgres_url: str, tmp_path: Path
) -> None:
    hub = RunningHub(postgres_url, tmp_path / "console.log").start()
    try:
        assert _health(hub).status_code == 200
        name = postgres_url.rsplit("/", 1)[1]
        admin = create_engine(postgres_url.rsplit("/", 1)[0] + "/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
        # The first check finds its pooled connection cut; the next one cannot connect.
        for _ in range(2):
            answer = _health(hub)
            assert answer.status_code == 503
            [reason] = answer.json()["reasons"]
            assert reason.startswith("the database does not answer")
        assert f'database "{name}" does not exist' in reason
    finally:
        hub.stop()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs as the data folder: a full disk, really full, without filling this one."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_nearly_full_data_folder_makes_the_hub_unhealthy_until_space_is_freed(
    database: str, tmp_path: Path, small_disk: Path
) -> None:
    env = {"HANDOVER_DATA_DIR": str(small_disk), "HANDOVER_MIN_FREE_MB": "2"}
    hub = RunningHub(database, tmp_path / "console.log", env).start()
    try:
        assert _health(hub).status_code == 200
        (small_disk / "old-backup.db").write_bytes(b"\0" * (3 * 1024 * 1024))
        answer = _health(hub)
        assert answer.status_code == 503
        [reason] = answer.json()["reasons"]
        assert f"MB free in {small_disk}" in reason and "at least 2 MB" in reason
        (small_disk / "old-backup.db").unlink()
        assert _health(hub).status_code == 200
    finally:
        hub.stop()
