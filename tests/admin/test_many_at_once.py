"""More requests at once than the hub has worker threads, against a real ``handover hub`` on
SQLite and PostgreSQL with a small pool: every one is answered, none waits for the pool's 30 s
timeout (admin/db_slots.py).

Before the slots, 60 doors asking at once on PostgreSQL all waited 30 s and were answered 503:
every one of the 40 worker threads waited for a connection while every connection waited for a
worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.admin.conftest import STAFF
from tests.admin.hub_process import RunningHub, pair_kiosk, seed_demo_for_today, signed_in

AT_ONCE = 60  # more than the 40 worker threads FastAPI runs plain functions in
ROUNDS = 3
POOL = {"HANDOVER_DB_POOL_SIZE": "2", "HANDOVER_DB_MAX_OVERFLOW": "1"}


@pytest.fixture
def hub(database_url: str, tmp_path: Path) -> Iterator[RunningHub]:
    seed_demo_for_today(database_url)
    running = RunningHub(database_url, tmp_path / "console.log", env=POOL).start()
    yield running
    running.stop()


def _all_at_once(hub: RunningHub, ask: list[tuple[str, dict[str, str]]]) -> list[int | str]:
    """Each (path, headers) asked ROUNDS times by its own client, all starting together."""
    answers: list[int | str] = []
    start = threading.Barrier(len(ask))

    def one(path: str, headers: dict[str, str]) -> None:
        with httpx.Client(base_url=hub.url, timeout=60, verify=hub.verify) as client:
            start.wait()
            for _ in range(ROUNDS):
                try:
                    answers.append(client.get(path, headers=headers).status_code)
                except httpx.HTTPError as exc:
                    answers.append(type(exc).__name__)

    threads = [threading.Thread(target=one, args=a) for a in ask]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_more_doors_and_browsers_at_once_than_worker_threads_are_all_answered(
    hub: RunningHub,
) -> None:
    manager = signed_in(hub, ("manager", "acorns-manager"))
    bearer = {"Authorization": f"Bearer {pair_kiosk(hub, manager, 'Front door').token}"}
    staff = {"Cookie": "; ".join(f"{k}={v}" for k, v in signed_in(hub, STAFF).cookies.items())}
    ask = [("/api/v1/events?since=0&limit=50", bearer)] * (AT_ONCE - 10)
    ask += [("/today", staff)] * 10  # the office's pages take their sessions the same way
    began = time.monotonic()
    answers = _all_at_once(hub, ask)
    took = time.monotonic() - began
    assert answers.count(200) == AT_ONCE * ROUNDS, sorted(set(map(str, answers)))
    # The pool waits 30 s before it gives up: far below it, nothing waited for the pool.
    assert took < 25, f"{AT_ONCE * ROUNDS} requests took {took:.1f} s"
    assert "Traceback" not in hub.output()
