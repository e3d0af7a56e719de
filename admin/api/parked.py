"""Events the hub refused from a door, kept aside (``refused_events``) for the manager.

Parked rather than answered with an error: the door marks them sent and its outbox moves on,
so one event the hub will never take (a child deleted in the office while the door was offline,
a signature that does not match) cannot hold up the arrivals and collections behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.api.door_checks import Refusal
from admin.ops.logs import log_event
from db.models import RefusedEvent


def park(
    db: Session,
    sent: Sequence[BaseModel],
    refusals: Sequence[Refusal],
    *,
    kiosk_id: int,
    now: datetime,
) -> None:
    """Keep each refused event once (a resend is refused again, not parked twice); the
    caller commits."""
    if not refusals:
        return
    bodies: dict[str, dict[str, Any]] = {}
    for event in sent:
        body = event.model_dump(mode="json")
        bodies[str(body["uuid"])] = body
    wanted = [r.uuid for r in refusals]
    kept = set(db.scalars(select(RefusedEvent.uuid).where(RefusedEvent.uuid.in_(wanted))))
    for refusal in refusals:
        if refusal.uuid in kept:
            continue
        kept.add(refusal.uuid)
        body = bodies.get(refusal.uuid, {})
        db.add(
            RefusedEvent(
                uuid=refusal.uuid, kiosk_id=kiosk_id, received_at=now,
                type=str(body.get("type", ""))[:40], code=refusal.code,
                reason=refusal.reason[:300], body=body,
            )
        )  # fmt: skip
        log_event("event_refused", kiosk=kiosk_id, code=refusal.code)
