"""A day's fold carried forward (db/kept_fold.py) is always the whole fold of the day's rows:
events added after the kept ones fold onto a copy, and anything else (a late earlier event, a
row rewritten by an erasure, a row purged) folds the whole day again. The kept fold itself never
changes, whatever is folded onto its copies."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from db.events import to_records
from db.kept_fold import copy_of, fold_forward, whole_fold
from db.timeline import Timeline
from db.vocabulary import EventType, Reason

START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
WRONG = Reason.WRONG_PASSWORD.value
E = EventType
# A kind of event, and what it refers to (the uuid of an earlier or later event, or none).
KINDS: dict[EventType, dict[str, Any]] = {
    EventType.CHILD_ARRIVED: {},
    EventType.ARRIVAL_ACKNOWLEDGED: {"ref": True},
    EventType.COLLECTION_REQUESTED: {},
    EventType.COLLECTION_CANCELLED: {"ref": True},
    EventType.COLLECTION_REFUSED: {"payload": {"reason": WRONG}},
    EventType.CHILD_COLLECTED: {"ref": True},
    EventType.ALERT_RAISED: {"payload": {"reason": WRONG, "severity": "high"}},
    EventType.ALERT_ACKNOWLEDGED: {"ref": True},
    EventType.ALERT_RESOLVED: {"ref": True, "payload": {"note": "seen"}},
    EventType.LOCKOUT_CLEARED: {},
    EventType.STAFF_PIN_FAILED: {},
    EventType.STAFF_SIGNED_IN: {},
    EventType.STAFF_SIGNED_OUT: {},
    EventType.VISITOR_SIGNED_IN: {"payload": {"name": "Inspector"}},
    EventType.VISITOR_SIGNED_OUT: {"ref": True},
}
Row = tuple[Any, ...]


def _row(n: int, kind: EventType, at: datetime, who: int, ref: int | None, odd: bool) -> Row:
    """An ``events`` row as the register reads it (db.events.RECORD_COLUMNS)."""
    payload = dict(KINDS[kind].get("payload", {}))
    if kind == EventType.CHILD_COLLECTED and odd:  # at a door that never saw the arrival
        payload["arrival_known_here"] = False
    # Never to itself: an answer waiting for itself would wait forever (db/timeline.py).
    refers = KINDS[kind].get("ref") and ref is not None and ref != n
    reference = f"e{ref:03}" if refers else None
    return (f"e{n:03}", kind.value, at, f"door{who % 2}", who, who if odd else None, who % 3,
            None, who % 2 or None, reference, json.dumps(payload))  # fmt: skip


# A round: events added (after everything so far, or at any time of the day: a late door), or
# one stored row rewritten (an erasure, a correction in place) or purged.
ROUND = st.tuples(
    st.sampled_from(["after", "after", "after", "any time", "rewrite", "purge"]),
    st.lists(
        st.tuples(
            # Arrivals and collections most: their order at one instant decides a stay.
            st.sampled_from([*KINDS, *[E.CHILD_ARRIVED, E.CHILD_COLLECTED] * 4]),
            st.integers(0, 600),  # minutes: into the day, or after the last event so far
            st.integers(1, 3),  # the child, adult or member of staff
            st.integers(0, 80) | st.none(),  # which event it refers to
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
)


class Day:
    """The day's rows as a database holds them: each with its position in the stream."""

    def __init__(self) -> None:
        self.stored: list[tuple[int, Row]] = []
        self.issued = 0  # positions handed out: a purged row's is never handed out again

    def rows(self) -> list[Row]:
        """Read as db.events.event_rows reads them: by time, then position."""
        return [row for _, row in sorted(self.stored, key=lambda kept: (kept[1][2], kept[0]))]

    def change(self, how: str, steps: list[tuple[Any, ...]]) -> None:
        if how in ("rewrite", "purge") and self.stored:
            at = steps[0][1] % len(self.stored)
            if how == "purge":
                del self.stored[at]
            else:
                seq, row = self.stored[at]
                erased = json.dumps({**json.loads(row[10]), "erased": True})
                self.stored[at] = (seq, (*row[:5], None, *row[6:10], erased))
            return
        latest = max((row[2] for _, row in self.stored), default=START)
        for kind, minutes, who, ref, odd in steps:
            if how == "any time":
                at = START + timedelta(minutes=minutes)
            else:  # often at the same instant as the latest: the fold's order decides
                at = latest + timedelta(minutes=minutes % 3)
            self.stored.append((self.issued, _row(self.issued, kind, at, who, ref, odd)))
            self.issued += 1


