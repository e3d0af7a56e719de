"""What a door may say: each event of a push is checked before it enters the record.

A door's token proves only which door is talking; what goes in the register must also be
signed with that door's key (db/signing.py), and make sense: the people it names exist, a
handover names a member of staff who still works here and a collection request that was made,
an acknowledgement or resolution names an alert that was raised. A refusal is per event and
says why in words; the caller parks it for the manager (``refused_events``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Adult, Child, Event, Room, SigningKey, Staff, Visitor
from db.signing import DEVICE_TIME, public_key, seal_problem
from db.timeline import EventRecord
from db.vocabulary import EventType, Reason

# Who each id names, for "exists" checks: (model, the words a refusal uses).
REFERENCES: dict[str, tuple[Any, str]] = {
    "child_id": (Child, "child"),
    "adult_id": (Adult, "adult"),
    "staff_id": (Staff, "member of staff"),
    "room_id": (Room, "room"),
    "visitor_id": (Visitor, "visitor"),
}
# Events that stand for a member of staff's word (PIN or staff card at the door).
STAFF_CONFIRMS = {
    EventType.CHILD_COLLECTED,
    EventType.ALERT_ACKNOWLEDGED,
    EventType.ALERT_RESOLVED,
    EventType.LOCKOUT_CLEARED,
}
# What an event's ``ref`` must point at, by kind.
REFERS_TO: dict[str, tuple[EventType, str]] = {
    EventType.CHILD_COLLECTED: (EventType.COLLECTION_REQUESTED, "collection request"),
    EventType.ALERT_ACKNOWLEDGED: (EventType.ALERT_RAISED, "alert"),
    EventType.ALERT_RESOLVED: (EventType.ALERT_RAISED, "alert"),
}
# Alerts only the hub raises (from a door's fault report, admin/api/faults.py): a door saying
# so itself would mark a kiosk on the office's Kiosks page. A not-arrived alert is the hub's
# (admin/office/not_arrived.py): one per child and day, which a door's copy would break.
OFFICE_ONLY_REASONS = {Reason.KIOSK_CANNOT_SAVE.value, Reason.NOT_ARRIVED.value}
# Kinds only the office writes: a door never signs off a register.
OFFICE_ONLY_KINDS = {EventType.REGISTER_SIGNED_OFF.value, EventType.CHILD_ABSENT.value}


@dataclass(frozen=True)
class Refusal:
    uuid: str
    code: str
    reason: str


class _Known:
    """What the batch's events name, looked up once for the whole batch."""

    def __init__(self, db: Session, records: Sequence[EventRecord], kiosk_id: int) -> None:
        self.rows: dict[str, dict[int, bool]] = {}  # column -> id -> deleted?
        for column, (model, _) in REFERENCES.items():
            ids = {getattr(r, column) for r in records} - {None}
            query = select(model.id, model.deleted_at).where(model.id.in_(ids))
            self.rows[column] = {i: d is not None for i, d in db.execute(query)} if ids else {}
        refs = {r.ref for r in records} - {None}
        query = select(Event.uuid, Event.type).where(Event.uuid.in_(refs))
        self.refs: dict[str, str] = {u: t for u, t in db.execute(query)} if refs else {}
        self.refs.update({r.uuid: str(r.type) for r in records})
        keys = select(SigningKey.public_key).where(SigningKey.kiosk_id == kiosk_id)
        self.keys = set(db.scalars(keys))
        links = {(r.seal.signer, r.seal.device_seq) for r in records if r.seal is not None}
        self.links = _links_taken(db, links)


def _links_taken(db: Session, links: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    if not links:
        return {}
    signers = {signer for signer, _ in links}
    query = select(Event.signer, Event.device_seq, Event.uuid).where(
        Event.signer.in_(signers), Event.device_seq.in_({seq for _, seq in links})
    )
    taken = ((str(s), int(q or 0), str(u)) for s, q, u in db.execute(query))
    return {(s, q): u for s, q, u in taken if (s, q) in links}


def check_batch(db: Session, records: Sequence[EventRecord], *, kiosk_id: int) -> list[Refusal]:
    """Every event of the batch that must not go in the record, and why."""
    known = _Known(db, records, kiosk_id)
    refusals = []
    for record in records:
        problem = _signature(record, known) or _sense(record, known)
        if problem is not None:
            refusals.append(Refusal(record.uuid, *problem))
        elif record.seal is not None:  # the next event claiming this link is a copy
            known.links[(record.seal.signer, record.seal.device_seq)] = record.uuid
    return refusals


def _signature(record: EventRecord, known: _Known) -> tuple[str, str] | None:
    seal = record.seal
    if seal is None:
        return "unsigned", "The event is not signed with this kiosk's key."
    if seal.signer not in known.keys:
        return "unknown_signer", "The event is signed with a key that is not this kiosk's."
    if DEVICE_TIME in record.payload:
        return "reserved_field", f"payload.{DEVICE_TIME} is the hub's own; a kiosk never sends it."
    if (problem := seal_problem(record, public_key(seal.signer))) is not None:
        return "bad_signature", f"Not as this kiosk signed it: {problem}."
    taken = known.links.get((seal.signer, seal.device_seq))
    if taken is not None and taken != record.uuid:
        return "sequence_reused", f"This kiosk's event {seal.device_seq} was already another."
    return None


def _sense(record: EventRecord, known: _Known) -> tuple[str, str] | None:
    for column, (_, words) in REFERENCES.items():
        value = getattr(record, column)
        if value is not None and value not in known.rows[column]:
            return f"unknown_{column.removesuffix('_id')}", f"There is no {words} {value}."
    kind = record.type
    if kind in STAFF_CONFIRMS:
        if record.staff_id is None:
            return "no_staff", f"A {kind} must name the member of staff who confirmed it."
        if known.rows["staff_id"][record.staff_id]:
            return "staff_deleted", f"Member of staff {record.staff_id} no longer works here."
    if kind in REFERS_TO:
        wanted, words = REFERS_TO[kind]
        if record.ref is None or known.refs.get(record.ref) != wanted.value:
            return (
                f"unknown_{wanted.value.split('_')[0]}",
                f"There is no such {words}: {record.ref}.",
            )
    if kind == EventType.ALERT_RAISED and record.payload.get("reason") in OFFICE_ONLY_REASONS:
        return "office_only", "Only the office raises this alert."
    if kind in OFFICE_ONLY_KINDS:
        return "office_only", "Only the office writes this kind of event."
    return None
