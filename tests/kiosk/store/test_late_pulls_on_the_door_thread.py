"""The door thread folds another door's day that reaches it late as the office folds it (issue
11, point 1): pulled in the order door A recorded it, after this door's afternoon handover, and
again from the store when the kiosk starts."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.door.decisions import new_event
from kiosk.service import KioskService
from kiosk.store.local import KioskStore
from tests.factories import handed_over_unseen

MIA, KIRSTY, SASKIA = 7, 70, 700


def _at(hour: int) -> datetime:
    return datetime(2026, 11, 23, hour, 0, tzinfo=UTC)


def _front_door(kind: EventType, hour: int) -> EventRecord:
    return new_event(kind, now=_at(hour), device="front-door", child_id=MIA, adult_id=KIRSTY)


def test_the_front_doors_day_pulled_after_the_back_doors_handover_leaves_nobody_on_site(
    tmp_path: Path,
) -> None:
    store = KioskStore(str(tmp_path / "kiosk.db"), device="garden-door")
    service = KioskService(store, device="garden-door", clock=lambda: _at(16))
    handover = handed_over_unseen(child_id=MIA, adult_id=KIRSTY, staff_id=SASKIA, now=_at(15))
    day = [
        handover,
        _front_door(EventType.CHILD_ARRIVED, 8),
        _front_door(EventType.CHILD_COLLECTED, 12),
        _front_door(EventType.CHILD_ARRIVED, 13),
    ]
    for cursor, event in enumerate(day, start=1):  # one sync round each, as the hub sends them
        fresh = store.receive([event], cursor=cursor)
        service.run(partial(service.pulled, fresh, people_changed=False)).result(10)

    shown = service.snapshot.timeline
    assert not shown.on_site, "Mia went home at 15:00: no screen may show her on site"
    assert [(s.arrived_at, s.departed_at) for s in shown.stays[MIA]] == [
        (_at(8), _at(12)),
        (_at(13), _at(15)),
    ]
    service.shutdown()

    again = KioskService(
        KioskStore(str(tmp_path / "kiosk.db"), device="garden-door"),
        device="garden-door",
        clock=lambda: _at(16),
    )
    assert again.snapshot.timeline.stays == shown.stays
    again.shutdown()
