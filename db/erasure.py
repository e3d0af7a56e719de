"""Erasing a person's values from the events that name them (UK GDPR), without breaking the
chains: the chain commits to a payload only through its salted digest (db/signing.py), so the
values and the salt go, the digest stays, and ``handover verify`` still passes. What is kept is
what says what happened without saying who: the kind of alert, the method, the checks made.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Event
from db.signing import DEVICE_TIME

# Payload keys that name no one (the rest — names, notes, ID documents — are erased).
KEPT = frozenset(
    {"reason", "severity", "method", "checks", "together", "arrival_known_here", "kiosk_id",
     "free_space_bytes", DEVICE_TIME}
)  # fmt: skip
ERASED = "erased"  # set in an erased payload, so the register can say so


def erase_event_values(db: Session, *, child_ids: Sequence[int], adult_ids: Sequence[int]) -> int:
    """Blank the personal values of every event naming these children or adults, and drop
    each event's salt; the caller commits. Returns how many events were changed."""
    if not child_ids and not adult_ids:
        return 0
    naming = or_(Event.child_id.in_(list(child_ids)), Event.adult_id.in_(list(adult_ids)))
    changed = 0
    for event in db.scalars(select(Event).where(naming)):
        payload = event.payload or {}
        event.payload = {k: v for k, v in payload.items() if k in KEPT} | {ERASED: True}
        event.payload_salt = None
        changed += 1
    return changed
