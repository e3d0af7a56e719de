"""Measures one checkout of Handover on a nursery database made by :mod:`benchmarks.nursery_scale`.

Run by that script as a plain file with another checkout's interpreter and ``PYTHONPATH``, so
the same measurements read "before" (``main``) and "after" (this branch) on the same data. It
therefore imports only what both have, and prints one JSON object on its last line.

    python benchmarks/scale_probe.py read DB --repeat 7
    python benchmarks/scale_probe.py create --people 1000 2000 4000 8000 10000
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Adult
from db.register import daily_register, on_site_now
from kiosk.door import Door
from kiosk.store.hub_pages import read_state
from kiosk.store.local import KioskStore
from kiosk.store.replica import load_book, load_policy, load_today

LONDON = ZoneInfo("Europe/London")


def _times(measure: Callable[[], object], repeat: int) -> dict[str, float]:
    """The first call (a process that has just started), and the median of the calls after it
    in wall-clock and in CPU time: on a machine shared with other work, CPU time is the steadier
    of the two, since it leaves out the time this process waited for a core."""
    wall, cpu = [], []
    for _ in range(repeat + 1):
        started, used = time.perf_counter(), time.process_time()
        measure()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return {
        "first": wall[0],
        "median": statistics.median(wall[1:]),
        "cpu": statistics.median(cpu[1:]),
    }


def read(db: str, repeat: int) -> dict[str, Any]:
    engine = make_engine(db)
    sessions = session_factory(engine)
    today = date.today()
    now = datetime.combine(today, datetime.min.time().replace(hour=11), tzinfo=LONDON)
    now = now.astimezone(UTC)
    past = today - timedelta(days=1)
    while past.weekday() >= 5:
        past -= timedelta(days=1)

    def start_door() -> object:
        with sessions() as session:
            events = load_today(session, now=now, zone=LONDON)
            return Door(load_book(session), policy=load_policy(session), events=events)

    def register() -> object:
        with sessions() as session:
            return daily_register(session, past, LONDON)

    def on_site() -> object:
        with sessions() as session:
            return on_site_now(session, now, LONDON)

    def refresh_book() -> object:
        """The door's 30-second refresh when nothing changed: where the checkout knows the
        people cursor (issue 12), it reads that; before, it read the whole book again."""
        if hasattr(KioskStore, "people_version"):
            return read_state(sessions)
        with sessions() as session:
            return load_book(session)

    figures = {
        "kiosk start-up": _times(start_door, repeat),
        "book refresh": _times(refresh_book, repeat),
        "daily register": _times(register, repeat),
        "on-site list": _times(on_site, repeat),
    }
    engine.dispose()
    return figures


def create(people: list[int]) -> dict[str, Any]:
    """Adults added in one transaction, as a spreadsheet import does: seconds per size."""
    figures: dict[str, float] = {}
    for count in people:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(str(Path(folder) / "import.db"))
            upgrade_to_head(engine)
            with session_factory(engine)() as session:
                started = time.perf_counter()
                session.add_all(
                    Adult(first_name=f"Carer{i}", last_name="Import", confirmed_adult=True)
                    for i in range(count)
                )
                session.commit()
                figures[str(count)] = time.perf_counter() - started
            engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    what = parser.add_subparsers(dest="what", required=True)
    reading = what.add_parser("read")
    reading.add_argument("db")
    reading.add_argument("--repeat", type=int, default=7)
    creating = what.add_parser("create")
    creating.add_argument("--people", type=int, nargs="+", required=True)
    args = parser.parse_args()
    result = read(args.db, args.repeat) if args.what == "read" else create(args.people)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
