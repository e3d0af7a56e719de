"""A day's fold carried forward: when the day's rows now are the rows a kept fold was made from
plus events that fold after every one of them, only those events are folded, on a copy.

This is the morning at the office: a child arrives every minute, and each look at the register
or the on-site list would otherwise fold the whole day again for one arrival. Nothing is trusted
but the rows themselves (db/read_memo.py): the kept rows must be the first rows read now, equal
column by column, so an erasure, a correction or a purge (which rewrite or remove old rows) folds
the whole day again; and a late event that folds before the last kept one (an offline door's
morning, synced at noon) does too, because the fold is in time order and this is not its end.

The kept fold is never changed once kept: a hub answers from several threads, and a register or
an on-site list made from it may be in another caller's hands. New events fold into a copy that
keeps the fold's sharing (a child's open stay is the same object in ``stays``, ``on_site`` and
``arrivals_by_uuid``), or the copy would not fold on as the original would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from db.day_parts import Alert, Shift, Stay, Visit
from db.events import to_records
from db.timeline import EventRecord, Timeline, event_order


@dataclass(frozen=True, eq=False)  # compared by identity: the register keys its answer on it
class KeptFold:
    """A folded day and the rows it was made from, exactly as read."""

    rows: list[Any]
    timeline: Timeline
    last: tuple[datetime, int, str] | None  # the fold order of its last event; None: no events
    folded: int  # events folded to make it: all the day's, or only those added since the last


def whole_fold(rows: list[Any]) -> KeptFold:
    """The day folded from all its rows, as :meth:`Timeline.of` folds it."""
    return _folded_on(Timeline(), rows, to_records(rows))


def fold_forward(kept: KeptFold | None, rows: list[Any]) -> KeptFold:
    """The fold of ``rows``: ``kept`` itself when the rows are the ones it was made from, ``kept``
    with the new events folded on (a copy) when they only add events that fold after all of
    its, and otherwise the whole day folded again."""
    if kept is None:
        return whole_fold(rows)
    made_from, count = kept.rows, len(kept.rows)
    # A list's slice compares in C, tuple by tuple and column by column.
    if len(rows) < count or rows[:count] != made_from:
        return whole_fold(rows)  # a row rewritten, removed, or one read before the kept ones
    if len(rows) == count:
        return kept
    added = sorted(to_records(rows[count:]), key=event_order)
    if kept.last is not None and event_order(added[0]) <= kept.last:
        return whole_fold(rows)  # a late event that folds among the kept ones
    return _folded_on(copy_of(kept.timeline), rows, added)


def _folded_on(timeline: Timeline, rows: list[Any], events: list[EventRecord]) -> KeptFold:
    events.sort(key=event_order)
    for event in events:
        timeline.apply(event)
    last = event_order(events[-1]) if events else None
    return KeptFold(rows, timeline, last, folded=len(events))


_Part = TypeVar("_Part", Stay, Shift, Visit, Alert)
_new = object.__new__


def _twin(part: _Part) -> _Part:
    """A shallow copy of a plain dataclass without ``copy.copy``'s pickle protocol: its values
    (times, ids, text, an event's payload) are never changed in place by the fold."""
    twin = _new(type(part))
    twin.__dict__.update(part.__dict__)
    return twin


class _Twins(dict[int, Any]):
    """Each part of the day copied once, whatever holds it: the copy shares as the original."""

    def of(self, part: _Part) -> _Part:
        twin = self.get(id(part))
        if twin is None:
            twin = self[id(part)] = _twin(part)
        return twin


def copy_of(timeline: Timeline) -> Timeline:
    """A timeline that folds on exactly as ``timeline`` would, sharing nothing the fold changes:
    stays, shifts, visits and alerts are copied (once each), and so is every dict and list.
    Events are immutable and shared. tests/db/test_kept_fold.py checks every field is here."""
    twins = _Twins()
    # Every stay first, in bulk (most of a large day): then the open stays and the arrivals
    # find theirs with a dict lookup instead of a call each.
    stays = [stay for periods in timeline.stays.values() for stay in periods]
    twins.update(zip(map(id, stays), map(_twin, stays), strict=True))
    get, of = twins.get, twins.of
    return Timeline(
        stays={child: [get(id(s)) or of(s) for s in periods]
               for child, periods in timeline.stays.items()},
        on_site={child: get(id(s)) or of(s) for child, s in timeline.on_site.items()},
        pending_collections=dict(timeline.pending_collections),
        alerts={uuid: of(a) for uuid, a in timeline.alerts.items()},
        password_failures={k: list(v) for k, v in timeline.password_failures.items()},
        pin_failures={k: list(v) for k, v in timeline.pin_failures.items()},
        pin_failures_at={k: list(v) for k, v in timeline.pin_failures_at.items()},
        staff_on_site={staff: of(s) for staff, s in timeline.staff_on_site.items()},
        shifts=[of(s) for s in timeline.shifts],
        visitors_on_site={uuid: of(v) for uuid, v in timeline.visitors_on_site.items()},
        visits=[of(v) for v in timeline.visits],
        arrivals_by_uuid={uuid: get(id(s)) or of(s)
                          for uuid, s in timeline.arrivals_by_uuid.items()},
        anomalies=list(timeline.anomalies),
        early={ref: list(answers) for ref, answers in timeline.early.items()},
    )  # fmt: skip
