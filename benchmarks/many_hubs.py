"""Many nurseries on one server: ten hubs side by side with one, on one PostgreSQL server.

Each hub is ``handover hub`` in its own process with its own database (a nursery of
``--children`` children and ``--days`` days of history, and one paired kiosk). For each pool
setting (SQLAlchemy's default 5 + 10 before, Handover's default after, measured in the same run
on the same databases), with 1 hub and then ``--hubs`` hubs running:

- memory: each hub's resident set (RSS) once started and after the load;
- PostgreSQL connections held: idle, the most seen under the load (pg_stat_activity, sampled
  every 0.1 s) in all and by the busiest hub, and what the pools keep open once it is over;
- a small load on every hub at once for ``--seconds``: ``--clients`` clients each (the office's
  browsers and the kiosks), each asking every ``--pause`` seconds for the sign-in page or a
  kiosk's sync pull (the next 20 events of the day: ``GET /api/v1/events``); p50 / p95 of each.

    python -m benchmarks.many_hubs --server postgresql://postgres@127.0.0.1/postgres
    python -m benchmarks.many_hubs --quick     # 2 hubs, a few seconds (smoke test)
    python -m benchmarks.many_hubs --quick --seconds 1 --pause 0.2 --settle 0.3   # the tests'
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

from admin.office.pairing import pairing_code_hash
from benchmarks.nursery_data import build
from benchmarks.scratch import scratch_database
from benchmarks.sync import HubProcess, _pair, percentile
from db.clock import utc_now
from db.credentials import hash_password
from db.engine import MAX_OVERFLOW, POOL_SIZE, make_engine, normalise_url, session_factory
from db.migrate import upgrade_to_head
from db.models import Event, Kiosk, Staff
from db.vocabulary import Role

POOLS = [
    ("SQLAlchemy default (before)", 5, 10),
    ("Handover default (after)", POOL_SIZE, MAX_OVERFLOW),
]


@dataclass
class Nursery:
    url: str
    token: str = ""
    since: int = 0


@dataclass
class Load:
    login: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    errors: int = 0


def prepare(url: str, children: int, days: int) -> Nursery:
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        build(db, children=children, days=days)
        # A nursery past its first run: its sign-in page is the one the office sees.
        manager = db.scalars(select(Staff)).first()
        assert manager is not None
        manager.role, manager.password_hash = Role.MANAGER.value, hash_password("bench-manager")
        db.add(
            Kiosk(
                name="Front door",
                pairing_code_hash=pairing_code_hash("BNCH-0000-HUBS"),
                pairing_expires_at=utc_now() + timedelta(hours=2),
            )
        )
        db.commit()
        events = db.scalar(select(func.count()).select_from(Event)) or 0
    engine.dispose()
    return Nursery(url, since=max(0, int(events) - 20))


def rss_mb(hub: HubProcess) -> float:
    for line in Path(f"/proc/{hub.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class ConnectionWatch:
    """Connections to each nursery's database, sampled while the load runs."""

    def __init__(self, server: str, names: list[str]) -> None:
        self.engine = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
        self.names = names
        self.most_total, self.most_one = 0, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def now(self) -> list[int]:
        with self.engine.connect() as db:
            rows: dict[str, int] = dict(
                db.execute(
                    text("SELECT datname, count(*) FROM pg_stat_activity GROUP BY datname")
                ).all()
            )
        return [int(rows.get(name, 0)) for name in self.names]

    def _watch(self) -> None:
        while not self.stop.wait(0.1):
            counts = self.now()
            self.most_total = max(self.most_total, sum(counts))
            self.most_one = max(self.most_one, *counts)

    def __enter__(self) -> ConnectionWatch:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self.engine.dispose()


def client(hub: HubProcess, nursery: Nursery, load: Load, args: argparse.Namespace) -> None:
    ends = time.monotonic() + args.seconds
    pull = f"{hub.base}/api/v1/events?since={nursery.since}&limit=20"
    with httpx.Client(timeout=30) as http:
        turn = 0
        while time.monotonic() < ends:
            turn += 1
            began = time.perf_counter()
            if turn % 2:
                answer = http.get(f"{hub.base}/login")
            else:
                answer = http.get(pull, headers={"Authorization": f"Bearer {nursery.token}"})
            took = time.perf_counter() - began
            if answer.status_code != 200:
                load.errors += 1
            (load.login if turn % 2 else load.pull).append(took)
            time.sleep(args.pause)


