"""The office's two busiest pages, Today and the daily register, on a nursery of 200 children
and a year of events, served in-process through the whole web stack (routing, session check,
queries, templates). Prints p50/p95 per page; it is not a test.

Each page is measured three ways in the same run, the three interleaved request by request so
all see the same machine (issue 14.2: "the Today page and the register still meet their
targets with auditing on"):

- auditing off: views are not written (the hub has no such switch; the benchmark gives it a
  view log that has always seen everything);
- auditing on: as the hub runs, a view written once per person and page per session a day;
- every request a first look: the view log forgets after each request, so every request
  writes its entries, one per child (and adult) on the page, as a session's first look does.

One request at a time, so the figures mean something on a small, busy machine.

    .venv/bin/python -m benchmarks.admin_pages                  # SQLite in a temp dir
    .venv/bin/python -m benchmarks.admin_pages --postgres postgresql://postgres@127.0.0.1/postgres

Target (issue 4): p95 < 100 ms for each page on both backends.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from admin.app import create_app
from admin.config import HubSettings
from admin.office.viewing import ViewLog
from admin.security import SESSION_COOKIE, start_session
from benchmarks.nursery_data import LONDON, build
from benchmarks.scratch import scratch_database
from db.clock import at_local
from db.credentials import hash_password
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Event, Staff
from db.vocabulary import Role

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"  # noqa: S105


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ordered)})"


def _prepare(url: str, children: int, days: int) -> tuple[datetime, str, list[str]]:
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        started = time.perf_counter()
        nursery = build(db, children=children, days=days)
        events = db.scalar(select(func.count()).select_from(Event))
        print(
            f"built {len(nursery.child_ids)} children and {events} events in "
            f"{time.perf_counter() - started:.1f} s on {engine.dialect.name}"
        )
        manager = Staff(
            username="bench-manager",
            first_name="Bench",
            last_name="Manager",
            role=Role.MANAGER.value,
            password_hash=hash_password("not-used-here"),
        )
        db.add(manager)
        db.commit()
        now = at_local(nursery.today, datetime.strptime("11:00", "%H:%M").time(), LONDON)
        token = start_session(db, manager, now=now)
        past = [nursery.today - timedelta(days=d) for d in range(1, days)]
    engine.dispose()
    return now, token, [d.isoformat() for d in past if d.weekday() < 5]


class NothingNew(ViewLog):
    """Auditing off: every view has been written already."""

    def fresh(self, keys: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        return []


class AlwaysNew(ViewLog):
    """Every request a session's first look of the day: every view is written."""

    def fresh(self, keys: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        return keys


AUDITING = {
    "auditing off": NothingNew,
    "auditing on": ViewLog,
    "every request a first look": AlwaysNew,
}


def _timed(client: TestClient, target: str) -> float:
    started = time.perf_counter()
    response = client.get(target)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text[:200]
    return elapsed


def run(url: str, *, children: int, days: int, requests: int) -> None:
    now, token, past_days = _prepare(url, children, days)
    settings = HubSettings(database_url=url, secret_key=SECRET, demo=False)
    # The clock moves on a little with every request, as it does in an office.
    app = create_app(settings, clock=lambda: now + timedelta(seconds=time.perf_counter() % 60))
    rng = random.Random(3)
    pages = {
        "today": lambda: "/today",
        "daily register (a past day)": lambda: f"/register?day={rng.choice(past_days)}",
        "daily register as CSV": lambda: f"/register.csv?day={rng.choice(past_days)}",
    }
    samples: dict[tuple[str, str], list[float]] = {}
    logs = {auditing: view_log() for auditing, view_log in AUDITING.items()}
    with TestClient(app, base_url="https://office") as client:
        client.cookies.set(SESSION_COOKIE, token)
        for name, url_of in pages.items():
            for _ in range(5):  # warm the connection pool, templates and statement cache
                assert client.get(url_of()).status_code == 200
            for _ in range(requests):
                target = url_of()  # the same day for the three, so they do the same work
                for auditing, log in logs.items():
                    app.state.viewed = log
                    samples.setdefault((name, auditing), []).append(_timed(client, target))
    for (name, auditing), taken in samples.items():
        print(f"{name:28s} {auditing:27s} {_ms(taken)}")
    app.state.engine.dispose()


def run_on_scratch_nursery(description: str, run: Callable[..., None]) -> None:
    """The command line of the office benchmarks: a nursery's size and a scratch database."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="run on a scratch database made on this server"
    )
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument("--requests", type=int, default=200, help="requests per figure")
    args = parser.parse_args()
    with scratch_database(args.postgres) as url:
        run(url, children=args.children, days=args.days, requests=args.requests)


def main() -> None:
    run_on_scratch_nursery(__doc__ or "", run)


if __name__ == "__main__":
    main()
