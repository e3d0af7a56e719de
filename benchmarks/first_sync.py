"""A new door's first sync against a real hub holding years of the nursery's history.

For each number of years, a scratch database gets the nursery (200 children, three carers
each) and that many years of its days, this morning's arrivals included; a real ``handover
hub`` process serves it, a new kiosk pairs, and its first full round is timed: push (nothing),
every person, and the events from the hub's starting point (today and what is still open).
Target (issue 12): under 2 s with seven years of events.

    python -m benchmarks.first_sync --years 1 7
    python -m benchmarks.first_sync --years 1 7 --db postgresql://postgres@127.0.0.1/postgres
    python -m benchmarks.first_sync --years 1 --everything   # also pull every event, as before

The round is timed three times, each by a new door, so one slow moment on a shared machine
shows as the spread. ``--everything`` adds a door that pulls every event ever recorded (no
starting point), as doors did before issue 12: minutes at one year, so it is off by default.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.nursery_data import build
from benchmarks.scratch import scratch_database
from benchmarks.sync import HubProcess, _events_on_hub, _pair, add_doors, engine_name
from benchmarks.sync_checks import first_sync
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head

DOORS = 3  # new doors timed one after another


def _seed(url: str, *, years: int, children: int, doors: int) -> tuple[list[str], float]:
    """The nursery and its history, and a pairing code for each new door; seconds taken."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    codes = [f"BNCH-{i:04d}-NEWD" for i in range(doors)]
    began = time.perf_counter()
    with session_factory(engine)() as db:
        build(db, children=children, days=365 * years)
        add_doors(db, codes)
        db.commit()
    engine.dispose()
    return codes, time.perf_counter() - began


def measure(url: str, *, years: int, children: int, everything: bool) -> None:
    codes, seeded = _seed(url, years=years, children=children, doors=DOORS + everything)
    stored = _events_on_hub(url)
    print(
        f"\n{engine_name(url)}, {years} year(s): {stored} events on the hub "
        f"(seeded in {seeded:.0f} s)"
    )
    with tempfile.TemporaryDirectory(prefix="handover-first-sync-") as tmp:
        folder = Path(tmp)
        hub = HubProcess(url, folder / "hub.log")
        try:
            tokens = _pair(hub.base, codes)
            load = os.getloadavg()[0]
            runs = [first_sync(hub.base, folder, *t, everything=False) for t in tokens[:DOORS]]
            seconds = sorted(r.seconds for r in runs)
            print(
                f"  first sync from the starting point: median {statistics.median(seconds):.2f} s"
                f", each {' / '.join(f'{s:.2f}' for s in seconds)} s; "
                f"{runs[0].events} events pulled (target < 2 s)"
            )
            if everything:
                whole = first_sync(hub.base, folder, *tokens[DOORS], everything=True)
                print(
                    f"  first sync pulling every event: {whole.seconds:.1f} s, "
                    f"{whole.events} events"
                )
            print(f"  load average (1 min) before / after: {load:.1f} / {os.getloadavg()[0]:.1f}")
        finally:
            hub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--years", type=int, nargs="+", default=[1, 7])
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument(
        "--db",
        metavar="URL",
        help="a PostgreSQL server (a scratch database is made and dropped); SQLite when left out",
    )
    parser.add_argument("--everything", action="store_true", help="also pull every event")
    args = parser.parse_args()
    for years in args.years:
        with scratch_database(args.db) as url:
            measure(url, years=years, children=args.children, everything=args.everything)


if __name__ == "__main__":
    main()