@dataclass
class Row:
    pool: str
    hubs: int
    rss_idle: list[float]
    rss_loaded: list[float]
    idle_connections: list[int]
    kept_connections: list[int]
    most_total: int
    most_one: int
    load: Load


def measure(
    pool: tuple[str, int, int], nurseries: list[Nursery], args: argparse.Namespace, folder: Path
) -> Row:
    label, size, overflow = pool
    os.environ["HANDOVER_DB_POOL_SIZE"], os.environ["HANDOVER_DB_MAX_OVERFLOW"] = (
        str(size),
        str(overflow),
    )
    with ExitStack() as stack:
        hubs = []
        for i, nursery in enumerate(nurseries):
            hub = HubProcess(nursery.url, folder / f"hub-{i}.log")
            stack.callback(hub.stop)
            hubs.append(hub)
            if not nursery.token:
                nursery.token = _pair(hub.base, ["BNCH-0000-HUBS"])[0][1]
        time.sleep(args.settle)  # settled: what an idle hub holds
        names = [n.url.rsplit("/", 1)[1] for n in nurseries]
        watch = ConnectionWatch(args.server, names)
        idle, rss_idle = watch.now(), [rss_mb(h) for h in hubs]
        load = Load()
        with watch:
            threads = [
                threading.Thread(target=client, args=(hub, nursery, load, args))
                for hub, nursery in zip(hubs, nurseries, strict=True)
                for _ in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        time.sleep(args.settle)  # quiet again: what the pools keep open
        rss_loaded, kept = [rss_mb(h) for h in hubs], watch.now()
    return Row(
        label, len(hubs), rss_idle, rss_loaded, idle, kept, watch.most_total, watch.most_one, load
    )


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    if not ordered:
        return "no samples"
    p50, p95 = percentile(ordered, 0.5) * 1000, percentile(ordered, 0.95) * 1000
    return f"p50 {p50:5.1f} ms  p95 {p95:6.1f} ms  ({len(ordered)})"


def report(row: Row) -> None:
    print(f"\n{row.pool}, {row.hubs} hub(s):")
    print(
        f"  memory per hub (RSS)    idle {statistics.mean(row.rss_idle):6.1f} MB"
        f"   after the load {statistics.mean(row.rss_loaded):6.1f} MB"
        f"   (largest {max(row.rss_loaded):.1f} MB)"
    )
    print(
        f"  connections held        idle {sum(row.idle_connections)} in all"
        f" ({max(row.idle_connections)} by one hub); under load at most {row.most_total}"
        f" in all ({row.most_one} by one hub); idle again {sum(row.kept_connections)}"
    )
    print(f"  sign-in page            {_ms(row.load.login)}")
    print(f"  sync pull (20 events)   {_ms(row.load.pull)}")
    print(f"  errors                  {row.load.errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1/postgres")
    parser.add_argument("--hubs", type=int, default=10)
    parser.add_argument("--children", type=int, default=60)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument(
        "--settle", type=float, default=2.0, help="seconds before and after the load, idle"
    )
    parser.add_argument("--quick", action="store_true", help="2 hubs, 3 s of load")
    if "--quick" in sys.argv[1:]:  # its smaller defaults; what is given explicitly still wins
        parser.set_defaults(hubs=2, children=8, days=2, seconds=3.0)
    args = parser.parse_args()
    print(
        f"{args.hubs} hubs on one PostgreSQL server, {args.children} children and {args.days}"
        f" days of history each; load: {args.clients} clients a hub, one request every"
        f" {args.pause} s each, for {args.seconds} s"
    )
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        urls = [stack.enter_context(scratch_database(args.server)) for _ in range(args.hubs)]
        nurseries = [prepare(url, args.children, args.days) for url in urls]
        for pool in POOLS:
            for group in (nurseries[:1], nurseries):
                report(measure(pool, group, args, Path(tmp)))


if __name__ == "__main__":
    main()
