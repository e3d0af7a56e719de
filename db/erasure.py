"""Erasing a person's values from the events that name them (UK GDPR), without breaking the
chains: the chain commits to a payload only through its salted digest (db/signing.py), so the
values and the salt go, the digest stays, and ``handover verify`` still passes. What is kept is
what says what happened without saying who: the kind of alert, the method, the checks made.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Event, Notice, RefusedEvent
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


def scrub_audit(db: Session, rows: dict[str, list[object]]) -> int:
    """Keep *that* each of these rows was created, changed or erased, by whom and when, and
    which fields: never the values (the log held a child's name and date of birth long after
    the child was erased). Views already hold field names only. The caller commits."""
    scrubbed = 0
    for entity, ids in rows.items():
        if not ids:
            continue
        entries = db.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == entity,
                AuditEntry.entity_id.in_([str(i) for i in ids]),
                AuditEntry.action != "view",
            )
        )
        for entry in entries:
            entry.changes = {"fields": sorted(entry.changes or {}), ERASED: True}
            scrubbed += 1
    return scrubbed


def erase_refused_events(db: Session, *, child_ids: Sequence[int], adult_ids: Sequence[int]) -> int:
    """A refused event naming an erased person keeps its kind and why it was refused, not its
    body. Refused events are few (the Kiosks page shows them), so they are read whole."""
    children, adults = set(child_ids), set(adult_ids)
    erased = 0
    for refused in db.scalars(select(RefusedEvent)):
        body = refused.body or {}
        if body.get("child_id") in children or body.get("adult_id") in adults:
            refused.body = {ERASED: True}
            erased += 1
    return erased


def compact(engine: Engine) -> None:
    """After an erasure, leave no old copy of the values in the file: SQLite keeps deleted and
    overwritten rows in free pages and in its write-ahead log until they are reused. VACUUM
    rewrites the file from live rows; the checkpoint empties the log. PostgreSQL's own VACUUM
    (autovacuum) reclaims dead rows; their bytes are reused, not read back by any query."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def erase_notices(db: Session, *, child_ids: Sequence[int], adult_ids: Sequence[int]) -> int:
    """E-mail notices about an erased child or to an erased adult go with them: each holds a
    name and an address, and a sent notice has done its work."""
    found = db.execute(
        delete(Notice).where(
            or_(Notice.child_id.in_(list(child_ids)), Notice.to_adult_id.in_(list(adult_ids)))
        )
    )
    return int(getattr(found, "rowcount", 0) or 0)
