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

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, session_factory
from db.events import append_events
from db.migrate import upgrade_to_head
from db.models import Adult, Child, Event
from db.register import daily_register, on_site_now
from db.vocabulary import EventType
from kiosk.door import Door
from kiosk.door.decisions import new_event
from kiosk.store.hub_pages import read_state
from kiosk.store.local import KioskStore
from kiosk.store.replica import load_book, load_policy, load_today

LONDON = ZoneInfo("Europe/London")


def _times(measure: Callable[[], object], repeat: int) -> dict[str, float]:
    """The first call (a process that has just started), and the median of the calls after it
    in wall-clock and in CPU time: on a machine shared with other work, CPU time is the steadier
    of the two, since it leaves out the time this process waited for a core."""
    return _figures([_timed(measure) for _ in range(repeat + 1)])


def _timed(measure: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one call."""
    started, used = time.perf_counter(), time.process_time()
    measure()
    return (time.perf_counter() - started) * 1000, (time.process_time() - used) * 1000


def _figures(times: list[tuple[float, float]]) -> dict[str, float]:
    # A small nursery may have only one child left to arrive: its one look is all there is.
    rest = times[1:] or times
    return {
        "first": times[0][0],
        "median": statistics.median(wall for wall, _ in rest),
        "cpu": statistics.median(cpu for _, cpu in rest),
    }


def _absent_today(sessions: sessionmaker[Session], now: datetime, count: int) -> list[int]:
    """Children not yet in this morning: the next arrivals."""
    with sessions() as session:
        here = on_site_now(session, now, LONDON).children_by_room.values()
        in_now = {stay.child_id for stays in here for stay in stays}
        everyone = session.scalars(select(Child.id).order_by(Child.id))
        return [child for child in everyone if child not in in_now][:count]


def after_each_arrival(
    sessions: sessionmaker[Session], today: date, now: datetime, repeat: int
) -> dict[str, dict[str, float]]:
    """The morning as the office sees it: one more child arrives (after everything so far), and
    the register of the day and the on-site list are looked at, each for the first time since
    that arrival. The arrivals are taken out again, so the next checkout reads the same data."""
    children = _absent_today(sessions, now, repeat + 1)
    with sessions() as session:  # the looks of the morning so far
        daily_register(session, today, LONDON)
        on_site_now(session, now, LONDON)
    register, on_site, added = [], [], []
    for i, child in enumerate(children):
        at = now - timedelta(minutes=30) + timedelta(seconds=i)
        arrival = new_event(EventType.CHILD_ARRIVED, now=at, device="probe", child_id=child)
        with sessions() as session:
            append_events(session, [arrival])
            session.commit()
        added.append(arrival.uuid)
        with sessions() as session:
            register.append(_timed(lambda: daily_register(session, today, LONDON)))
        with sessions() as session:
            on_site.append(_timed(lambda: on_site_now(session, now, LONDON)))
    with sessions() as session:
        session.execute(delete(Event).where(Event.uuid.in_(added)))
        session.commit()
    return {"register, new arrival": _figures(register), "on-site, new arrival": _figures(on_site)}


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
        **after_each_arrival(sessions, today, now, repeat),
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
