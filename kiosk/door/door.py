"""The door as one object: the rules bound to the day so far. The kiosk persists each
decision's events, then calls :meth:`Door.record` so the next decision sees them.

The door folds its day exactly as the office does (``Timeline.of``: sorted by
``event_order``). Events reach a door late and out of order (another door's morning synced in the
afternoon), so an event older than the newest one folded makes the door fold the day again from
all of it, rather than apply it where it lands: otherwise an 08:00 arrival synced after a 15:00
handover would be paired with it, and a 13:00 arrival left open shows a child who has gone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from db.timeline import EventRecord, Timeline, event_order
from kiosk.door import arrival, collection, handover, presence, together, watch
from kiosk.door.book import DoorPolicy, PeopleBook, StaffInfo
from kiosk.door.collection import ByCard, ByChosenAdult, Collector
from kiosk.door.context import DoorContext
from kiosk.door.decisions import (
    Arrived,
    CardDecision,
    CollectionDecision,
    ConfirmDecision,
    GoingHome,
    HandoversDecided,
    PinChecked,
)


class Door(DoorContext):
    def __init__(
        self,
        book: PeopleBook,
        *,
        policy: DoorPolicy | None = None,
        events: Iterable[EventRecord] = (),
        device: str = "kiosk",
    ) -> None:
        super().__init__(book=book, policy=policy or DoorPolicy(), device=device)
        self.start_day(events)

    def start_day(self, events: Iterable[EventRecord]) -> None:
        """The day's events read afresh (start-up, local midnight): folded from nothing."""
        self._day_events = {e.uuid: e for e in events}
        self.timeline = Timeline.of(self._day_events.values())
        self._newest = max(map(event_order, self._day_events.values()), default=None)

    def record(self, events: Iterable[EventRecord]) -> None:
        """Events stored since the last fold, this door's or pulled from others, in any order.
        One the door already holds (a page fetched twice) is not folded twice."""
        batch = sorted(
            {e.uuid: e for e in events if e.uuid not in self._day_events}.values(),
            key=event_order,
        )
        if not batch:
            return
        self._day_events.update((e.uuid, e) for e in batch)
        if self._newest is not None and event_order(batch[0]) < self._newest:
            self.timeline = Timeline.of(self._day_events.values())
        else:
            for event in batch:
                self.timeline.apply(event)
        newest = event_order(batch[-1])
        self._newest = newest if self._newest is None else max(self._newest, newest)
        self.shift_pins.notice(batch)

    def replace_book(self, book: PeopleBook) -> None:
        """New people data from the hub; the day's events stay as they are. A PIN changed at
        the office is checked in full from now on."""
        self.book = book
        self.shift_pins.review(book.staff)

    # The rules, bound to this door. Each returns a decision; none records anything.
    def arrive(self, *, child_ids: Sequence[int], now: datetime, **who: object) -> Arrived:
        return arrival.decide_arrival(self, child_ids=child_ids, now=now, **who)  # type: ignore[arg-type]

    def read_card(self, raw: str, *, now: datetime, collecting: bool = False) -> CardDecision:
        return collection.read_card(self, raw, now=now, collecting=collecting)

    def collect(self, *, child_id: int, collector: Collector, now: datetime) -> CollectionDecision:
        return collection.decide_collection(self, child_id=child_id, collector=collector, now=now)

    def go_home_together(
        self, *, child_ids: Sequence[int], collector: ByCard | ByChosenAdult, now: datetime
    ) -> GoingHome:
        return together.decide_going_home(self, child_ids=child_ids, collector=collector, now=now)

    def confirm_together(
        self,
        *,
        request_uuids: Sequence[str],
        staff: StaffInfo,
        now: datetime,
        id_document: str = "",
    ) -> HandoversDecided:
        return together.confirm_going_home(
            self, request_uuids=request_uuids, staff=staff, now=now, id_document=id_document
        )

    def verify_staff_pin(self, *, staff_id: int, pin: str) -> StaffInfo | None:
        return handover.verify_staff_pin(self, staff_id=staff_id, pin=pin)

    def check_staff_pin(self, *, staff_id: int, pin: str, now: datetime) -> PinChecked:
        return handover.check_staff_pin(self, staff_id=staff_id, pin=pin, now=now)

    def confirm(
        self, *, request_uuid: str, staff: StaffInfo, now: datetime, id_document: str = ""
    ) -> ConfirmDecision:
        return handover.confirm_handover(
            self, request_uuid=request_uuid, staff=staff, now=now, id_document=id_document
        )

    def due_alerts(self, *, now: datetime) -> tuple[EventRecord, ...]:
        return watch.due_alerts(self, now=now)


__all__ = ["Door", "arrival", "collection", "handover", "presence", "together", "watch"]
