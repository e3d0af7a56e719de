"""How many PostgreSQL connections a hub may hold comes from its settings: a server shared by
many nurseries' hubs must be able to count on it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from db.engine import DatabaseUrlError, make_engine, pool_settings


def connections_to(engine_url: str) -> int:
    watcher = make_engine(engine_url.rsplit("/", 1)[0] + "/postgres", pool_size=1)
    try:
        with watcher.connect() as db:
            name = engine_url.rsplit("/", 1)[1]
            count = db.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = :n AND application_name = 'handover'"
                ),
                {"n": name},
            )
            return int(count or 0)
    finally:
        watcher.dispose()


@pytest.mark.postgres
def test_a_busy_hub_never_holds_more_connections_than_its_pool_settings_allow(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOVER_DB_POOL_SIZE", "1")
    monkeypatch.setenv("HANDOVER_DB_MAX_OVERFLOW", "1")
    engine = make_engine(postgres_url, pool_timeout=0.5)
    try:
        first, second = engine.connect(), engine.connect()  # a morning rush: two at once
        for held in (first, second):
            assert held.scalar(text("SELECT 1")) == 1
        assert connections_to(postgres_url) == 2
        with pytest.raises(PoolTimeout):  # a third request waits for one; none is opened
            engine.connect()
        assert connections_to(postgres_url) == 2
        freed = threading.Timer(0.1, second.close)
        freed.start()
        with engine.connect() as third:  # and gets one as soon as one is given back
            assert third.scalar(text("SELECT 1")) == 1
        first.close()
        freed.join()
    finally:
        engine.dispose()


def test_pool_settings_default_to_a_small_pool_and_refuse_nonsense_by_name() -> None:
    assert pool_settings({}) == {"pool_size": 2, "max_overflow": 3}
    assert pool_settings({"HANDOVER_DB_POOL_SIZE": "8", "HANDOVER_DB_MAX_OVERFLOW": "0"}) == {
        "pool_size": 8,
        "max_overflow": 0,
    }
    for name, value in (
        ("HANDOVER_DB_POOL_SIZE", "ten"),
        ("HANDOVER_DB_POOL_SIZE", "0"),
        ("HANDOVER_DB_MAX_OVERFLOW", "-1"),
    ):
        with pytest.raises(DatabaseUrlError, match=name):
            pool_settings({name: value})


def test_a_hub_with_a_nonsense_pool_size_says_so_in_one_line(tmp_path: Path) -> None:
    started = subprocess.run(
        [sys.executable, "-m", "handover", "hub", "--db", str(tmp_path / "hub.db"), "--port", "0"],
        env={"HANDOVER_DB_POOL_SIZE": "lots", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 2
    assert started.stderr.strip().splitlines() == [
        "handover hub: HANDOVER_DB_POOL_SIZE must be a whole number, at least 1: 'lots'"
    ]
