"""Rows of the event log turned into records, one by one (as before) and in bulk (as now).

    python -m benchmarks.event_rows               # SQLite, 200 children, 30 days of events
    python -m benchmarks.event_rows --db postgresql://postgres@127.0.0.1/postgres

Both read the same rows with the same query; only the conversion differs, so the figures are
the conversion's cost plus the same read. The median of ``--repeat`` runs, interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.nursery_data import build
from benchmarks.scratch import scratch_database
from db.engine import make_engine, session_factory
from db.events import RECORD_COLUMNS, to_record, to_records
from db.migrate import upgrade_to_head
from db.models import Event
from db.timeline import EventRecord

QUERY = select(*(Event.__table__.c[name] for name in RECORD_COLUMNS)).order_by(Event.seq)


def one_by_one(db: Session) -> list[EventRecord]:
    return [to_record(row) for row in db.execute(QUERY)]


def in_bulk(db: Session) -> list[EventRecord]:
    return to_records(db.execute(QUERY))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=None, metavar="URL", help="a PostgreSQL server")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with scratch_database(args.db) as url:
        engine = make_engine(url)
        upgrade_to_head(engine)
        sessions = session_factory(engine)
        with sessions() as db:
            build(db, days=args.days)
        timings: dict[str, list[float]] = {"one by one (before)": [], "in bulk (after)": []}
        ways: dict[str, Callable[[Session], list[EventRecord]]] = {
            "one by one (before)": one_by_one,
            "in bulk (after)": in_bulk,
        }
        count = 0
        for _ in range(args.repeat):
            for name, way in ways.items():
                with sessions() as db:
                    began = time.perf_counter()
                    count = len(way(db))
                    timings[name].append(time.perf_counter() - began)
        engine.dispose()
    print(f"{count} events read and turned into records ({engine.dialect.name}):")
    for name, values in timings.items():
        print(f"  {name:<22} median {statistics.median(values) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
