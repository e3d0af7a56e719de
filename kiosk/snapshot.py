"""What the screens show, published whole by the door thread after each write and each pull.

The door thread owns the live people book and the day's timeline and changes them as events
land. Screens run on the UI thread, so they never read those live objects: a dict can change
size under a loop, and a screen could show half of a sync pull (a child on site whose alert has
not landed yet). Instead the door thread makes a :class:`DoorSnapshot` once it has finished a
change and swaps it in with one assignment; a screen takes the latest one and reads only it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from db.timeline import Timeline
from kiosk.door.book import PeopleBook


@dataclass(frozen=True)
class DoorSnapshot:
    """One consistent moment of the door's day. Nobody changes it after it is made: the book is
    replaced wholesale by the door (never edited), and the timeline is a copy of its own."""

    book: PeopleBook
    timeline: Timeline
    # Counts the door's changes: a screen can tell two snapshots apart, a test which came first.
    version: int = 0

    @classmethod
    def of(cls, book: PeopleBook, timeline: Timeline, version: int) -> DoorSnapshot:
        # A deep copy, so later events folded into the live timeline (which edit stays and
        # alerts in place) never reach a snapshot a screen may be reading.
        return cls(book=book, timeline=copy.deepcopy(timeline), version=version)
