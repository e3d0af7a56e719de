"""The audit log, read-only: every view and every change of people data, with who and when.
Filters answer a data-protection officer's questions, such as "who looked at Mia's record this
month": a person, a member of staff (or a door), what was done, and a range of days.
Manager only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from admin.dates import order_for
from admin.deps import ManagerOnly, SessionDep
from admin.forms import AskedDays
from admin.office.viewing import record_people_seen
from admin.templating import render
from db.clock import local_day_bounds
from db.models import Adult, AuditEntry, Child, Kiosk, Staff
from db.names import full_name, sort_key
from db.register import setting_zone

router = APIRouter()
PAGE = 200
FILTERS = ("person", "entity", "entity_id", "actor", "action", "start", "end")


def _filtered(db: Session, query: Select[Any], f: dict[str, str], asked: AskedDays) -> Select[Any]:
    entity, _, entity_id = f["person"].partition(":")
    for column, value in (
        (AuditEntry.entity, entity or f["entity"]),
        (AuditEntry.entity_id, entity_id or f["entity_id"]),
        (AuditEntry.actor, f["actor"]),
        (AuditEntry.action, f["action"]),
    ):
        if value:
            query = query.where(column == value)
    zone = setting_zone(db)
    if first := asked.typed("start", f["start"]):
        query = query.where(AuditEntry.at >= local_day_bounds(first, zone)[0])
    if last := asked.typed("end", f["end"]):
        query = query.where(AuditEntry.at < local_day_bounds(last + timedelta(days=1), zone)[0])
    return query


def _people(db: Session) -> list[tuple[str, str]]:
    """Everyone the log can be filtered by, as ("children:12", "Mia Khan (child)")."""
    options = []
    for entity, model, kind in (("children", Child, "child"), ("adults", Adult, "adult"),
                                ("staff", Staff, "staff")):  # fmt: skip
        for i, first, last in db.execute(select(model.id, model.first_name, model.last_name)):
            options.append((f"{entity}:{i}", f"{full_name(first, last)} ({kind})"))
    return sorted(options, key=lambda o: sort_key(o[1]))


@router.get("/audit")
def audit_page(
    request: Request,
    me: ManagerOnly,
    db: SessionDep,
    person: str = "",
    entity: str = "",
    entity_id: str = "",
    actor: str = "",
    action: str = "",
    start: str = "",
    end: str = "",
    before: int = 0,
) -> Response:
    filters = dict(
        zip(FILTERS, (person, entity, entity_id, actor, action, start, end), strict=True)
    )
    asked = AskedDays(order_for(request))
    newest = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE)
    query = _filtered(db, newest, filters, asked)
    if before:
        query = query.where(AuditEntry.id < before)
    entries = db.scalars(query).all()
    who = {
        f"staff:{i}": full_name(f, last)
        for i, f, last in db.execute(select(Staff.id, Staff.first_name, Staff.last_name))
    }
    who |= {f"kiosk:{i}": f"{name} (kiosk)" for i, name in db.execute(select(Kiosk.id, Kiosk.name))}
    entities = sorted(db.scalars(select(AuditEntry.entity).distinct()).all())
    people = _people(db)
    # The log names people (the person filter, the values of their changes): reading it is
    # a view of them too, recorded once a session a day like any list.
    listed: dict[str, list[str]] = {}
    for option, _ in people:
        kind, _, person_id = option.partition(":")
        listed.setdefault(kind, []).append(person_id)
    record_people_seen(request, db, listed, "audit log")
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "staff": who,
            "actors": sorted(who.items(), key=lambda a: sort_key(a[1])),
            "people": people,
            "entities": entities,
            "filters": filters,
            "more": entries[-1].id if len(entries) == PAGE else None,
            "asked": asked,
        },
        status=asked.status,
    )
