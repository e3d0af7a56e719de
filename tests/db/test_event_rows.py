"""Rows of the event log as records: the fast way :func:`db.events.to_records` makes them is
the same record its constructor makes, on SQLite's text and on PostgreSQL's values."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

from db.events import to_records
from db.timeline import EventRecord
from db.vocabulary import EventType

AT = datetime(2026, 11, 23, 8, 31, 0, 250, tzinfo=UTC)


def test_a_row_read_fast_is_the_record_its_constructor_makes() -> None:
    rows = [
        ("a", "child_arrived", "2026-11-23 08:31:00.000250", "front", 1, 2, None, None, 3, None,
         '{"brought_by_name": "Grandad Joe"}'),  # SQLite: text, naive UTC
        ("b", "child_collected", AT.replace(tzinfo=None), "office", 1, None, 4, None, None, "a",
         {"correction_reason": "Forgot"}),  # PostgreSQL: a naive timestamp, a parsed payload
        ("c", "nap_started", AT.astimezone(timezone(timedelta(hours=1))), "d", None, None, None,
         7, None, None, "{}"),  # a newer door's kind of event, an aware time
    ]  # fmt: skip
    made = to_records(rows)
    assert made == [
        EventRecord("a", EventType.CHILD_ARRIVED, AT, "front", 1, 2, None, None, 3, None,
                    {"brought_by_name": "Grandad Joe"}),
        EventRecord("b", EventType.CHILD_COLLECTED, AT, "office", 1, None, 4, None, None, "a",
                    {"correction_reason": "Forgot"}),
        EventRecord("c", "nap_started", AT, "d", None, None, None, 7, None, None, {}),
    ]  # fmt: skip
    assert all(vars(r).keys() == {f.name for f in fields(EventRecord)} for r in made)
    assert [r.occurred_at.tzinfo for r in made[:2]] == [UTC, UTC]
