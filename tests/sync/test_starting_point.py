"""A new door starts from today and what is still open, not from the nursery's first day, and
decides exactly as a door that pulled every event ever recorded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.events import RECORD_COLUMNS, append_events, to_records
from db.models import Event
from db.timeline import EventRecord, Timeline
from db.vocabulary import EventType, Reason, Severity
from kiosk.door import Door
from kiosk.door.collection import ByCard, ByChosenAdult
from kiosk.sync import SyncClient
from tests.sync.nursery import Hub, Nursery, held, new_doors

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Past:
    old_day: set[str]  # a stay ten days ago, and an alert raised and resolved then
    open_alert: str  # raised eight days ago, acknowledged, never resolved


def _event(kind: EventType, at: datetime, nursery: Nursery, **more: Any) -> EventRecord:
    fields: dict[str, Any] = {"child_id": nursery.child_id, "device": "door-9", **more}
    return EventRecord(uuid=str(uuid4()), type=kind, occurred_at=at, **fields)


def _alert(at: datetime, nursery: Nursery, reason: Reason) -> EventRecord:
    payload = {"reason": reason.value, "severity": Severity.HIGH.value}
    return _event(EventType.ALERT_RAISED, at, nursery, adult_id=nursery.adult_id, payload=payload)


def _record_history(nursery: Nursery, now: datetime) -> Past:
    """Years in miniature: an old day, an old alert resolved, an old alert still open, and a
    morning in progress with a lockout building up and a collection waiting for staff."""
    ago = lambda days, hours=0.0: now - timedelta(days=days, hours=hours)  # noqa: E731
    arrived = _event(EventType.CHILD_ARRIVED, ago(10, 3), nursery, adult_id=nursery.adult_id)
    gone = _event(EventType.CHILD_COLLECTED, ago(10), nursery, adult_id=nursery.adult_id)
    settled = _alert(ago(10, 1), nursery, Reason.UNKNOWN_CARD)
    resolved = _event(EventType.ALERT_RESOLVED, ago(10), nursery, ref=settled.uuid, staff_id=1)
    still_open = _alert(ago(8), nursery, Reason.REVOKED_CARD)
    seen = _event(EventType.ALERT_ACKNOWLEDGED, ago(8), nursery, ref=still_open.uuid, staff_id=1)
    today = _event(EventType.CHILD_ARRIVED, ago(0, 0.5), nursery, adult_id=nursery.adult_id)
    wrong = {"reason": Reason.WRONG_PASSWORD.value}
    refusals = [
        _event(EventType.COLLECTION_REFUSED, ago(0, 0.1), nursery, payload=wrong) for _ in range(2)
    ]
    waiting = _event(EventType.COLLECTION_REQUESTED, ago(0, 0.05), nursery, adult_id=1)
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:  # as pushes would, one after another
        for event in [arrived, gone, settled, resolved, still_open, seen, today, *refusals]:
            append_events(db, [event])
            db.commit()
        append_events(db, [waiting])
        db.commit()
    engine.dispose()
    return Past({arrived.uuid, gone.uuid, settled.uuid, resolved.uuid}, still_open.uuid)


@pytest.fixture
def two_new_doors(hub: Hub, nursery: Nursery, tmp_path: Path) -> Iterator[list[SyncClient]]:
    with new_doors(nursery.url, hub.base, tmp_path, count=2) as clients:
        yield clients


def _all_events(client: SyncClient) -> list[EventRecord]:
    with client.store.sessions() as session:
        rows = session.execute(select(*(Event.__table__.c[n] for n in RECORD_COLUMNS)))
        return to_records(rows)


def _door(client: SyncClient, now: datetime) -> Door:
    store = client.store
    events = store.today(now=now, zone=LONDON)
    return Door(store.book(), policy=store.policy(), events=events, device="door-new")


def _what(decision: object) -> tuple[str, object, object]:
    """A decision without its fresh UUIDs and times: which kind, why, and for whom."""
    return (
        type(decision).__name__,
        getattr(decision, "reason", None),
        getattr(decision, "child_ids", getattr(decision, "child_id", None)),
    )


def test_a_new_door_starts_from_today_and_what_is_open_and_decides_as_one_that_read_it_all(
    hub: Hub, nursery: Nursery, two_new_doors: list[SyncClient]
) -> None:
    now = utc_now()
    past = _record_history(nursery, now)
    everything, fresh = two_new_doors
    everything.from_starting_point = False
    everything.sync_once()
    fresh.sync_once()

    assert past.old_day <= held(everything)
    assert not past.old_day & held(fresh)  # last week's day stays in the office
    assert past.open_alert in held(fresh)  # an open alert does not, however old
    open_alerts = [
        {a.uuid for a in Timeline.of(_all_events(door)).open_alerts()} for door in two_new_doors
    ]
    assert open_alerts[0] == open_alerts[1] == {past.open_alert}
    slow, quick = _door(everything, now), _door(fresh, now)
    assert quick.timeline.on_site.keys() == slow.timeline.on_site.keys() == {nursery.child_id}
    assert quick.timeline.pending_collections.keys() == slow.timeline.pending_collections.keys()
    assert len(quick.timeline.pending_collections) == 1
    since = now - timedelta(hours=1)
    failures = [d.timeline.recent_password_failures(nursery.child_id, since) for d in (slow, quick)]
    assert failures == [2, 2]
    card = [
        _what(d.read_card(nursery.card_payload, now=now, collecting=True)) for d in (slow, quick)
    ]
    by_card = ByCard(card_id=nursery.card_id, adult_id=nursery.adult_id)
    chosen = ByChosenAdult(adult_id=nursery.adult_id)
    collect = [
        (_what(d.collect(child_id=nursery.child_id, collector=c, now=now)))
        for c in (by_card, chosen)
        for d in (slow, quick)
    ]
    assert card[0] == card[1] and collect[0] == collect[1] and collect[2] == collect[3]

    # From there both doors read the same stream: an event pushed now reaches both.
    later = _event(EventType.ARRIVAL_ACKNOWLEDGED, now, nursery, staff_id=1)
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:
        append_events(db, [later])
        db.commit()
    engine.dispose()
    assert [e.uuid for e in fresh.pull_events()] == [later.uuid]
    assert [e.uuid for e in everything.pull_events()] == [later.uuid]