def _whole(rows: list[Row]) -> Timeline:
    return Timeline.of(to_records(rows))


@given(st.lists(ROUND, min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_a_fold_carried_forward_is_the_whole_fold_of_the_day(rounds: list[Any]) -> None:
    day, kept = Day(), None
    for how, steps in rounds:
        day.change(how, steps)
        rows = day.rows()
        fold = fold_forward(kept, rows)
        assert fold.timeline == _whole(rows)
        if kept is not None:  # what was kept (and answered from) did not change
            assert kept.timeline == _whole(kept.rows)
        kept = fold


# A morning with something in every part of the day: (kind, who, the event it refers to).
MORNING = [
    (E.CHILD_ARRIVED, 1, None),
    (E.ARRIVAL_ACKNOWLEDGED, 1, 0),
    (E.CHILD_ARRIVED, 2, None),
    (E.COLLECTION_REQUESTED, 3, None),  # still waiting
    (E.COLLECTION_REQUESTED, 2, None),
    (E.COLLECTION_CANCELLED, 2, 4),
    (E.COLLECTION_REFUSED, 3, None),  # a wrong password
    (E.CHILD_COLLECTED, 2, None),
    (E.ALERT_RAISED, 1, None),
    (E.ALERT_ACKNOWLEDGED, 1, 8),
    (E.LOCKOUT_CLEARED, 4, None),
    (E.STAFF_PIN_FAILED, 1, None),
    (E.STAFF_SIGNED_IN, 2, None),
    (E.STAFF_SIGNED_OUT, 1, None),
    (E.VISITOR_SIGNED_IN, 1, None),
    (E.VISITOR_SIGNED_IN, 2, None),
    (E.VISITOR_SIGNED_OUT, 1, 15),
    (E.ALERT_ACKNOWLEDGED, 1, 999),  # of an alert not synced yet
    (E.CHILD_COLLECTED, 4, None),  # a child who never arrived: an anomaly
]


def _morning() -> list[Row]:
    return [
        _row(n, kind, START + timedelta(minutes=n), who, ref, False)
        for n, (kind, who, ref) in enumerate(MORNING)
    ]


def test_only_events_after_the_kept_ones_are_folded_on_and_anything_else_folds_the_day() -> None:
    rows = _morning()
    kept = whole_fold(rows)
    assert kept.folded == len(rows)
    assert fold_forward(kept, list(rows)) is kept  # nothing new: the same fold

    later = rows[-1][2] + timedelta(minutes=1)
    arrival = _row(900, EventType.CHILD_ARRIVED, later, 4, None, False)
    onward = fold_forward(kept, [*rows, arrival])
    assert onward.folded == 1 and onward.timeline == _whole([*rows, arrival])
    assert 4 in onward.timeline.on_site and 4 not in kept.timeline.on_site

    earlier = _row(901, EventType.CHILD_ARRIVED, START - timedelta(minutes=1), 4, None, False)
    assert fold_forward(kept, [earlier, *rows]).folded == len(rows) + 1
    # At the same instant as the last kept event, but before it in the fold's order.
    tie = _row(902, EventType.CHILD_ARRIVED, rows[-1][2], 4, None, False)
    assert fold_forward(kept, [*rows, tie]).folded == len(rows) + 1
    erased = [*rows[:6], (*rows[6][:5], 99, *rows[6][6:]), *rows[7:], arrival]
    assert fold_forward(kept, erased).folded == len(rows) + 1
    purged_and_one_more = [*rows[:-1], arrival]
    assert fold_forward(kept, purged_and_one_more).folded == len(rows)
    assert fold_forward(kept, rows[:-1]).folded == len(rows) - 1


def test_a_copy_of_the_day_has_every_part_and_shares_nothing_the_fold_changes() -> None:
    rows = _morning()
    original = whole_fold(rows).timeline
    for part in fields(Timeline):  # a new part of the day must be filled here and copied
        assert getattr(original, part.name), f"the test's day has no {part.name}"
    twin = copy_of(original)
    assert twin == original
    for part in fields(Timeline):
        assert getattr(twin, part.name) is not getattr(original, part.name)

    # Everything that can change a part already folded: each would show in the original if
    # the copy shared it.
    at = rows[-1][2] + timedelta(minutes=5)
    for n, kind in enumerate(KINDS):
        for ref in range(len(rows)):
            event = _row(1000 + n * 100 + ref, kind, at, 1 + ref % 4, ref, ref % 2 == 0)
            for record in to_records([event]):
                twin.apply(record)
    assert twin != original
    assert original == _whole(rows)
