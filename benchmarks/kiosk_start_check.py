"""What checking the kiosk's database at start-up costs (issue 11, point 5), on a kiosk file
with 200 children, 600 adults and a year of events. Prints its figures; it is not a test.

    .venv/bin/python -m benchmarks.kiosk_start_check

"Before" is the kiosk's start-up as it was: the store opened (migrations checked) and the
door's service built (people, photos, today's events). "After" adds the check that
kiosk/store/health.py runs first, ``PRAGMA quick_check``; ``PRAGMA integrity_check`` (which
also compares every index with its table) is timed beside it, for the choice between them.
Measured with the file in the page cache: dropping the cache would slow every other process
on a shared machine. quick_check reads every page once, so after a Pi's reboot it costs about
the file's size over the card's read speed more: that estimate is printed too.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

from benchmarks.nursery_data import build
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from kiosk.service import KioskService
from kiosk.store.health import damage
from kiosk.store.local import KioskStore


def _start(database: Path) -> None:
    store = KioskStore(str(database), device="front-door")
    KioskService(store, device="front-door")
    store.close()


def _integrity(database: Path) -> None:
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _quick(database: Path) -> None:
    assert damage(database) is None


def _checked_start(database: Path) -> None:
    _quick(database)
    _start(database)


def _timed(work: Callable[[], None], *, rounds: int) -> str:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return f"median {statistics.median(samples):7.1f} ms   worst {max(samples):7.1f} ms"


def run(folder: Path, *, children: int, days: int, rounds: int) -> None:
    database = folder / "kiosk.db"
    engine = make_engine(str(database))
    upgrade_to_head(engine)
    with session_factory(engine)() as session:
        build(session, today=date.today(), children=children, days=days)
    engine.dispose()
    size = database.stat().st_size / 2**20
    print(f"kiosk file: {size:.1f} MB, {children} children, {days} days of events")
    _start(database)  # imports and first connections, so that "before" is not charged for them
    measures = {
        "before: start-up (store + door service)": lambda: _start(database),
        "after:  quick_check, then start-up": lambda: _checked_start(database),
        "quick_check alone": lambda: _quick(database),
        "integrity_check alone": lambda: _integrity(database),
    }
    for label, work in measures.items():
        print(f"{label:42} {_timed(work, rounds=rounds)}")
    print(f"after a reboot, reading the file from a 20 MB/s SD card adds about {size / 20:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handover-start-check-") as folder:
        run(Path(folder), children=args.children, days=args.days, rounds=args.rounds)


if __name__ == "__main__":
    main()
