"""Sync through a busy morning: one hub, fifty kiosks, real HTTP, real processes.

The hub runs as ``handover hub`` in its own process (uvicorn, as in the office). Each simulated
kiosk is the real kiosk storage and sync client (KioskStore + SyncClient, its own SQLite file),
run as threads in ``--workers`` client processes, so the clients' Python does not all queue
behind one GIL. Every kiosk syncs ``--interval`` seconds after its last round ended (5 s, as
the kiosk's SyncLoop does).

The day, in phases:

1. the morning: 200 children arrive at the 50 doors, each arrival acknowledged by staff about
   two minutes later, and 5% collected early (request, then collection): 420 events. A real
   45-minute morning is compressed into ``--morning`` seconds (60 s: 45 times faster), while the
   rounds keep their real pace, so the hub sees the real number of requests per second and each
   round carries 45 times the events it would (still under one event a round on average);
2. the afternoon, in one round per door: the other collections, except 50 children collected at
   a door that has been offline since opening;
3. catch-up: that door comes back with 100 events of its own to push and the day's events to
   pull; and a new kiosk makes its first sync (all the people data, and the events from the
   hub's starting point: today and what is still open), beside another new kiosk that pulls
   every event ever recorded, as a new kiosk did before starting points (``--history DAYS`` or
   ``--years N`` put that many days of past events on the hub first);
4. saturation: every kiosk syncing flat out (a full round, each with an arrival to push, no
   pause), then every kiosk only pushing batches of 20, flat out.

Figures: p50 / p95 / max of each round and of each HTTP request, events/s stored, the hub's CPU,
any HTTP error and any exception the hub logged. At the end, with everything stopped, every
door pulls once more and the benchmark counts the day's events some door does not hold (must
be 0: a door that misses another door's event has a wrong picture of who is on site).

    python -m benchmarks.sync                          # SQLite hub (--db sqlite)
    python -m benchmarks.sync --db postgresql://postgres@127.0.0.1/postgres
    python -m benchmarks.sync --quick                  # 4 kiosks, a few seconds (smoke test)
    python -m benchmarks.sync --years 7                # a new door's first sync after 7 years
    python -m benchmarks.sync --rounds three one       # a round as three calls, then as one

A round is one request (``POST /round``: the outbox's batch out, both pages back) unless
``--rounds three`` makes the doors sync as they did before it, and as they do with a hub from
before it: push, pull people, pull events, one after another.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time as dt_time
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from admin.office.pairing import pairing_code_hash
from benchmarks.nursery_data import LONDON, build
from benchmarks.scratch import scratch_database
from benchmarks.sync_checks import (
    FirstSync,
    Holdings,
    check_holdings,
    events_above,
    first_sync,
    stream_top,
)
from db.clock import at_local, utc_now
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Event, Kiosk, Staff
from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.sync.pairing import LIMITS, pinned_context

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a scratch hub
REAL_MORNING = 45 * 60.0  # seconds: 200 children arrive within 45 minutes
ACK_AFTER = 120.0  # real seconds from an arrival to staff acknowledging it
EARLY_COLLECTIONS = 0.05  # of the children, collected before the morning is over
OFFLINE_COLLECTIONS = 50  # children collected at the door that was offline all day
PUSH_BATCH = 20  # events per push when pushing flat out
PHASES = ("morning", "afternoon", "flat out", "push only")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class TimedTransport(httpx.HTTPTransport):
    """Times every request to the end of its body, by operation, and counts the statuses."""

    def __init__(self, certificate: str | None = None) -> None:
        # Over HTTPS each door trusts only the certificate it pinned at pairing, as a kiosk does.
        # And it keeps its connection between rounds as a kiosk does (kiosk/sync/pairing.py).
        verify = pinned_context(certificate) if certificate else True
        super().__init__(verify=verify, limits=LIMITS)
        self.samples: dict[str, list[float]] = {}
        self.statuses: Counter[str] = Counter()
        self.busy = 0.0  # seconds spent in requests, all told
        self.last_end = time.perf_counter()
        self.failures: list[str] = []  # each failed request, with how long it came after the last

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        name = f"{request.method} {request.url.path.removeprefix('/api/v1')}"
        try:
            response = super().handle_request(request)
            response.read()
        except httpx.HTTPError as exc:
            idle = started - self.last_end
            self.failures.append(f"{name} after {idle:.3f} s idle: {exc!r}")
            raise
        finally:
            self.last_end = time.perf_counter()
        took = self.last_end - started
        self.busy += took
        self.samples.setdefault(name, []).append(took)
        self.statuses[f"{name} {response.status_code}"] += 1
        return response

    def take(self) -> tuple[dict[str, list[float]], Counter[str]]:
        samples, statuses = self.samples, self.statuses
        self.samples, self.statuses = {}, Counter()
        return samples, statuses


@dataclass(frozen=True)
class Step:
    """One event a door records at ``at`` seconds into the morning (or in the afternoon)."""

    at: float
    door: int
    uuid: str
    type: EventType
    child: int
    adult: int | None = None
    staff: int | None = None
    ref: str | None = None

    def record(self, device: str) -> EventRecord:
        return EventRecord(
            uuid=self.uuid,
            type=self.type,
            occurred_at=utc_now(),
            device=device,
            child_id=self.child,
            adult_id=self.adult,
            staff_id=self.staff,
            ref=self.ref,
            payload={"method": "card"} if self.type == EventType.COLLECTION_REQUESTED else {},
        )


def _collection(at: float, door: int, child: int, adult: int, staff: int) -> list[Step]:
    request = str(uuid4())
    return [
        Step(at, door, request, EventType.COLLECTION_REQUESTED, child, adult),
        Step(
            at + 0.01, door, str(uuid4()), EventType.CHILD_COLLECTED, child, adult, staff, request
        ),
    ]


@dataclass(frozen=True)
class Day:
    morning: list[Step]
    afternoon: list[Step]
    offline: list[Step]  # the offline door's own day: its collections


def plan_day(
    parents: dict[int, list[int]], staff: list[int], doors: int, morning: float, seed: int = 11
) -> Day:
    rng = random.Random(seed)
    scale = morning / REAL_MORNING
    steps: list[Step] = []
    arrived_at: dict[int, tuple[float, int]] = {}
    for child, adults in parents.items():
        # Busiest in the middle of the morning; the last acknowledgement well before its end.
        at = rng.triangular(0, morning * 0.85, morning * 0.45)
        door, adult = rng.randrange(doors), rng.choice(adults)
        arrival = str(uuid4())
        steps.append(Step(at, door, arrival, EventType.CHILD_ARRIVED, child, adult))
        ack = at + ACK_AFTER * scale
        steps.append(
            Step(
                ack, door, str(uuid4()), EventType.ARRIVAL_ACKNOWLEDGED, child,
                staff=rng.choice(staff), ref=arrival,
            )
        )  # fmt: skip
        arrived_at[child] = (ack, door)
    children = list(parents)
    rng.shuffle(children)
    early = children[: max(1, round(len(children) * EARLY_COLLECTIONS))]
    offline = children[len(early) : len(early) + OFFLINE_COLLECTIONS]
    later = children[len(early) + len(offline) :]
    for child in early:
        ack, _ = arrived_at[child]
        at = rng.uniform(ack, morning * 0.95)
        steps += _collection(
            at, rng.randrange(doors), child, rng.choice(parents[child]), rng.choice(staff)
        )
    afternoon = [
        step
        for child in later
        for step in _collection(
            0, rng.randrange(doors), child, rng.choice(parents[child]), rng.choice(staff)
        )
    ]
    offline_steps = [
        step
        for child in offline
        for step in _collection(0, -1, child, rng.choice(parents[child]), rng.choice(staff))
    ]
    steps.sort(key=lambda s: s.at)
    return Day(steps, afternoon, offline_steps)


@dataclass
class Plan:
    """What one client process does: its kiosks and their day."""

    hub: str
    certificate: str | None  # what the doors pinned at pairing; None for a plain-HTTP hub
    tokens: list[tuple[str, str]]  # (device, token)
    morning_steps: list[Step]  # door = index among this worker's kiosks
    afternoon_steps: list[Step]
    parents: dict[int, list[int]]
    staff: list[int]
    interval: float
    morning: float
    saturation: float
    folder: str
    three_calls: bool = False  # a round as three requests, as before POST /round


@dataclass
class Figures:
    """Per phase: round times, request times by operation, HTTP statuses, events pushed and
    pulled, rounds made; and what went wrong."""

    rounds: dict[str, list[float]] = field(default_factory=dict)
    own: dict[str, list[float]] = field(default_factory=dict)  # a round's time not in HTTP
    requests: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    pushed: Counter[str] = field(default_factory=Counter)
    pulled: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # rounds or pushes that failed
    failures: list[str] = field(default_factory=list)  # the HTTP requests that failed them
    client_cpu: dict[str, float] = field(default_factory=dict)  # a process's CPU seconds

    def add(self, other: Figures) -> None:
        _merge(self.rounds, other.rounds)
        _merge(self.own, other.own)
        for phase, by_name in other.requests.items():
            _merge(self.requests.setdefault(phase, {}), by_name)
        self.statuses.update(other.statuses)
        self.pushed.update(other.pushed)
        self.pulled.update(other.pulled)
        self.errors += other.errors
        self.failures += other.failures


def _merge(into: dict[str, list[float]], more: dict[str, list[float]]) -> None:
    for name, values in more.items():
        into.setdefault(name, []).extend(values)


class Door:
    """One simulated kiosk: its store, its sync client, its timings."""

    def __init__(self, plan: Plan, index: int) -> None:
        from kiosk.store.local import KioskStore
        from kiosk.sync import SyncClient

        self.device, token = plan.tokens[index]
        self.store = KioskStore(str(Path(plan.folder) / f"{self.device}.db"), device=self.device)
        self.transport = TimedTransport(plan.certificate)
        self.http = httpx.Client(transport=self.transport, timeout=60)
        self.client = SyncClient(self.store, plan.hub, token, clock=utc_now, http=self.http)
        if plan.three_calls:
            self.client.rounds_after = math.inf
        self.figures = Figures()

    def sync(self, phase: str, *, timed: bool = True) -> None:
        began, busy = time.perf_counter(), self.transport.busy
        try:
            result = self.client.sync_once()
        except Exception as exc:
            self._failed(phase, exc)
            return
        if timed:
            took = time.perf_counter() - began
            self.figures.rounds.setdefault(phase, []).append(took)
            self.figures.own.setdefault(phase, []).append(took - self.transport.busy + busy)
        self.figures.pushed[phase] += result.pushed
        self.figures.pulled[phase] += len(result.events)

    def push(self, phase: str) -> None:
        try:
            self.figures.pushed[phase] += self.client.push()
        except Exception as exc:
            self._failed(phase, exc)

    def _failed(self, phase: str, exc: Exception) -> None:
        """A round or push that failed, with the HTTP requests that failed it."""
        self.figures.errors.append(f"{self.device} {phase}: {exc!r}")
        self.figures.failures += [f"{self.device}: {f}" for f in self.transport.failures]
        self.transport.failures.clear()

    def end_phase(self, phase: str) -> None:
        samples, statuses = self.transport.take()
        _merge(self.figures.requests.setdefault(phase, {}), samples)
        self.figures.statuses.update(statuses)

    def close(self) -> None:
        self.http.close()
        self.store.close()


def _pair_of_events(device: str, parents: dict[int, list[int]], staff: list[int]) -> list[Any]:
    """An arrival and its acknowledgement, for a random child by one of its carers."""
    child = random.choice(list(parents))
    arrival = Step(
        0, 0, str(uuid4()), EventType.CHILD_ARRIVED, child, random.choice(parents[child])
    )
    ack = Step(
        0, 0, str(uuid4()), EventType.ARRIVAL_ACKNOWLEDGED, child,
        staff=random.choice(staff), ref=arrival.uuid,
    )  # fmt: skip
    return [arrival.record(device), ack.record(device)]


def _worker(plan: Plan, results: Any, ready: Any, go: Sequence[Any], start: Any) -> None:
    """A client process: its kiosks as threads, phase by phase at the parent's signal."""
    # Made one after another: each runs its migrations, and Alembic is not thread-safe.
    doors = [Door(plan, i) for i in range(len(plan.tokens))]
    synced = threading.Barrier(len(doors) + 1)

    def morning(index: int, door: Door) -> None:
        mine = [s for s in plan.morning_steps if s.door == index]
        began = start.value
        # Doors started at different times: their rounds are spread over the interval.
        next_round = began + plan.interval * index / max(1, len(doors))
        end = began + plan.morning
        while (now := time.monotonic()) < end:
            due = [s for s in mine if began + s.at <= now]
            if due:
                door.store.append([s.record(door.device) for s in due])
                mine = mine[len(due) :]
            if now >= next_round:
                door.sync("morning")
                # As the kiosk's SyncLoop: the next round an interval after this one ended.
                next_round = time.monotonic() + plan.interval
                continue
            # Asleep until the next thing to do: fifty busy threads would starve the hub.
            wake = [next_round, end] + ([began + mine[0].at] if mine else [])
            time.sleep(max(0.0, min(wake) - time.monotonic()))
        if mine:  # only if the door fell behind: recorded now, pushed in the afternoon
            door.store.append([s.record(door.device) for s in mine])

    def afternoon(index: int, door: Door) -> None:
        door.store.append([s.record(door.device) for s in plan.afternoon_steps if s.door == index])
        door.sync("afternoon", timed=False)

    def flat_out(index: int, door: Door) -> None:
        end = start.value + plan.saturation
        while time.monotonic() < end:
            door.store.append(_pair_of_events(door.device, plan.parents, plan.staff))
            door.sync("flat out")

    def push_only(index: int, door: Door) -> None:
        end = start.value + plan.saturation
        while time.monotonic() < end:
            door.store.append(
                [
                    e
                    for _ in range(PUSH_BATCH // 2)
                    for e in _pair_of_events(door.device, plan.parents, plan.staff)
                ]
            )
            door.push("push only")

    work: dict[str, Callable[[int, Door], None]] = {
        "morning": morning,
        "afternoon": afternoon,
        "flat out": flat_out,
        "push only": push_only,
    }

    def kiosk(index: int, door: Door) -> None:
        door.sync("first", timed=False)  # the people data: before the morning, not timed
        door.end_phase("first")
        for name in PHASES:
            synced.wait()  # this kiosk is done with the phase before
            synced.wait()  # the parent started this one
            try:
                work[name](index, door)
            except Exception as exc:
                door.figures.errors.append(f"{door.device} {name}: {exc!r}")
            door.end_phase(name)
        synced.wait()
        door.close()

    threads = [threading.Thread(target=kiosk, args=(i, d)) for i, d in enumerate(doors)]
    for thread in threads:
        thread.start()
    cpu: dict[str, float] = {}
    mark, previous = 0.0, ""
    for name, phase in zip(PHASES, go, strict=True):
        synced.wait()  # every kiosk of this worker finished the phase before
        if previous:
            cpu[previous] = time.process_time() - mark
        ready.put(True)
        phase.wait()
        mark, previous = time.process_time(), name
        synced.wait()
    synced.wait()
    cpu[previous] = time.process_time() - mark
    for thread in threads:
        thread.join()
    total = Figures()
    for door in doors:
        total.add(door.figures)
    total.client_cpu = cpu
    results.put(total)


class HubProcess:
    """``handover hub`` as the office runs it, on a free port, with its log in a file."""

    def __init__(self, url: str, log: Path, *, https: bool = False) -> None:
        self.port = _free_port()
        self.base = f"{'https' if https else 'http'}://127.0.0.1:{self.port}"
        # The hub's signing key goes beside its log, in the benchmark's own folder.
        env = {**os.environ, "HANDOVER_SECRET_KEY": SECRET, "HANDOVER_DATA_DIR": str(log.parent)}
        command = [sys.executable, "-m", "handover", "hub", "--db", url, "--port", str(self.port)]
        if not https:  # as the figures before issue 13 were measured
            command.append("--insecure-http")
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # Not yet paired, so nothing to pin: up is all this asks.
                answer = httpx.get(f"{self.base}/api/v1/openapi.json", timeout=1, verify=False)  # noqa: S501
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the hub did not start:\n{log.read_text()}")

    def cpu_seconds(self) -> float:
        """User + system CPU time the hub process used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _prepare(
    url: str, kiosks: int, children: int, history: int
) -> tuple[list[str], dict[int, list[int]], list[int]]:
    """The nursery (children, three carers each, staff), ``history`` days of its past events
    but none yet today, and a kiosk with a pairing code for each door."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    codes = [f"BNCH-{i:04d}-SYNC" for i in range(kiosks)]
    with session_factory(engine)() as db:
        nursery = build(db, children=children, days=history)
        # build() opens today with arrivals: the benchmark makes today's events itself.
        midnight = at_local(nursery.today, dt_time(0, 0), LONDON)
        db.execute(delete(Event).where(Event.occurred_at >= midnight))
        add_doors(db, codes)
        db.commit()
        staff = list(db.scalars(select(Staff.id)))
    engine.dispose()
    return codes, nursery.parents_of_child, staff


def add_doors(db: Session, codes: Sequence[str]) -> None:
    """A kiosk waiting to be paired for each code, as the office makes them."""
    expires = utc_now() + timedelta(hours=2)
    for i, code in enumerate(codes):
        db.add(
            Kiosk(
                name=f"Door {i}",
                pairing_code_hash=pairing_code_hash(code),
                pairing_expires_at=expires,
            )
        )


def _pair(hub: str, codes: Sequence[str], folder: Path | None = None) -> list[tuple[str, str]]:
    """The doors' tokens from :func:`pair_doors`, for a plain-HTTP hub."""
    return pair_doors(hub, codes, folder)[0]


def pair_doors(
    hub: str, codes: Sequence[str], folder: Path | None = None
) -> tuple[list[tuple[str, str]], str | None]:
    """Each door paired as a kiosk pairs (the code proven, never sent; a new key, kept beside
    its database in ``folder``, where its store finds it to sign what it sends; a door that
    only pulls needs no folder). Returns the tokens and the certificate the doors pinned."""
    from kiosk.store.door_key import key_path, new_door_key, save_door_key
    from kiosk.sync.pairing import pair_with_hub

    tokens, pinned = [], None
    for i, code in enumerate(codes):
        device, signer = f"door-{i}", new_door_key()
        pairing = pair_with_hub(hub, code=code, device=device, public_key=signer.public)
        if folder is not None:
            save_door_key(key_path(folder / f"{device}.db"), signer)
        tokens.append((device, pairing.token))
        pinned = pairing.certificate
    return tokens, pinned


def _events_on_hub(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as db:
        count = db.scalar(select(func.count()).select_from(Event)) or 0
    engine.dispose()
    return int(count)


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of them at or below it."""
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def _ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    ordered = sorted(values)
    return (
        f"p50 {percentile(ordered, 0.5) * 1000:7.1f}   p95 {percentile(ordered, 0.95) * 1000:7.1f}"
        f"   max {ordered[-1] * 1000:7.1f} ms   (n={len(ordered)})"
    )


@dataclass
class CatchUp:
    seconds: float
    pushed: int
    pulled: int
    requests: dict[str, list[float]]


def _catch_up(door: Door, steps: list[Step]) -> CatchUp:
    """A kiosk back from a day offline: what it recorded meanwhile is pushed, the day is
    pulled. Timed to the end of its sync_once."""
    door.store.append([s.record(door.device) for s in steps])
    door.transport.take()
    began = time.perf_counter()
    result = door.client.sync_once()
    took = time.perf_counter() - began
    samples, _ = door.transport.take()
    return CatchUp(took, result.pushed, len(result.events), samples)


def run(url: str, args: argparse.Namespace, *, https: bool, three_calls: bool = False) -> Report:
    # Three more kiosks: the one offline since opening, and two new ones paired at the end of
    # the day (one starts from the hub's starting point, one pulls every event, as before).
    codes, parents, staff = _prepare(url, args.kiosks + 3, args.children, args.history)
    with tempfile.TemporaryDirectory(prefix="handover-sync-bench-") as tmp:
        folder = Path(tmp)
        hub = HubProcess(url, folder / "hub.log", https=https)
        try:
            return _run(url, args, folder, hub, codes, parents, staff, three_calls=three_calls)
        finally:
            hub.stop()


def _run(
    url: str,
    args: argparse.Namespace,
    folder: Path,
    hub: HubProcess,
    codes: list[str],
    parents: dict[int, list[int]],
    staff: list[int],
    *,
    three_calls: bool,
) -> Report:
    tokens, pinned = pair_doors(hub.base, codes, folder)
    doors, (offline_token, new_token, all_token) = tokens[:-3], tokens[-3:]
    day = plan_day(parents, staff, len(doors), args.morning)
    workers = min(args.workers, len(doors))
    context = multiprocessing.get_context("spawn")
    results, ready = context.Queue(), context.Queue()
    go = [context.Event() for _ in PHASES]
    start = context.Value("d", 0.0)
    processes = []
    for w in range(workers):
        local = {door: i for i, door in enumerate(range(w, len(doors), workers))}

        def mine(steps: list[Step], local: dict[int, int] = local) -> list[Step]:
            return [
                Step(s.at, local[s.door], s.uuid, s.type, s.child, s.adult, s.staff, s.ref)
                for s in steps
                if s.door in local
            ]

        plan = Plan(
            hub=hub.base,
            certificate=pinned,
            tokens=[doors[i] for i in local],
            morning_steps=mine(day.morning),
            afternoon_steps=mine(day.afternoon),
            parents=parents,
            staff=staff,
            interval=args.interval,
            morning=args.morning,
            saturation=args.saturation,
            folder=str(folder),
            three_calls=three_calls,
        )
        processes.append(
            context.Process(target=_worker, args=(plan, results, ready, go, start), daemon=True)
        )
    extra = Plan(
        hub.base, pinned, [offline_token, new_token], [], [], parents, staff, 0, 0, 0,
        str(folder), three_calls,
    )  # fmt: skip
    offline = Door(extra, 0)
    offline.sync("first", timed=False)  # at opening; then it loses the network for the day

    before, top = _events_on_hub(url), stream_top(url)
    load = os.getloadavg()[0]
    for process in processes:
        process.start()
    began: dict[str, float] = {}
    cpu_at: dict[str, float] = {}
    elapsed: dict[str, float] = {}
    hub_cpu: dict[str, float] = {}
    catch_ups: dict[str, CatchUp] = {}
    for index, name in enumerate(PHASES):
        for _ in processes:  # every kiosk finished the phase before
            ready.get(timeout=args.morning + 900)
        if index:
            previous = PHASES[index - 1]
            elapsed[previous] = time.monotonic() - began[previous]
            hub_cpu[previous] = hub.cpu_seconds() - cpu_at[previous]
        if name == "flat out":  # the day is over at every door, which waits: the catch-ups
            catch_ups["offline"] = _catch_up(offline, day.offline)
            catch_ups["new"] = _catch_up(Door(extra, 1), [])
            everything = first_sync(
                hub.base, folder, *all_token, everything=True, certificate=pinned
            )
        start.value = began[name] = time.monotonic() + 0.2
        cpu_at[name] = hub.cpu_seconds()
        go[index].set()
    gathered: list[Figures] = [
        results.get(timeout=args.morning + 2 * args.saturation + 900) for _ in processes
    ]
    last = PHASES[-1]
    elapsed[last] = time.monotonic() - began[last]
    hub_cpu[last] = hub.cpu_seconds() - cpu_at[last]
    for process in processes:
        process.join(30)
    total = Figures()
    for figures in gathered:
        total.add(figures)
    offline.close()
    every_door = [*doors, offline_token, new_token, all_token]
    holdings = check_holdings(
        hub.base, folder, every_door, events_above(url, top), certificate=pinned
    )
    finished = Report(
        engine=engine_name(url),
        scheme=hub.base.split(":", 1)[0],
        args=args,
        workers=workers,
        day=day,
        figures=total,
        client_cpu=[f.client_cpu for f in gathered],
        elapsed=elapsed,
        hub_cpu=hub_cpu,
        catch_ups=catch_ups,
        everything=everything,
        holdings=holdings,
        stored=_events_on_hub(url) - before,
        hub_log=hub.log,
        load=(load, os.getloadavg()[0]),
        three_calls=three_calls,
    )
    report(finished)
    return finished


@dataclass
class Report:
    engine: str
    scheme: str  # http or https: how the doors reached the hub
    args: argparse.Namespace
    workers: int
    day: Day
    figures: Figures
    client_cpu: list[dict[str, float]]
    elapsed: dict[str, float]
    hub_cpu: dict[str, float]
    catch_ups: dict[str, CatchUp]
    everything: FirstSync  # a new kiosk that pulled every event ever recorded
    holdings: Holdings
    stored: int
    hub_log: Path
    load: tuple[float, float]  # the 1-minute load average before and after: others' work shows
    three_calls: bool = False  # a round as three requests, as before POST /round

    @property
    def round_kind(self) -> str:
        return "push + people + events" if self.three_calls else "one request"


def _requests(figures: dict[str, list[float]], indent: str = "    ") -> None:
    for name in ("POST /round", "POST /events", "GET /people", "GET /events/start", "GET /events"):
        if name in figures:
            print(f"{indent}{name:<38}{_ms(figures[name])}")


def report(r: Report) -> None:
    args, f = r.args, r.figures
    kiosks = args.kiosks
    squeeze = REAL_MORNING / args.morning
    morning_events = len(r.day.morning)
    print(
        f"{r.engine} hub over {r.scheme.upper()}; {kiosks} kiosks as threads in {r.workers} "
        "client processes, each "
        f"syncing every {args.interval:g} s (load average before/after: {r.load[0]:.1f} / "
        f"{r.load[1]:.1f} on {os.cpu_count()} cores)\n"
        f"the 45-minute morning ({args.children} arrivals, {morning_events} events) in "
        f"{args.morning:g} s: {squeeze:.0f}x compressed; rounds at the real pace; a round: "
        f"{r.round_kind}"
    )

    def cpu(phase: str) -> str:
        clients = sum(c.get(phase, 0.0) for c in r.client_cpu)
        hub = r.hub_cpu[phase]
        took, rounds = r.elapsed[phase], max(1, len(f.rounds.get(phase, [])))
        # Per round: the steadier measure on a shared machine, where waits swing with its load.
        per_round = (
            f"; a round: hub {hub / rounds * 1000:.1f} ms, kiosk {clients / rounds * 1000:.1f} ms"
        )
        return f"CPU: hub {hub / took:.0%} of a core, kiosk processes {clients / took:.0%}" + (
            per_round if phase != "push only" else ""
        )

    rounds = f.rounds.get("morning", [])
    print(f"  morning ({len(rounds) / args.morning:.1f} rounds/s; {cpu('morning')})")
    print(f"    {f'sync round ({r.round_kind})':<38}{_ms(rounds)}")
    print(f"    {'  of which the kiosk itself':<38}{_ms(f.own.get('morning', []))}")
    _requests(f.requests.get("morning", {}))
    pushed = f.pushed["morning"]
    real = morning_events / REAL_MORNING
    print(
        f"    events/s stored in the morning      {pushed / args.morning:7.1f}   ({pushed} of "
        f"{morning_events} by its end; a real morning: {real:.2f}/s)"
    )
    print(
        f"    events pulled by the doors          {f.pulled['morning']:7d}   "
        f"({f.pulled['morning'] / max(1, len(rounds)):.1f} a round)"
    )
    print(
        f"  afternoon: one round a door; {f.pushed['afternoon']} collections' events pushed, "
        f"{f.pulled['afternoon']} pulled"
    )
    old, new = r.catch_ups["offline"], r.catch_ups["new"]
    print(
        f"  catch-up after a day offline        {old.seconds:7.2f} s   (synced at opening; "
        f"pushed {old.pushed}, pulled {old.pulled} events; target < 5 s)"
    )
    _requests(old.requests, "      ")
    print(
        f"  catch-up of a new kiosk             {new.seconds:7.2f} s   (first sync: the people "
        f"of {args.children} children, {new.pulled} events; {args.history} days of history; "
        "target < 2 s)"
    )
    _requests(new.requests, "      ")
    print(
        f"    before starting points: {r.everything.seconds:7.2f} s   (the same first sync "
        f"pulling every event: {r.everything.events})"
    )
    rounds = f.rounds.get("flat out", [])
    print(
        f"  flat out, every kiosk syncing without pause ({cpu('flat out')})\n"
        f"    {len(rounds) / args.saturation:.1f} rounds/s (the morning needs "
        f"{kiosks / args.interval:g}), {f.pushed['flat out'] / args.saturation:.0f} events/s "
        f"stored, {f.pulled['flat out'] / args.saturation:.0f} events/s pulled"
    )
    print(f"    {f'sync round ({r.round_kind})':<38}{_ms(rounds)}")
    print(f"    {'  of which the kiosk itself':<38}{_ms(f.own.get('flat out', []))}")
    _requests(f.requests.get("flat out", {}))
    print(
        f"  events/s at saturation, push only   {f.pushed['push only'] / args.saturation:7.0f}"
        f"   (batches of {PUSH_BATCH}; {cpu('push only')})"
    )
    _requests(f.requests.get("push only", {}))
    pushed_total = sum(f.pushed.values()) + old.pushed
    bad = {k: v for k, v in f.statuses.items() if not k.endswith(" 200")}
    log = r.hub_log.read_text(errors="replace")
    print(
        f"  hub stored {r.stored} events (kiosks pushed {pushed_total}); "
        f"HTTP errors: {sum(bad.values())} {dict(bad) or ''}; errors: {len(f.errors)}"
    )
    for error in f.errors[:5]:
        print(f"    {error}")
    for failure in f.failures[:5]:
        print(f"      {failure}")
    h = r.holdings
    print(
        f"  every door holds every other door's events: {h.missing} missing at {h.short} of "
        f"{h.doors} doors (must be 0); last pull failed at {h.unchecked}"
    )
    if "Traceback" in log or "ERROR" in log:
        # The first one in full: the log's tail is mostly the requests that came after it.
        first = log.index("Traceback") if "Traceback" in log else log.index("ERROR")
        print(f"  the hub logged {log.count('Traceback')} exceptions; the first:")
        print(log[max(0, first - 300) : first + 2700])


def engine_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db",
        default="sqlite",
        metavar="sqlite|URL",
        help="the hub's database: sqlite (a scratch file), or a PostgreSQL server's URL, on "
        "which a scratch database is made and dropped",
    )
    parser.add_argument("--postgres", metavar="URL", help="the same as --db URL")
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="client processes for the kiosks")
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")
    parser.add_argument(
        "--morning", type=float, default=60.0, help="seconds for the 45-minute morning"
    )
    parser.add_argument("--saturation", type=float, default=15.0, help="seconds of each flat out")
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="DAYS",
        help="days of past events on the hub (a new kiosk's first sync pulls them all)",
    )
    parser.add_argument(
        "--years", type=int, default=0, help="years of past events (the same as --history 365N)"
    )
    parser.add_argument("--quick", action="store_true", help="4 kiosks, 12 children, seconds")
    parser.add_argument(
        "--over",
        nargs="+",
        choices=("https", "http"),
        default=["https"],
        help="how the doors reach the hub: https (the default, as installed), http (the hub "
        "run with --insecure-http, as measured before issue 13), or both in turn",
    )
    parser.add_argument(
        "--rounds",
        nargs="+",
        choices=("one", "three"),
        default=["one"],
        help="how a door makes a round: one request (POST /round, the default), three (push, "
        "people, events, as before it and with a hub from before it), or both in turn",
    )
    if "--quick" in sys.argv[1:]:  # its smaller defaults; what is given explicitly still wins
        parser.set_defaults(kiosks=4, workers=2, children=12, interval=1.0, morning=3.0)
        parser.set_defaults(saturation=1.0)
    args = parser.parse_args()
    args.history = max(args.history, 365 * args.years)
    server = args.postgres or (None if args.db == "sqlite" else args.db)
    finished = []
    for scheme in args.over:  # one after the other, in one run: this machine's load drifts
        for rounds in args.rounds:
            with scratch_database(server) as url:
                three = rounds == "three"
                finished.append(run(url, args, https=scheme == "https", three_calls=three))
    if len(finished) > 1:
        side_by_side(finished)


def side_by_side(reports: Sequence[Report]) -> None:
    """The runs of this invocation, one line each: a whole round, the kiosk's own write in
    it, and the machine's load while it ran."""
    print("\nside by side (a whole round including the kiosk's own writing, p50 / p95 / max):")
    for r in reports:
        print(f"  {r.engine}, {r.scheme.upper()}, a round as {r.round_kind}:")
        for phase in ("morning", "flat out"):
            rounds = r.figures.rounds.get(phase, [])
            print(f"    {phase:<12}{_ms(rounds)}")
        print(f"    load average before/after: {r.load[0]:.1f} / {r.load[1]:.1f}")


if __name__ == "__main__":
    main()
