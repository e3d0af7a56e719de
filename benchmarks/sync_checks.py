"""What the sync benchmark checks after its day: that no door missed another's event, and how a
new door's first sync compares with one that pulls every event ever recorded."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine
from db.models import Event
from kiosk.sync.pairing import hub_client


def events_above(url: str, seq: int) -> set[str]:
    """The UUIDs of the hub's events above ``seq``: the day the benchmark made."""
    engine = make_engine(url)
    with engine.connect() as db:
        found = set(db.scalars(select(Event.uuid).where(Event.seq > seq)))
    engine.dispose()
    return found


def stream_top(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as db:
        top = db.scalar(select(Event.seq).order_by(Event.seq.desc()).limit(1))
    engine.dispose()
    return int(top or 0)


@dataclass(frozen=True)
class Holdings:
    doors: int
    missing: int  # events of the day that some door does not hold, summed over the doors
    short: int  # doors missing at least one
    unchecked: int  # doors whose last pull failed (the hub did not answer): counted as short


def check_holdings(
    hub: str,
    folder: Path,
    tokens: list[tuple[str, str]],
    day: set[str],
    *,
    certificate: str | None = None,
) -> Holdings:
    """Every door, after one last pull with everything stopped, against the hub's day."""
    from kiosk.store.local import KioskStore
    from kiosk.sync import HubRefused, HubUnavailable, SyncClient

    missing = short = unchecked = 0
    with hub_client(certificate, timeout=httpx.Timeout(120)) as http:
        for device, token in tokens:
            store = KioskStore(str(folder / f"{device}.db"), device=device)
            try:
                SyncClient(store, hub, token, clock=utc_now, http=http).pull_events()
            except (HubUnavailable, HubRefused):
                unchecked += 1  # what it holds is still counted below
            try:
                with store.sessions() as session:
                    held = set(session.scalars(select(Event.uuid)))
            finally:
                store.close()
            lacking = len(day - held)
            missing += lacking
            short += lacking > 0
    return Holdings(len(tokens), missing, short, unchecked)


@dataclass(frozen=True)
class FirstSync:
    seconds: float
    events: int


def first_sync(
    hub: str,
    folder: Path,
    device: str,
    token: str,
    *,
    everything: bool,
    certificate: str | None = None,
) -> FirstSync:
    """A new door's first full round, timed: from the starting point, or (as before it) every
    event since the nursery began."""
    from kiosk.store.local import KioskStore
    from kiosk.sync import SyncClient

    store = KioskStore(str(folder / f"{device}.db"), device=device)
    try:
        with hub_client(certificate, timeout=httpx.Timeout(600)) as http:
            client = SyncClient(store, hub, token, clock=utc_now, http=http)
            client.from_starting_point = not everything
            began = time.perf_counter()
            result = client.sync_once()
            took = time.perf_counter() - began
    finally:
        store.close()
    return FirstSync(took, len(result.events))
