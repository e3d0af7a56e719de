"""The door's card decision and the daily register, on a nursery of 200 children, 600 adults
and a year of events. Prints its figures; it is not a test.

    .venv/bin/python -m benchmarks.door_and_register                  # SQLite in a temp dir
    .venv/bin/python -m benchmarks.door_and_register --postgres postgresql://postgres@127.0.0.1/postgres

Targets (issue 2): card decision p95 < 5 ms excluding bcrypt; daily register < 50 ms (SQLite).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from benchmarks.nursery_data import LONDON, build
from benchmarks.scratch import scratch_database
from db.clock import at_local
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Event
from db.register import daily_register
from kiosk.door import ByCard, CardHolder, Door, ReleasePending
from kiosk.store.replica import load_book, load_policy, load_today


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):7.3f} ms   p95 {p95:7.3f} ms   (n={len(ordered)})"


def run(url: str, *, children: int, days: int, decisions: int, register_days: int) -> None:
    engine = make_engine(url)
    upgrade_to_head(engine)
    sessions = session_factory(engine)
    today = date.today()
    with sessions() as session:
        t0 = time.perf_counter()
        nursery = build(session, today=today, children=children, days=days)
        events = session.scalar(select(func.count()).select_from(Event))
        print(
            f"built {len(nursery.child_ids)} children, {len(nursery.cards_by_adult)} adults, "
            f"{events} events in {time.perf_counter() - t0:.1f} s on {engine.dialect.name}"
        )
    with sessions() as session:
        now = at_local(today, datetime.strptime("11:00", "%H:%M").time(), LONDON)
        start = time.perf_counter()
        door = Door(
            load_book(session),
            policy=load_policy(session),
            events=load_today(session, now=now, zone=LONDON),
        )
        print(
            f"kiosk start-up: people book + today's events loaded in "
            f"{(time.perf_counter() - start) * 1000:.0f} ms"
        )
    on_site = list(door.timeline.on_site)
    rng = random.Random(1)
    samples = []
    for _ in range(decisions):
        child = rng.choice(on_site)
        adult = rng.choice(nursery.parents_of_child[child])
        start = time.perf_counter()
        holder = door.read_card(nursery.cards_by_adult[adult], now=now, collecting=True)
        assert isinstance(holder, CardHolder) and child in holder.on_site_child_ids
        decision = door.collect(child_id=child, collector=ByCard(holder.card_id, adult), now=now)
        samples.append((time.perf_counter() - start) * 1000)
        assert isinstance(decision, ReleasePending)
    print(f"collection decision by card (read card + decide):  {_ms(samples)}")
    past = [today - timedelta(days=d) for d in range(1, days)]
    past = [d for d in past if d.weekday() < 5]
    register = []
    with sessions() as session:
        daily_register(session, past[0], LONDON)  # warm the connection pool and statement cache
        for day in rng.sample(past, min(register_days, len(past))):
            start = time.perf_counter()
            rows = daily_register(session, day, LONDON)
            register.append((time.perf_counter() - start) * 1000)
    print(f"daily register for one day ({len(rows)} rows):    {_ms(register)}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="run on a scratch database made on this server"
    )
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument("--decisions", type=int, default=5000)
    parser.add_argument("--register-days", type=int, default=50)
    args = parser.parse_args()
    with scratch_database(args.postgres) as url:
        run(
            url,
            children=args.children,
            days=args.days,
            decisions=args.decisions,
            register_days=args.register_days,
        )


if __name__ == "__main__":
    main()
