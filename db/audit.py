"""Versions and the audit log, kept by SQLAlchemy session hooks so no caller can forget them.

Every flush that creates, changes or tombstones people data takes the next value of the one
version counter for those rows, and writes one audit entry per row naming the actor
(``session.info["actor"]``), the fields changed, and their values except for secrets and
sensitive fields, whose values never reach the log.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction

from db.clock import utc_now
from db.models import AuditEntry, VersionCounter, Versioned

ACTOR_KEY = "actor"
_installed = False


def install() -> None:
    """Idempotent: hooks on the Session class serve every session of the process."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _assign_versions)
    event.listen(Session, "after_flush", _write_audit)
    _installed = True


def set_actor(session: Session, actor: str) -> None:
    session.info[ACTOR_KEY] = actor


def next_version(session: Session) -> int:
    bump = (
        update(VersionCounter).where(VersionCounter.id == 1).values(value=VersionCounter.value + 1)
    )
    if session.execute(bump).rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(VersionCounter).values(id=1, value=1))
    value = session.execute(select(VersionCounter.value).where(VersionCounter.id == 1))
    return int(value.scalar_one())


def _new_and_changed(session: Session) -> tuple[list[Versioned], list[Versioned]]:
    """People rows created, and people rows changed, in this flush. ``Session.new`` and
    ``Session.dirty`` build a fresh set on every access, so each is read once: asking
    ``obj in session.new`` per row made a spreadsheet import quadratic in its size."""
    created = [o for o in session.new if isinstance(o, Versioned)]
    changed = [
        o
        for o in session.dirty
        if isinstance(o, Versioned) and session.is_modified(o, include_collections=False)
    ]
    return created, changed


def _assign_versions(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    if any(isinstance(o, Versioned) for o in session.deleted):
        raise RuntimeError("people data is tombstoned (deleted_at), never deleted outright")
    created, changed = _new_and_changed(session)
    if not created and not changed:
        return
    version = next_version(session)
    for row in (*created, *changed):
        row.version = version


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _changes(obj: Versioned, *, created: bool) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for column in state.mapper.columns:
        if column.key in ("version",):
            continue
        history = state.attrs[column.key].history
        if not history.has_changes():
            continue
        new = history.added[0] if history.added else None
        if created and new is None:
            continue
        if column.info.get("secret") or column.info.get("sensitive"):
            changes[column.key] = "(changed)" if not created else "(set)"
        elif created:
            changes[column.key] = _plain(new)
        else:
            old = history.deleted[0] if history.deleted else None
            changes[column.key] = [_plain(old), _plain(new)]
    return changes


def _write_audit(session: Session, _ctx: UOWTransaction) -> None:
    actor = str(session.info.get(ACTOR_KEY, "system"))
    now = utc_now()
    entries = []
    new_rows, changed_rows = _new_and_changed(session)
    rows = [(obj, True) for obj in new_rows] + [(obj, False) for obj in changed_rows]
    for obj, created in rows:
        changes = _changes(obj, created=created)
        if not changes:
            continue
        action = "create" if created else "update"
        if not created and "deleted_at" in changes and obj.deleted_at is not None:
            action = "delete"
        entries.append(
            {
                "at": now,
                "actor": actor,
                "action": action,
                "entity": obj.__tablename__,  # type: ignore[attr-defined]
                "entity_id": str(inspect(obj).mapper.primary_key_from_instance(obj)[0]),
                "changes": changes,
            }
        )
    if entries:
        session.execute(insert(AuditEntry), entries)


def record_view(session: Session, *, entity: str, entity_id: object, fields: list[str]) -> None:
    """A view of sensitive fields (R12): who looked at what, and when. The caller commits."""
    session.add(
        AuditEntry(
            at=utc_now(),
            actor=str(session.info.get(ACTOR_KEY, "system")),
            action="view",
            entity=entity,
            entity_id=str(entity_id),
            changes={"fields": fields},
        )
    )


def record_action(
    session: Session,
    *,
    at: datetime,
    action: str,
    entity: str,
    entity_id: object,
    what: dict[str, Any],
) -> None:
    """An office action that changes no versioned row (a card e-mailed, the mail settings
    saved): who did it, to what, and when. ``what`` names things, never a secret. The caller
    commits."""
    session.add(
        AuditEntry(
            at=at,
            actor=str(session.info.get(ACTOR_KEY, "system")),
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            changes=what,
        )
    )
