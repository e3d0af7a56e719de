"""Events the office itself writes (acknowledgements, resolutions), as the kiosk would: a UUID
made here, the device "office", the member of staff who acted, and the time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy.orm import Session

from admin.hub_key import OFFICE, seal_office_events
from admin.ops.logs import log_alerts
from db.events import append_events
from db.timeline import EventRecord
from db.vocabulary import EventType

DEVICE = OFFICE


def record_office_event(
    db: Session,
    type_: EventType,
    *,
    now: datetime,
    staff_id: int | None,  # None: a parent, from the parents' page
    ref: str | None = None,
    child_id: int | None = None,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    room_id: int | None = None,
) -> EventRecord:
    """Appends and commits one event; ``occurred_at`` when it happened before it is written
    (a departure recorded after the fact): the record keeps both times."""
    record = EventRecord(
        uuid=str(uuid4()),
        type=type_,
        occurred_at=occurred_at or now,
        device=DEVICE,
        child_id=child_id,
        staff_id=staff_id,
        room_id=room_id,
        ref=ref,
        payload=payload or {},
    )
    (record,) = seal_office_events(db, [record])
    append_events(db, [record])
    db.commit()
    log_alerts([record])
    return record
