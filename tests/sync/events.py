"""Plain event builders for the sync tests, and a look at what the hub stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Event
from db.timeline import EventRecord
from db.vocabulary import EventType


def arrival(child_id: int, adult_id: int, *, minutes_ago: int = 0) -> EventRecord:
    return EventRecord(
        uuid=str(uuid4()),
        type=EventType.CHILD_ARRIVED,
        occurred_at=utc_now() - timedelta(minutes=minutes_ago),
        device="front-door",
        child_id=child_id,
        adult_id=adult_id,
    )


def as_json(event: EventRecord) -> dict[str, Any]:
    return {
        "uuid": event.uuid,
        "type": str(event.type),
        "occurred_at": event.occurred_at.isoformat(),
        "device": event.device,
        "child_id": event.child_id,
        "adult_id": event.adult_id,
        "payload": dict(event.payload),
    }


def hub_event_uuids(url: str, *, device: str | None = None) -> list[str]:
    """The UUIDs the hub holds, in the order it stored them."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            query = select(Event.uuid).order_by(Event.seq)
            if device is not None:
                query = query.where(Event.device == device)
            return list(db.scalars(query))
    finally:
        engine.dispose()
