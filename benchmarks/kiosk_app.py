"""The kiosk app itself: cold start to the home screen, and memory over a long day.

    .venv/bin/python -m benchmarks.kiosk_app            # prints its figures; not a test

Targets (issue 3): cold start < 1.5 s here; RSS after 500 arrivals and collections grows no more
than 10% beyond its size after warm-up. Both run the real app, rendered offscreen.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

CHILD = """
import sys, time
from kiosk.bootstrap import prepare_kivy
prepare_kivy(headless=True)
from kiosk.bootstrap import build_app
from kivy.base import EventLoop
app = build_app(db=sys.argv[1], camera="none")
EventLoop.ensure_window()
app._run_prepare()
EventLoop.idle()
assert app.screens.current == "home"
print("ready", flush=True)
"""


def seeded_database(folder: Path) -> str:
    from db.engine import make_engine, session_factory
    from db.migrate import upgrade_to_head
    from db.seed import seed_demo

    database = str(folder / "kiosk.db")
    engine = make_engine(database)
    upgrade_to_head(engine)
    with session_factory(engine)() as session:
        seed_demo(session, today=date.today())
        session.commit()
    engine.dispose()
    return database


def cold_start(database: str, runs: int) -> list[float]:
    """Wall time from starting a Python process to the home screen drawn."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", CHILD, database],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert "ready" in child.stdout
        times.append(time.perf_counter() - start)
    return times


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def long_day(database: str, rounds: int) -> tuple[float, float]:
    """Arrivals and collections through the service and the screens, as at the door."""
    from kiosk.bootstrap import prepare_kivy

    prepare_kivy(headless=True)
    from kivy.base import EventLoop

    from kiosk.bootstrap import build_app
    from kiosk.door import ByChosenAdult, ReleasePending

    clock = [datetime(2026, 11, 25, 7, 0, tzinfo=UTC)]
    app = build_app(db=database, camera="none", clock=lambda: clock[0])
    EventLoop.ensure_window()
    app._run_prepare()
    service = app.service
    children = sorted(service.door.book.children)
    saskia = next(s for s in service.door.book.staff.values() if s.first_name == "Saskia")
    warm = 0.0
    for n in range(rounds):
        child = children[n % len(children)]
        adult = sorted(service.door.book.authorised[child])[0]
        clock[0] += timedelta(seconds=20)
        app.go("arrival")
        service.run(partial(service.arrive, [child], brought_by_adult_id=adult)).result()
        app.go("collection")
        pending = service.run(partial(service.collect, child, ByChosenAdult(adult))).result()
        assert isinstance(pending, ReleasePending)
        service.run(partial(service.confirm, pending.request.uuid, saskia)).result()
        app.home()
        EventLoop.idle()
        if n == rounds // 5:
            warm = _rss_mb()
    return warm, _rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = seeded_database(Path(tmp))
        starts = cold_start(database, args.starts)
        print(
            f"cold start to the home screen: median {statistics.median(starts):.2f} s, "
            f"worst {max(starts):.2f} s  (n={len(starts)}, target < 1.5 s)"
        )
        warm, end = long_day(database, args.rounds)
        growth = (end - warm) / warm * 100 if warm else 0.0
        print(
            f"RSS after warm-up {warm:.0f} MB, after {args.rounds} arrivals and collections "
            f"{end:.0f} MB: {growth:+.1f}%  (target: no more than +10%)"
        )


if __name__ == "__main__":
    main()
