"""The kiosk's service layer: the door, bound to the local store, on the door thread.

Every decision and write runs on :class:`kiosk.door_thread.DoorThread`, in order. Events are
stored *before* the door records them: what the screen confirms is on disk."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from db.clock import local_day, utc_now
from db.timeline import EventRecord
from db.vocabulary import EventType, Reason
from kiosk.door import CardHolder, Door, StaffInfo
from kiosk.door.collection import ByCard, ByChosenAdult, Collector
from kiosk.door.decisions import (
    Arrived,
    CardDecision,
    CollectionDecision,
    ConfirmDecision,
    GoingHome,
    HandoversDecided,
    PinChecked,
)
from kiosk.door.door import arrival, collection, handover, presence, together, watch
from kiosk.door_thread import DoorThread
from kiosk.snapshot import DoorSnapshot
from kiosk.store.disk import CannotSave, SaveFault
from kiosk.store.local import KioskStore, SyncStatus

log = logging.getLogger("handover.kiosk")
BOOK_REFRESH = timedelta(seconds=30)

# Named events a screen may subscribe to.
CHANGED = "changed"  # anything on the register, alerts or people changed
ALERT = "alert"  # a new alert was raised: sound, banner
RAISED_HERE = "raised-here"  # this door raised an alert: the office must hear of it now
CANNOT_SAVE = "cannot-save"  # a write failed: say so, sound, and tell the office over HTTP


class KioskService(DoorThread):
    """The door, bound to the local store. Call every operation through :meth:`run`."""

    def __init__(
        self, store: KioskStore, *, device: str, clock: Callable[[], datetime] = utc_now
    ) -> None:
        super().__init__()
        self.store = store
        self.system_clock = clock
        # Seconds added to the system clock so this door stamps events on the hub's time: the
        # hub measures the difference at every sync (see kiosk/sync). 0 until it has.
        self.clock_offset = _offset(store.sync_status(None).clock_skew_seconds)
        self.device = device
        self.setting = store.setting()
        self.rooms = store.rooms()
        self.room_colours = store.room_colours()
        self.photos = store.photos()
        now = self.clock()
        self._book_version = store.people_version()  # read before the book: never after it
        self.door = Door(
            store.book(),
            policy=store.policy(),
            events=store.today(now=now, zone=self.setting.zone),
            device=device,
        )
        self._day = local_day(now, self.setting.zone)
        self._book_loaded = now
        # What screens show: replaced whole on the door thread after each change (see
        # kiosk/snapshot.py); the UI thread reads only this, never ``door``.
        self.snapshot = DoorSnapshot.of(self.door.book, self.door.timeline, 0)
        # Read by screens on the UI thread, replaced whole (never mutated) on the door thread.
        self.sync_status = SyncStatus()
        self.save_fault: SaveFault | None = None
        self.recovery: Any = None  # a kiosk.store.health.Recovery when start-up replaced the db
        self.free_bytes = store.free_bytes()

    # --- plumbing ---------------------------------------------------------------------------

    def clock(self) -> datetime:
        """The time this door goes by: its system clock, corrected to the hub's."""
        now = self.system_clock()
        return now + timedelta(seconds=self.clock_offset) if self.clock_offset else now

    def _publish(self) -> None:
        """Door thread, after a change has been applied in full: the screens' next picture."""
        version = self.snapshot.version + 1
        self.snapshot = DoorSnapshot.of(self.door.book, self.door.timeline, version)

    def shutdown(self) -> None:
        super().shutdown()
        self.store.close()

    def _commit(self, events: Iterable[EventRecord]) -> None:
        batch = list(events)
        if not batch:
            return
        try:
            fresh = self.store.append(batch)
        except CannotSave as failure:
            # The door records nothing it could not store: the screen must not confirm it.
            self._cannot_save(failure)
            raise
        if self.save_fault is not None:
            self.save_fault = None  # room again (or a disk back): the banner may go
            log.warning("the door can save again")
        self.door.record(batch)
        self._publish()
        self.sync_status = replace(self.sync_status, waiting=self.sync_status.waiting + len(fresh))
        if any(e.type == EventType.ALERT_RAISED for e in batch):
            self._emit(RAISED_HERE)
            self._emit(ALERT)
        self._emit(CHANGED)

    def _cannot_save(self, failure: CannotSave) -> None:
        self.free_bytes = self.store.free_bytes()
        if self.save_fault is None:
            log.error("this door cannot save: %s", failure.reason)
            self.save_fault = SaveFault(failure.reason, self.clock(), self.free_bytes, str(uuid4()))
        self._emit(CANNOT_SAVE)

    def _now(self) -> datetime:
        """The time, after starting a new day's register at local midnight."""
        now = self.clock()
        if local_day(now, self.setting.zone) != self._day:
            self._day = local_day(now, self.setting.zone)
            self.reload_day(now)
            self.door.shift_pins.forget()  # a new day, new shifts: every PIN checked in full
        return now

    def reload_day(self, now: datetime | None = None) -> None:
        """Today's register read again from the store, and shown. Door thread."""
        now = now or self.clock()
        self.door.start_day(self.store.today(now=now, zone=self.setting.zone))
        self._publish()
        self._emit(CHANGED)

    # --- operations: call through run() -----------------------------------------------------

    def scan(self, payload: str, *, collecting: bool = False) -> CardDecision:
        decision = collection.read_card(self.door, payload, now=self._now(), collecting=collecting)
        self._commit(decision.events)
        return decision

    def arrive(self, child_ids: Sequence[int], **who: Any) -> Arrived:
        decision = arrival.decide_arrival(self.door, child_ids=child_ids, now=self._now(), **who)
        self._commit(decision.events)
        return decision

    def collect(self, child_id: int, collector: Collector) -> CollectionDecision:
        decision = collection.decide_collection(
            self.door, child_id=child_id, collector=collector, now=self._now()
        )
        self._commit(decision.events)
        return decision

    def go_home_together(
        self, child_ids: Sequence[int], collector: ByCard | ByChosenAdult
    ) -> GoingHome:
        decision = together.decide_going_home(
            self.door, child_ids=child_ids, collector=collector, now=self._now()
        )
        self._commit(decision.events)
        return decision

    def confirm_together(
        self, request_uuids: Sequence[str], staff: StaffInfo, id_document: str = ""
    ) -> HandoversDecided:
        decision = together.confirm_going_home(
            self.door,
            request_uuids=request_uuids,
            staff=staff,
            now=self._now(),
            id_document=id_document,
        )
        self._commit(decision.events)
        return decision

    def ask_for_help(self, why: str) -> None:
        """Someone at the door pressed "Ask a member of staff": every staff screen hears it."""
        now = self._now()
        self._commit((self.door.alert(Reason.HELP_ASKED, now=now, presented={"why": why}),))

    def verify_pin(self, staff_id: int, pin: str) -> PinChecked:
        """A PIN typed at this door: counted, and paused after too many wrong ones."""
        checked = handover.check_staff_pin(self.door, staff_id=staff_id, pin=pin, now=self._now())
        self._commit(checked.events)
        return checked

    def staff_by_card(self, payload: str) -> StaffInfo | None:
        decision = collection.read_card(self.door, payload, now=self._now())
        self._commit(decision.events)
        if isinstance(decision, CardHolder):
            return handover.staff_from_card(self.door, decision)
        return None

    def confirm(
        self, request_uuid: str, staff: StaffInfo, id_document: str = ""
    ) -> ConfirmDecision:
        decision = handover.confirm_handover(
            self.door,
            request_uuid=request_uuid,
            staff=staff,
            now=self._now(),
            id_document=id_document,
        )
        self._commit(decision.events)
        return decision

    def cancel(self, request_uuid: str) -> None:
        self._commit(
            handover.cancel_collection(self.door, request_uuid=request_uuid, now=self._now())
        )

    def acknowledge_arrival(self, arrival_uuid: str, staff_id: int) -> None:
        self._commit(
            arrival.acknowledge_arrival(
                self.door, arrival_uuid=arrival_uuid, staff_id=staff_id, now=self._now()
            )
        )

    def acknowledge_alert(self, alert_uuid: str, staff_id: int) -> None:
        self._commit(
            watch.acknowledge_alert(
                self.door, alert_uuid=alert_uuid, staff_id=staff_id, now=self._now()
            )
        )

    def resolve_alert(self, alert_uuid: str, staff_id: int, note: str) -> None:
        self._commit(
            watch.resolve_alert(
                self.door, alert_uuid=alert_uuid, staff_id=staff_id, note=note, now=self._now()
            )
        )

    def clear_lockout(self, child_id: int, staff_id: int) -> None:
        self._commit(
            watch.clear_lockout(self.door, child_id=child_id, staff_id=staff_id, now=self._now())
        )

    def staff_sign_in(self, staff_id: int, room_id: int | None = None) -> None:
        self._commit(
            presence.staff_sign_in(self.door, staff_id=staff_id, room_id=room_id, now=self._now())
        )

    def staff_sign_out(self, staff_id: int) -> None:
        self._commit(presence.staff_sign_out(self.door, staff_id=staff_id, now=self._now()))

    def visitor_sign_in(self, **visit: Any) -> None:
        self._commit(presence.visitor_sign_in(self.door, now=self._now(), **visit))

    def visitor_sign_out(self, visit_uuid: str) -> None:
        self._commit(presence.visitor_sign_out(self.door, visit_uuid=visit_uuid, now=self._now()))

    def pulled(self, events: Sequence[EventRecord], *, people_changed: bool) -> None:
        """After a sync round brought something: the new people data at once (a card revoked in
        the office stops working now, not at the next refresh), and today's events from the
        other doors into this door's day. Call through run(), like every operation."""
        if people_changed:
            self._book_version = self.store.people_version()
            self.door.replace_book(self.store.book())
            self.photos = self.store.photos()
            self.setting = self.store.setting()  # the name, zone and idle time come from there
            self.rooms = self.store.rooms()
            self.room_colours = self.store.room_colours()
            self._book_loaded = self.clock()
        today = [e for e in events if local_day(e.occurred_at, self.setting.zone) == self._day]
        self.door.record(today)
        self._publish()
        if any(e.type == EventType.ALERT_RAISED for e in today):
            self._emit(ALERT)
        self._emit(CHANGED)

    def synced_with(self, hub: str) -> None:
        """A sync round ended, well or not: refresh what staff mode shows. Door thread."""
        self.store.prune_outbox(now=self.clock())
        self.sync_status = self.store.sync_status(hub)
        self.clock_offset = _offset(self.sync_status.clock_skew_seconds)
        self._emit(CHANGED)

    def replaced_database(self, recovery: Any) -> None:
        """Start-up replaced a damaged database (a kiosk.store.health.Recovery): staff here see
        it in staff mode; this alert tells every other staff screen, through the outbox."""
        self.recovery = recovery
        details = recovery.alert_details()
        self._commit([self.door.alert(Reason.KIOSK_DATABASE_REPLACED, now=self._now(), **details)])

    def tick(self) -> None:
        """Every few seconds: alerts that time made due, and people data from the office."""
        now = self._now()
        self.free_bytes = self.store.free_bytes()
        if now - self._book_loaded >= BOOK_REFRESH:
            self._book_loaded = now
            self._refresh_book()
        self._commit(watch.due_alerts(self.door, now=now))

    def _refresh_book(self) -> None:
        """The book again, if the store's people cursor moved since it was read: people data
        reaches the store only in pages from the hub, which move that cursor in the same
        transaction, whichever thread or process wrote them. An unchanged book costs one row's read,
        where it was every child, adult, card and permission every 30 s."""
        version = self.store.people_version()
        if version == self._book_version:
            return
        self._book_version = version
        self.door.replace_book(self.store.book())
        self._publish()  # drawn at the next redraw: no need to redraw staff mode for it


# A clock this close to the hub's is left alone: the difference is mostly network delay.
CLOCK_TOLERANCE = 2.0


def _offset(skew: float | None) -> float:
    return skew if skew is not None and abs(skew) > CLOCK_TOLERANCE else 0.0
