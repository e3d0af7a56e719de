"""What a door sends: its outbox, in batches (``POST /events``, and the first batch of a
``POST /round``). Shared by both routes, so a batch is checked, refused, parked and stored the
same way whichever way it came.

A batch is stored in one transaction, idempotently by UUID: a resend after a lost reply stores
nothing twice. A batch that is too big or has one malformed event is refused whole, before
anything is written, so a kiosk never has to work out which half arrived.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.api.device_deps import ClockCheck
from admin.api.door_checks import check_batch
from admin.api.errors import ApiError, pair_again
from admin.api.parked import park
from admin.api.quota import KioskQuotas, refuse_over_quota
from admin.office.not_arrived import answer_arrivals
from admin.ops.logs import log_alerts
from db.audit import set_actor
from db.events import append_events, event_type
from db.models import Event, Kiosk
from db.timeline import EventRecord, Seal
from db.vocabulary import EventType

MAX_BATCH = 500
MAX_PAYLOAD_CHARS = 4000  # a note, a name, a few ids: an event is small
EARLIEST, LATEST = 2000, 2200  # years: a time outside them is a broken clock, not an event
# A kiosk's clock this close to the hub's is left alone: the figure is mostly network delay.
SKEW_TOLERANCE = 2.0


# A kiosk newer than this hub may send a kind of event this hub does not know yet. It is
# stored as sent and passed on to the other doors, never folded into a register here, so a door
# updated before the office keeps syncing (refusing it would hold up every event behind it).
EVENT_TYPE = Field(
    pattern=r"^[a-z][a-z0-9_]*$",
    max_length=40,
    description="One of: " + ", ".join(t.value for t in EventType) + " (a type this hub does "
    "not know yet is stored and passed on, but not counted in any register).",
    examples=[EventType.CHILD_ARRIVED.value],
)


class EventIn(BaseModel):
    uuid: UUID
    type: Annotated[str, EVENT_TYPE]
    occurred_at: AwareDatetime
    # Ignored: the device is the one the token and key belong to (set at pairing).
    device: str | None = Field(default=None, max_length=64)
    child_id: int | None = None
    adult_id: int | None = None
    staff_id: int | None = None
    visitor_id: int | None = None
    room_id: int | None = None
    ref: str | None = Field(default=None, max_length=36)
    payload: dict[str, Any] = Field(default_factory=dict)
    # The door's seal (db/signing.py): its key, the event's place in its chain, the signature.
    signer: str | None = Field(default=None, max_length=44)
    device_seq: int | None = Field(default=None, ge=1, le=2**62)
    prev_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    payload_digest: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    payload_salt: str | None = Field(default=None, max_length=32)
    signature: str | None = Field(default=None, max_length=88)

    @field_validator("occurred_at")
    @classmethod
    def _plausible(cls, occurred_at: datetime) -> datetime:
        if not EARLIEST <= occurred_at.year <= LATEST:
            raise ValueError(f"occurred_at must be between {EARLIEST} and {LATEST}")
        return occurred_at

    @field_validator("payload")
    @classmethod
    def _small(cls, payload: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(payload, default=str)) > MAX_PAYLOAD_CHARS:
            raise ValueError(f"payload is longer than {MAX_PAYLOAD_CHARS} characters")
        return payload

    def seal(self) -> Seal | None:
        if None in (self.signer, self.device_seq, self.prev_hash, self.payload_digest,
                    self.signature):  # fmt: skip
            return None
        return Seal(
            str(self.signer), int(self.device_seq or 0), str(self.prev_hash),
            str(self.payload_digest), self.payload_salt, str(self.signature),
        )  # fmt: skip

    def record(self, device: str) -> EventRecord:
        return EventRecord(
            uuid=str(self.uuid),
            type=event_type(self.type),
            occurred_at=self.occurred_at,
            device=device,
            child_id=self.child_id,
            adult_id=self.adult_id,
            staff_id=self.staff_id,
            visitor_id=self.visitor_id,
            room_id=self.room_id,
            ref=self.ref,
            payload=self.payload,
            seal=self.seal(),
        )


class EventOut(EventIn):
    seq: int
    device: str = Field(max_length=64)

    # What is stored is served as it is: the limits are for what comes in (a stored payload may
    # have grown by its device_time; an old row may predate a limit).
    @field_validator("occurred_at")
    @classmethod
    def _plausible(cls, occurred_at: datetime) -> datetime:
        return occurred_at

    @field_validator("payload")
    @classmethod
    def _small(cls, payload: dict[str, Any]) -> dict[str, Any]:
        return payload


class Batch(BaseModel):
    # No max_length here: an oversized batch is a 413 with its own code, not a 422.
    events: list[EventIn] = Field(min_length=1)


class Refused(BaseModel):
    """One event kept out of the record, and why: parked on the hub for the manager (the
    Kiosks page), and acknowledged like a stored one, so the door's outbox moves on."""

    uuid: str
    code: str
    reason: str


class Stored(BaseModel):
    stored: int
    duplicates: int
    refused: list[Refused] = Field(default_factory=list)
    server_time: datetime
    clock_skew_seconds: float | None  # the hub's clock minus the kiosk's (X-Device-Time)


def store_batch(
    db: Session,
    events: Sequence[EventIn],
    *,
    kiosk: Kiosk,
    clock: ClockCheck | None,
    quotas: KioskQuotas,
    now: datetime,
) -> Stored:
    """Store a batch, all or nothing, idempotently by UUID; commits. When the kiosk's clock
    (as it stamps events, after any correction it applies itself) is off by more than
    :data:`SKEW_TOLERANCE` seconds, each event is stored at its time on the hub's clock, and
    the kiosk's own time is kept in ``payload["device_time"]``: a door whose clock runs ten
    minutes fast still takes its place in the register among the other doors'."""
    if len(events) > MAX_BATCH:
        raise ApiError(413, "batch_too_large", f"Send at most {MAX_BATCH} events at a time.")
    if kiosk.device is None or kiosk.public_key is None:
        raise pair_again()
    set_actor(db, f"kiosk:{kiosk.id}")
    records = [e.record(kiosk.device) for e in events]
    # Before any signature is checked or refusal parked: both cost the hub, and parking stores.
    refuse_over_quota(db, quotas, kiosk, records, now)
    stored = set(db.scalars(select(Event.uuid).where(Event.uuid.in_([r.uuid for r in records]))))
    refusals = check_batch(db, [r for r in records if r.uuid not in stored], kiosk_id=kiosk.id)
    park(db, events, refusals, kiosk_id=kiosk.id, now=now)
    refused = {r.uuid for r in refusals}
    records = [r for r in records if r.uuid not in refused]
    if clock is not None and abs(clock.residual) > SKEW_TOLERANCE:
        records = [_on_hub_time(r, clock.residual) for r in records]
    fresh = append_events(db, records)
    db.commit()
    log_alerts(fresh, kiosk=kiosk.id)
    answer_arrivals(db, fresh, now)  # a not-arrived alert is answered with the arrival
    return Stored(
        stored=len(fresh),
        duplicates=len(records) - len(fresh),
        refused=[Refused(uuid=r.uuid, code=r.code, reason=r.reason) for r in refusals],
        server_time=now,
        clock_skew_seconds=clock.skew if clock else None,
    )


def _on_hub_time(record: EventRecord, skew: float) -> EventRecord:
    payload = {**record.payload, "device_time": record.occurred_at.isoformat()}
    return replace(
        record, occurred_at=record.occurred_at + timedelta(seconds=skew), payload=payload
    )
