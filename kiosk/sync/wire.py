"""Events as they cross the network: what the door sends, and what it makes of what it pulls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from db.events import seal_of, seal_values
from db.models import Event
from db.timeline import EventRecord, Seal
from db.vocabulary import EventType


def event_json(row: Event) -> dict[str, Any]:
    return {
        "uuid": row.uuid,
        "type": row.type,
        "occurred_at": row.occurred_at.isoformat(),
        "device": row.device,
        "child_id": row.child_id,
        "adult_id": row.adult_id,
        "staff_id": row.staff_id,
        "visitor_id": row.visitor_id,
        "room_id": row.room_id,
        "ref": row.ref,
        "payload": row.payload or {},
        **seal_values(seal_of(row)),
    }


def _seal(data: dict[str, Any]) -> Seal | None:
    """The seal served beside an event (its signer's chain), None on an unsigned one."""
    try:
        return Seal(
            str(data["signer"]), int(data["device_seq"]), str(data["prev_hash"]),
            str(data["payload_digest"]), data.get("payload_salt"), str(data["signature"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None


def record_of(data: dict[str, Any]) -> EventRecord:
    return EventRecord(
        uuid=str(data["uuid"]),
        type=EventType(data["type"]),
        occurred_at=datetime.fromisoformat(data["occurred_at"]),
        device=str(data["device"]),
        child_id=data.get("child_id"),
        adult_id=data.get("adult_id"),
        staff_id=data.get("staff_id"),
        visitor_id=data.get("visitor_id"),
        room_id=data.get("room_id"),
        ref=data.get("ref"),
        payload=data.get("payload") or {},
        seal=_seal(data),
    )
