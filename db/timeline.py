"""The day as it happened, folded from events. Pure Python: the door and the register share it.

Events only arrive (from several doors, sometimes late), so the fold is forgiving: an event that
makes no sense where it lands (a departure with no arrival, a second arrival while on site) is
kept aside as an anomaly instead of corrupting the picture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.clock import as_utc
from db.day_parts import Alert, Shift, Stay, Visit, text_of
from db.vocabulary import EventType, Reason, Severity


@dataclass(frozen=True)
class Seal:
    """Where an event sits in its signer's hash chain, and the signer's word for it (see
    db/signing.py). ``payload_salt`` is None once the personal values were erased."""

    signer: str  # the signer's Ed25519 public key, base64: one chain per key
    device_seq: int
    prev_hash: str
    payload_digest: str
    payload_salt: str | None
    signature: str


@dataclass(frozen=True)
class EventRecord:
    """One immutable event, made where it happened."""

    uuid: str
    # A type this version does not know (sent by a newer kiosk) stays a plain string: the hub
    # stores and passes it on; no fold reads it (db.events.events_between leaves it out).
    type: EventType | str
    occurred_at: datetime
    device: str
    child_id: int | None = None
    adult_id: int | None = None
    staff_id: int | None = None
    visitor_id: int | None = None
    room_id: int | None = None
    ref: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    seal: Seal | None = None  # None until signed (and for events from before signing)


_RANK = {"child_arrived": 0, "child_collected": 2}


def event_order(event: EventRecord) -> tuple[datetime, int, str]:
    """A total order, so every door folds the same day whatever order events reached it in:
    by time; at the same instant an arrival before anything else and a collection last."""
    return (as_utc(event.occurred_at), _RANK.get(str(event.type), 1), event.uuid)


@dataclass
class Timeline:
    stays: dict[int, list[Stay]] = field(default_factory=dict)
    on_site: dict[int, Stay] = field(default_factory=dict)
    pending_collections: dict[str, EventRecord] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)
    password_failures: dict[int, list[datetime]] = field(default_factory=dict)
    pin_failures: dict[int, list[datetime]] = field(default_factory=dict)  # by member of staff
    pin_failures_at: dict[str, list[datetime]] = field(default_factory=dict)  # by device
    staff_on_site: dict[int, Shift] = field(default_factory=dict)
    shifts: list[Shift] = field(default_factory=list)
    visitors_on_site: dict[str, Visit] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    arrivals_by_uuid: dict[str, Stay] = field(default_factory=dict)
    anomalies: list[str] = field(default_factory=list)
    # Answers that came before what they answer: a kiosk's clock ahead of the office's, or an
    # event synced late. Kept here and applied the moment the answered event arrives.
    early: dict[str, list[EventRecord]] = field(default_factory=dict)

    @classmethod
    def of(cls, events: Iterable[EventRecord]) -> Timeline:
        timeline = cls()
        for event in sorted(events, key=event_order):
            timeline.apply(event)
        return timeline

    def apply(self, event: EventRecord, replaying: frozenset[str] = frozenset()) -> None:
        handler = _HANDLERS.get(event.type) if isinstance(event.type, EventType) else None
        if handler is not None:
            handler(self, event)
        # An answer that came before what it answers is applied after it, but never one already
        # in this chain: an event that names itself, or two that name each other (a broken or
        # hostile door), would otherwise wait for each other forever and stop every register.
        replaying |= {event.uuid}
        for answer in self.early.pop(event.uuid, ()):
            if answer.uuid not in replaying:
                self.apply(answer, replaying)

    def _wait_for(self, e: EventRecord) -> None:
        self.early.setdefault(e.ref or "", []).append(e)

    def open_alerts(self) -> list[Alert]:
        return [a for a in self.alerts.values() if a.is_open]

    def unacknowledged_arrivals(self) -> list[Stay]:
        return [s for s in self.on_site.values() if s.acknowledged_at is None]

    def recent_password_failures(self, child_id: int, since: datetime) -> int:
        return sum(1 for t in self.password_failures.get(child_id, ()) if t >= since)

    def recent_pin_failures(self, staff_id: int, since: datetime) -> int:
        """Wrong PINs for this member of staff since ``since``, at any door."""
        return sum(1 for t in self.pin_failures.get(staff_id, ()) if t >= since)

    def recent_pin_failures_at(self, device: str, since: datetime) -> int:
        """Wrong PINs at this door since ``since``, whoever's picture was tapped."""
        return sum(1 for t in self.pin_failures_at.get(device, ()) if t >= since)

    # --- handlers ---------------------------------------------------------------------------

    def _arrived(self, e: EventRecord) -> None:
        assert e.child_id is not None
        arrival = Stay(
            child_id=e.child_id,
            arrival_uuid=e.uuid,
            arrived_at=as_utc(e.occurred_at),
            room_id=e.room_id,
            brought_by_adult_id=e.adult_id,
            brought_by_name=text_of(e.payload, "brought_by_name"),
            expected_collector_adult_id=e.payload.get("expected_collector_adult_id"),
        )
        # Checked before "on site": the child may have come back since that handover.
        stay = self._unrecorded_arrival_before(arrival)
        if stay is None:
            if e.child_id in self.on_site:
                self.anomalies.append(f"{e.uuid}: child {e.child_id} arrived while on site")
                return
            stay = arrival
            self.on_site[e.child_id] = stay
            self.stays.setdefault(e.child_id, []).append(stay)
        self.arrivals_by_uuid[e.uuid] = stay

    def _unrecorded_arrival_before(self, arrival: Stay) -> Stay | None:
        """The stay of a handover made at a door that had not seen this arrival, now filled in
        with it: the collection synced in first, and the register reads one stay, not two."""
        stays = self.stays.get(arrival.child_id, [])
        waiting = [
            s
            for s in stays
            if not s.arrival_recorded
            and s.departed_at is not None
            and s.departed_at >= arrival.arrived_at
        ]
        if not waiting:
            return None
        stay = min(waiting, key=lambda s: s.arrived_at)
        stay.arrival_recorded = True
        for name in ("arrival_uuid", "arrived_at", "brought_by_adult_id", "brought_by_name"):
            setattr(stay, name, getattr(arrival, name))
        stay.expected_collector_adult_id = arrival.expected_collector_adult_id
        stay.room_id = arrival.room_id if arrival.room_id is not None else stay.room_id
        stays.sort(key=lambda s: s.arrived_at)
        return stay

    def _acknowledged(self, e: EventRecord) -> None:
        stay = self.arrivals_by_uuid.get(e.ref or "")
        if stay is None:
            self._wait_for(e)
            return
        if stay.acknowledged_at is not None and not stay.seen_at_handover:
            return
        stay.acknowledged_by_staff_id = e.staff_id
        stay.acknowledged_at = as_utc(e.occurred_at)
        stay.seen_at_handover = False

    def _requested(self, e: EventRecord) -> None:
        self.pending_collections[e.uuid] = e

    def _cancelled(self, e: EventRecord) -> None:
        if self.pending_collections.pop(e.ref or "", None) is None:
            self._wait_for(e)

    def _refused(self, e: EventRecord) -> None:
        if e.payload.get("reason") == Reason.WRONG_PASSWORD and e.child_id is not None:
            self.password_failures.setdefault(e.child_id, []).append(as_utc(e.occurred_at))

    def _collected(self, e: EventRecord) -> None:
        assert e.child_id is not None
        if e.ref:
            self.pending_collections.pop(e.ref, None)
        stay = self.on_site.pop(e.child_id, None)
        if stay is None:
            if e.payload.get("arrival_known_here") is not False:
                self.anomalies.append(f"{e.uuid}: child {e.child_id} collected while not on site")
                return
            stay = self._arrival_not_recorded(e)
        stay.departed_at = max(as_utc(e.occurred_at), stay.arrived_at)
        stay.collected_by_adult_id = e.adult_id
        stay.collected_by_name = text_of(e.payload, "collector_name")
        stay.confirmed_by_staff_id = e.staff_id
        stay.id_document = text_of(e.payload, "id_document")
        stay.correction_reason = text_of(e.payload, "correction_reason")
        stay.correction_recorded_at = text_of(e.payload, "recorded_at")
        if stay.acknowledged_at is None:  # a handover by staff acknowledges the child's presence
            stay.acknowledged_by_staff_id = e.staff_id
            stay.acknowledged_at = stay.departed_at
            stay.seen_at_handover = True
        # Pending requests for a child who has gone can no longer be confirmed.
        for uuid, request in list(self.pending_collections.items()):
            if request.child_id == e.child_id:
                del self.pending_collections[uuid]

    def _arrival_not_recorded(self, e: EventRecord) -> Stay:
        """A staff-confirmed handover at a door that never saw the child arrive: the child was
        here, so the register has a row for them even if the arrival never syncs in."""
        assert e.child_id is not None
        stay = Stay(
            child_id=e.child_id,
            arrival_uuid="",
            arrived_at=as_utc(e.occurred_at),
            room_id=e.room_id,
            brought_by_adult_id=None,
            brought_by_name=None,
            arrival_recorded=False,
        )
        self.stays.setdefault(e.child_id, []).append(stay)
        return stay

    def _alert(self, e: EventRecord) -> None:
        self.alerts[e.uuid] = Alert(
            uuid=e.uuid,
            reason=Reason(e.payload["reason"]),
            severity=Severity(e.payload.get("severity", Severity.WARNING)),
            raised_at=as_utc(e.occurred_at),
            device=e.device,
            child_id=e.child_id,
            adult_id=e.adult_id,
            ref=e.ref,
            details=dict(e.payload),
        )

    def _alert_acknowledged(self, e: EventRecord) -> None:
        alert = self.alerts.get(e.ref or "")
        if alert is None:
            self._wait_for(e)
        elif alert.acknowledged_at is None:
            alert.acknowledged_by_staff_id = e.staff_id
            alert.acknowledged_at = max(as_utc(e.occurred_at), alert.raised_at)

    def _alert_resolved(self, e: EventRecord) -> None:
        alert = self.alerts.get(e.ref or "")
        if alert is None:
            self._wait_for(e)
            return
        if alert.resolved_at is not None:
            return
        if alert.acknowledged_at is None:
            alert.acknowledged_by_staff_id = e.staff_id
            alert.acknowledged_at = as_utc(e.occurred_at)
        alert.resolved_by_staff_id = e.staff_id
        alert.resolved_at = max(as_utc(e.occurred_at), alert.raised_at)
        alert.resolution = text_of(e.payload, "note")

    def _pin_failed(self, e: EventRecord) -> None:
        at = as_utc(e.occurred_at)
        if e.staff_id is not None:
            self.pin_failures.setdefault(e.staff_id, []).append(at)
        self.pin_failures_at.setdefault(e.device, []).append(at)

    def _lockout_cleared(self, e: EventRecord) -> None:
        if e.child_id is not None:
            self.password_failures.pop(e.child_id, None)

    def _staff_in(self, e: EventRecord) -> None:
        assert e.staff_id is not None
        if e.staff_id in self.staff_on_site:  # moving rooms: close the old shift first
            self.staff_on_site[e.staff_id].signed_out_at = as_utc(e.occurred_at)
        shift = Shift(staff_id=e.staff_id, room_id=e.room_id, signed_in_at=as_utc(e.occurred_at))
        self.staff_on_site[e.staff_id] = shift
        self.shifts.append(shift)

    def _staff_out(self, e: EventRecord) -> None:
        shift = self.staff_on_site.pop(e.staff_id or -1, None)
        if shift is not None:
            shift.signed_out_at = as_utc(e.occurred_at)

    def _visitor_in(self, e: EventRecord) -> None:
        visit = Visit(
            uuid=e.uuid,
            name=text_of(e.payload, "name") or "",
            organisation=text_of(e.payload, "organisation") or "",
            visiting=text_of(e.payload, "visiting") or "",
            supervisor_staff_id=e.staff_id,
            visitor_id=e.visitor_id,
            signed_in_at=as_utc(e.occurred_at),
        )
        self.visitors_on_site[e.uuid] = visit
        self.visits.append(visit)

    def _visitor_out(self, e: EventRecord) -> None:
        visit = self.visitors_on_site.pop(e.ref or "", None)
        if visit is None:
            self._wait_for(e)
            return
        visit.signed_out_at = max(as_utc(e.occurred_at), visit.signed_in_at)


_HANDLERS = {
    EventType.CHILD_ARRIVED: Timeline._arrived,
    EventType.ARRIVAL_ACKNOWLEDGED: Timeline._acknowledged,
    EventType.COLLECTION_REQUESTED: Timeline._requested,
    EventType.COLLECTION_CANCELLED: Timeline._cancelled,
    EventType.COLLECTION_REFUSED: Timeline._refused,
    EventType.CHILD_COLLECTED: Timeline._collected,
    EventType.ALERT_RAISED: Timeline._alert,
    EventType.ALERT_ACKNOWLEDGED: Timeline._alert_acknowledged,
    EventType.ALERT_RESOLVED: Timeline._alert_resolved,
    EventType.LOCKOUT_CLEARED: Timeline._lockout_cleared,
    EventType.STAFF_PIN_FAILED: Timeline._pin_failed,
    EventType.STAFF_SIGNED_IN: Timeline._staff_in,
    EventType.STAFF_SIGNED_OUT: Timeline._staff_out,
    EventType.VISITOR_SIGNED_IN: Timeline._visitor_in,
    EventType.VISITOR_SIGNED_OUT: Timeline._visitor_out,
}
