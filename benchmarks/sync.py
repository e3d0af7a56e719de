"""Sync under a busy morning: one hub, many kiosks, real HTTP.

The hub runs as ``handover hub`` in its own process (uvicorn, as in the office). Each simulated
kiosk is the real kiosk storage and sync client (KioskStore + SyncClient, its own SQLite
file), run as threads in a few worker processes, so the clients' own Python does not queue
behind one GIL. Each kiosk syncs every ``--interval`` seconds. The morning (200 children
arriving, each arrival acknowledged by staff: 400 events) is compressed into ``--morning``
seconds of wall time, so each round carries more events than a real 45-minute morning would:
a pessimistic load. Figures:

- per round (push + pull people + pull events) and per HTTP request: p50 / p95 / max;
- events stored by the hub per second during the morning, and at saturation (every kiosk
  pushing batches of 20 without pause);
- catch-up: a kiosk that was offline all day (new, or restored from a backup), with 100 events
  of its own waiting, syncs once: its push, the whole people data, and the day's events.

    python -m benchmarks.sync                      # SQLite hub
    python -m benchmarks.sync --postgres postgresql://postgres@127.0.0.1/postgres
    python -m benchmarks.sync --quick              # a few kiosks for a few seconds
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy import func, select

from admin.views.kiosks import pairing_code_hash
from benchmarks.nursery_data import build
from benchmarks.scratch import scratch_database
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Event, Kiosk
from db.timeline import EventRecord
from db.vocabulary import EventType

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a scratch hub


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class TimedTransport(httpx.HTTPTransport):
    """Times every request to the end of its body, by operation."""

    def __init__(self, samples: dict[str, list[float]]) -> None:
        super().__init__()
        self.samples = samples

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = super().handle_request(request)
        response.read()
        name = f"{request.method} {request.url.path.removeprefix('/api/v1')}"
        self.samples.setdefault(name, []).append(time.perf_counter() - started)
        return response


@dataclass
class Plan:
    """What one worker process does: its kiosks, and when each arrival happens at which."""

    hub: str
    tokens: list[tuple[str, str]]  # (device, token)
    arrivals: list[tuple[float, int, int, int]]  # (seconds from start, kiosk index, child, adult)
    staff_id: int
    interval: float
    morning: float
    saturation: float
    folder: str


@dataclass
class Figures:
    rounds: list[float] = field(default_factory=list)
    requests: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    pushed_in_morning: int = 0
    pushed_in_saturation: int = 0


def _arrival(device: str, child: int, adult: int, staff: int) -> list[EventRecord]:
    now = utc_now()
    arrived = EventRecord(
        uuid=str(uuid4()),
        type=EventType.CHILD_ARRIVED,
        occurred_at=now,
        device=device,
        child_id=child,
        adult_id=adult,
    )
    acknowledged = EventRecord(
        uuid=str(uuid4()),
        type=EventType.ARRIVAL_ACKNOWLEDGED,
        occurred_at=now + timedelta(seconds=20),
        device=device,
        child_id=child,
        staff_id=staff,
        ref=arrived.uuid,
    )
    return [arrived, acknowledged]


def _worker(plan: Plan, results: Any, ready: Any, go: Any, flat_out: Any) -> None:
    from kiosk.store.local import KioskStore
    from kiosk.sync import SyncClient

    figures = Figures()
    lock = threading.Lock()
    synced = threading.Barrier(len(plan.tokens) + 1)
    beat: list[float] = []  # the morning's start, the same for every kiosk of every worker

    # Made one after another: each runs its migrations, and Alembic is not thread-safe.
    stores = [
        KioskStore(str(Path(plan.folder) / f"{device}.db"), device=device)
        for device, _ in plan.tokens
    ]

    def kiosk(index: int, device: str, token: str) -> None:
        try:
            door(index, device, token)
        except Exception as exc:
            with lock:
                figures.errors.append(f"{device}: {exc!r}")

    def door(index: int, device: str, token: str) -> None:
        store = stores[index]
        samples: dict[str, list[float]] = {}
        http = httpx.Client(transport=TimedTransport(samples), timeout=30)
        client = SyncClient(store, plan.hub, token, clock=utc_now, http=http)
        client.sync_once()  # the first pull of the people: before the morning, not timed
        synced.wait()
        synced.wait()  # the parent said go
        samples.clear()
        start = beat[0]
        mine = sorted(a for a in plan.arrivals if a[1] == index)
        rounds: list[float] = []
        errors: list[str] = []
        morning_pushed = 0
        # Kiosks are spread over the interval, as real doors started at different times are.
        next_round = start + plan.interval * index / max(1, len(plan.tokens))
        end = start + plan.morning
        while time.monotonic() < end:
            now = time.monotonic()
            while mine and start + mine[0][0] <= now:
                _, _, child, adult = mine.pop(0)
                store.append(_arrival(device, child, adult, plan.staff_id))
            if now < next_round and not (mine and start + mine[0][0] <= now):
                # Asleep until the next thing to do: fifty busy threads would starve the hub.
                upcoming = [next_round, end] + ([start + mine[0][0]] if mine else [])
                time.sleep(max(0.0, min(upcoming) - time.monotonic()))
                continue
            if now >= next_round:
                began = time.perf_counter()
                try:
                    morning_pushed += client.sync_once().pushed
                    rounds.append(time.perf_counter() - began)
                except Exception as exc:
                    errors.append(repr(exc))
                next_round += plan.interval
        synced.wait()  # the morning is over at every door
        synced.wait()  # the parent measured the catch-up: flat out now
        pushed = 0
        morning_samples = {name: list(values) for name, values in samples.items()}
        samples.clear()
        busy_until = time.monotonic() + plan.saturation
        while time.monotonic() < busy_until:  # saturation: no pause between rounds
            store.append([e for _ in range(10) for e in _arrival(device, 1, 1, plan.staff_id)])
            try:
                pushed += client.push()
            except Exception as exc:
                errors.append(repr(exc))
        http.close()
        store.close()
        with lock:
            figures.rounds.extend(rounds)
            figures.errors.extend(errors)
            figures.pushed_in_saturation += pushed
            figures.pushed_in_morning += morning_pushed
            for name, values in morning_samples.items():
                figures.requests.setdefault(name, []).extend(values)
            for name, values in samples.items():
                figures.requests.setdefault(f"{name} flat out", []).extend(values)

    threads = [
        threading.Thread(target=kiosk, args=(i, device, token))
        for i, (device, token) in enumerate(plan.tokens)
    ]
    for thread in threads:
        thread.start()
    synced.wait()  # every kiosk of this worker has its people
    ready.put(True)
    go.wait()
    beat.append(time.monotonic() + 0.5)
    synced.wait()
    synced.wait()  # the morning is over at every door of this worker
    ready.put(True)
    flat_out.wait()
    synced.wait()
    for thread in threads:
        thread.join()
    results.put(figures)


class HubProcess:
    def __init__(self, url: str, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "HANDOVER_SECRET_KEY": SECRET}
        command = [sys.executable, "-m", "handover", "hub", "--db", url, "--port", str(self.port)]
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/api/v1/openapi.json", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"the hub did not start:\n{log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _prepare(url: str, kiosks: int, children: int) -> tuple[list[str], dict[int, list[int]], int]:
    engine = make_engine(url)
    upgrade_to_head(engine)
    codes = [f"BNCH-{i:04d}-SYNC" for i in range(kiosks + 1)]
    with session_factory(engine)() as db:
        nursery = build(db, children=children, days=0)
        now = utc_now()
        for i, code in enumerate(codes):
            db.add(
                Kiosk(
                    name=f"Door {i}",
                    pairing_code_hash=pairing_code_hash(code),
                    pairing_expires_at=now + timedelta(hours=2),
                )
            )
        db.commit()
        from db.models import Staff

        staff_id = db.scalars(select(Staff.id)).first() or 1
    engine.dispose()
    return codes, nursery.parents_of_child, staff_id


def _pair(hub: str, codes: Sequence[str]) -> list[tuple[str, str]]:
    tokens = []
    with httpx.Client(timeout=30) as http:
        for i, code in enumerate(codes):
            answer = http.post(f"{hub}/api/v1/pair", json={"code": code, "device": f"door-{i}"})
            answer.raise_for_status()
            tokens.append((f"door-{i}", str(answer.json()["token"])))
    return tokens


def _ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   "
        f"max {ordered[-1] * 1000:6.1f} ms   (n={len(ordered)})"
    )


def _events_on_hub(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as db:
        count = db.scalar(select(func.count()).select_from(Event)) or 0
    engine.dispose()
    return int(count)


def run(url: str, args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="handover-sync-bench-"))
    codes, parents, staff_id = _prepare(url, args.kiosks, args.children)
    hub = HubProcess(url, folder / "hub.log")
    try:
        tokens = _pair(hub.base, codes)
        offline, doors = tokens[-1], tokens[:-1]
        rng = random.Random(11)
        arrivals = sorted(
            (rng.uniform(0, args.morning * 0.9), rng.randrange(len(doors)), child, adults[0])
            for child, adults in parents.items()
        )
        per = -(-len(doors) // args.workers)
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        ready = context.Queue()
        go = context.Event()
        flat_out = context.Event()
        processes = []
        for w in range(args.workers):
            chunk = list(range(w * per, min(len(doors), (w + 1) * per)))
            if not chunk:
                continue
            plan = Plan(
                hub=hub.base,
                tokens=[doors[i] for i in chunk],
                arrivals=[(t, chunk.index(k), c, a) for t, k, c, a in arrivals if k in chunk],
                staff_id=staff_id,
                interval=args.interval,
                morning=args.morning,
                saturation=args.saturation,
                folder=str(folder),
            )
            processes.append(
                context.Process(target=_worker, args=(plan, results, ready, go, flat_out))
            )
        before = _events_on_hub(url)
        for process in processes:
            process.start()
        for _ in processes:  # every kiosk has made its first sync (the whole people data)
            ready.get(timeout=600)
        started = time.monotonic()
        go.set()
        for _ in processes:
            ready.get(timeout=args.morning + 600)
        catch_up, result = _catch_up(folder, offline, parents, staff_id, hub.base)
        flat_out.set()
        gathered = [results.get(timeout=args.morning + args.saturation + 600) for _ in processes]
        for process in processes:
            process.join()
        elapsed = time.monotonic() - started
        total = Figures()
        for figures in gathered:
            total.rounds += figures.rounds
            total.errors += figures.errors
            total.pushed_in_saturation += figures.pushed_in_saturation
            total.pushed_in_morning += figures.pushed_in_morning
            for name, values in figures.requests.items():
                total.requests.setdefault(name, []).extend(values)
        stored = _events_on_hub(url) - before
        morning_events = 2 * len(arrivals)

        print(
            f"{engine_name(url)} hub; {len(doors)} kiosks in {len(processes)} processes, a round "
            f"every {args.interval:g} s; the morning ({len(arrivals)} arrivals, "
            f"{morning_events} events) in {args.morning:g} s, then {args.saturation:g} s flat out"
        )
        print(f"  sync round (push + people + events)  {_ms(total.rounds)}")
        for name in sorted(total.requests):
            print(f"  {name:<36} {_ms(total.requests[name])}")
        print(
            f"  events/s stored in the morning       {total.pushed_in_morning / args.morning:6.1f} "
            f"({total.pushed_in_morning} of the morning's {morning_events} by its end)"
        )
        print(
            f"  events/s at saturation               "
            f"{total.pushed_in_saturation / args.saturation:6.0f}"
        )
        print(
            f"  catch-up after a morning offline     {catch_up:6.2f} s  (pushed {result.pushed}, "
            f"pulled {len(result.events)} events and the people of {len(parents)} children)"
        )
        expected = total.pushed_in_morning + total.pushed_in_saturation + result.pushed
        print(
            f"  hub stored {stored} events in {elapsed:.0f} s (kiosks pushed {expected}); "
            f"errors: {len(total.errors)}"
        )
        for error in total.errors[:5]:
            print(f"    {error}")
        if "Traceback" in hub.log.read_text():
            print(f"  the hub logged an exception: see {hub.log}")
    finally:
        hub.stop()


def _catch_up(
    folder: Path,
    offline: tuple[str, str],
    parents: dict[int, list[int]],
    staff_id: int,
    hub: str,
) -> tuple[float, Any]:
    """After the morning, before the other doors go flat out: the last door never synced today
    (a new kiosk, or one restored from a backup); 100 events of its own are waiting."""
    from kiosk.store.local import KioskStore
    from kiosk.sync import SyncClient

    device, token = offline
    store = KioskStore(str(folder / "offline.db"), device=device)
    for child in list(parents)[:50]:
        store.append(_arrival(device, child, parents[child][0], staff_id))
    with httpx.Client(timeout=60) as http:
        client = SyncClient(store, hub, token, clock=utc_now, http=http)
        began = time.perf_counter()
        result = client.sync_once()
        took = time.perf_counter() - began
    store.close()
    return took, result


def engine_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--postgres", metavar="URL", help="hub on a scratch database there")
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")
    parser.add_argument("--morning", type=float, default=60.0, help="the morning, in seconds")
    parser.add_argument("--saturation", type=float, default=15.0, help="seconds flat out")
    parser.add_argument("--quick", action="store_true", help="4 kiosks, 12 children, seconds")
    args = parser.parse_args()
    if args.quick:
        args.kiosks, args.workers, args.children = 4, 2, 12
        args.interval, args.morning, args.saturation = 1.0, 4.0, 2.0
    with scratch_database(args.postgres) as url:
        run(url, args)


if __name__ == "__main__":
    main()
