"""The audit log, read-only: every view of a child's sensitive fields and every change to people
data, with who and when. Manager only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from admin.deps import ManagerOnly, SessionDep
from admin.templating import render
from db.models import AuditEntry, Staff
from db.names import full_name

router = APIRouter()
PAGE = 200


@router.get("/audit")
def audit_page(
    request: Request,
    me: ManagerOnly,
    db: SessionDep,
    entity: str = "",
    entity_id: str = "",
    actor: str = "",
    action: str = "",
    before: int = 0,
) -> Response:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if before:
        query = query.where(AuditEntry.id < before)
    entries = db.scalars(query).all()
    staff = {
        f"staff:{i}": full_name(f, last)
        for i, f, last in db.execute(select(Staff.id, Staff.first_name, Staff.last_name))
    }
    entities = sorted(db.scalars(select(AuditEntry.entity).distinct()).all())
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "staff": staff,
            "entities": entities,
            "filters": {"entity": entity, "entity_id": entity_id, "actor": actor, "action": action},
            "more": entries[-1].id if len(entries) == PAGE else None,
        },
    )
