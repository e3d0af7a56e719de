"""What publishing a snapshot after each write costs the door thread (kiosk/snapshot.py).

    .venv/bin/python -m benchmarks.door_snapshot

Folds a busy day (60 children in, half of them out, staff shifts, an alert each) and times one
more event landing, before (fold only, as the door did) and after (fold, then a snapshot for
the screens), in one run.
"""

from __future__ import annotations

import timeit
from datetime import UTC, datetime, timedelta

from db.timeline import EventRecord, Timeline
from db.vocabulary import EventType, Reason
from kiosk.door.book import PeopleBook
from kiosk.door.decisions import new_event
from kiosk.snapshot import DoorSnapshot

MORNING = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)


def busy_day(children: int = 60) -> list[EventRecord]:
    events = []
    for child in range(1, children + 1):
        at = MORNING + timedelta(minutes=child)
        events.append(new_event(EventType.CHILD_ARRIVED, now=at, device="front", child_id=child))
        events.append(
            new_event(
                EventType.ALERT_RAISED,
                now=at,
                device="front",
                child_id=child,
                payload={"reason": Reason.HELP_ASKED.value},
            )
        )
        if child % 2:
            later = at + timedelta(hours=8)
            events.append(
                new_event(EventType.CHILD_COLLECTED, now=later, device="front", child_id=child)
            )
    for staff in range(1, 13):
        events.append(new_event(EventType.STAFF_SIGNED_IN, now=MORNING, device="f", staff_id=staff))
    return events


def main() -> None:
    timeline = Timeline.of(busy_day())
    book = PeopleBook()
    rounds = 200

    def fold_only() -> None:
        timeline.apply(new_event(EventType.VISITOR_SIGNED_IN, now=MORNING, device="f"))

    def fold_and_publish() -> None:
        fold_only()
        DoorSnapshot.of(book, timeline, 1)

    before = timeit.timeit(fold_only, number=rounds) / rounds
    after = timeit.timeit(fold_and_publish, number=rounds) / rounds
    print(f"one event on a day of {len(timeline.on_site)} on site, {len(timeline.alerts)} alerts:")
    print(f"  before (fold only):          {before * 1e3:7.3f} ms")
    print(f"  after (fold + snapshot):     {after * 1e3:7.3f} ms")


if __name__ == "__main__":
    main()
