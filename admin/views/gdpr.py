"""Privacy (GDPR): a family's subject-access export, and the retention purge (dry run first,
then confirm). Manager only."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from admin.csv_files import csv_text
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import HubError
from admin.office.children import SENSITIVE_FIELDS, get_child
from admin.office.viewing import record_seen
from admin.ops.logs import log_event
from admin.retention import carry_out, plan_purge
from admin.templating import render
from db.audit import record_view
from db.clock import local_day
from db.erasure import compact
from db.models import Adult, Authorisation, Child, Event, OneOffPermission, Setting
from db.names import sort_key
from db.register import Names, setting_zone

router = APIRouter()
CHILD_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "date_of_birth",
    "started_on",
    "left_on",
    *SENSITIVE_FIELDS,
)
ADULT_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "language",
    "notify_arrivals",
    "notify_late",
)
README = """Subject-access export from Handover.

child.json        the child's record, including the details kept securely
adults.json       the adults who may collect the child, and how they are related
permissions.json  one-off written permissions to collect
events.csv        every arrival, collection, acknowledgement and alert about the child
photos/           the photos held

Records of people who must not collect the child concern a third party and are not included;
ask the manager, who will review them with you.
"""


def _plain(row: object, fields: tuple[str, ...]) -> dict[str, Any]:
    values = {f: getattr(row, f) for f in fields}
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def _events_csv(db: Session, child: Child, names: Names) -> str:
    rows = db.scalars(select(Event).where(Event.child_id == child.id).order_by(Event.occurred_at))
    return csv_text(
        ("time (UTC)", "what", "device", "adult", "staff", "details"),
        (
            (
                e.occurred_at.isoformat(),
                e.type,
                e.device,
                names.adults.get(e.adult_id or -1, ""),
                names.staff.get(e.staff_id or -1, ""),
                json.dumps(e.payload or {}, ensure_ascii=False),
            )
            for e in rows
        ),
    )


def export_zip(db: Session, child: Child) -> bytes:
    names = Names.load(db)
    links = db.execute(
        select(Authorisation, Adult)
        .join(Adult, Adult.id == Authorisation.adult_id)
        .where(Authorisation.child_id == child.id, Authorisation.deleted_at.is_(None))
    ).all()
    permissions = db.scalars(
        select(OneOffPermission).where(
            OneOffPermission.child_id == child.id, OneOffPermission.deleted_at.is_(None)
        )
    ).all()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr(
            "child.json", json.dumps(_plain(child, CHILD_FIELDS), indent=2, ensure_ascii=False)
        )
        adults = [
            _plain(a, ADULT_FIELDS)
            | {
                "relationship": auth.relationship,
                "parental_responsibility": auth.parental_responsibility,
            }
            for auth, a in links
        ]
        archive.writestr("adults.json", json.dumps(adults, indent=2, ensure_ascii=False))
        archive.writestr(
            "permissions.json",
            json.dumps(
                [
                    {
                        "adult": names.adults.get(p.adult_id, ""),
                        "valid_from": p.valid_from.isoformat(),
                        "valid_to": p.valid_to.isoformat(),
                        "taken_by": names.staff.get(p.taken_by_staff_id),
                        "taken_at": p.taken_at.isoformat(),
                        "note": p.note,
                    }
                    for p in permissions
                ],
                indent=2,
                ensure_ascii=False,
            ),
        )
        archive.writestr("events.csv", _events_csv(db, child, names))
        if child.photo:
            archive.writestr("photos/child.jpg", child.photo)
        for _, adult in links:
            if adult.photo:
                archive.writestr(f"photos/adult-{adult.id}.jpg", adult.photo)
    return buffer.getvalue()


@router.get("/privacy/export")
def export_chosen(me: ManagerOnly, child: int = 0) -> Response:
    return RedirectResponse(f"/privacy/export/child/{child}", status_code=303)


@router.get("/privacy/export/child/{child_id}")
def export(request: Request, child_id: int, me: ManagerOnly, db: SessionDep) -> Response:
    child = get_child(db, child_id)
    data = export_zip(db, child)
    record_view(db, entity="children", entity_id=child.id, fields=[*SENSITIVE_FIELDS, "export"])
    db.commit()
    carers = db.scalars(
        select(Authorisation.adult_id).where(
            Authorisation.child_id == child.id, Authorisation.deleted_at.is_(None)
        )
    )
    record_seen(request, db, "adults", carers, f"subject-access export of child {child.id}")
    name = f"subject-access-child-{child.id}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _setting(db: Session) -> Setting:
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    if setting is None:
        raise HubError(409, "no_setting", "The nursery's settings are missing.")
    return setting


@router.get("/privacy")
def privacy_page(
    request: Request, me: ManagerOnly, db: SessionDep, now: NowDep, done: int = 0
) -> Response:
    setting = _setting(db)
    plan = plan_purge(db, today=local_day(now, setting_zone(db)), years=setting.retention_years)
    children = sorted(
        db.scalars(select(Child).where(Child.deleted_at.is_(None))),
        key=lambda c: sort_key(c.last_name, c.first_name),
    )
    record_seen(request, db, "children", [c.id for c in children], "privacy page")
    return render(
        request,
        "privacy.html",
        {"plan": plan, "years": setting.retention_years, "done": done, "children": children},
    )


@router.post("/privacy/purge")
def purge(
    request: Request, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    setting = _setting(db)
    plan = plan_purge(db, today=local_day(now, setting_zone(db)), years=setting.retention_years)
    if form.get("plan") != plan.digest:
        raise HubError(
            409,
            "plan_changed",
            "What is due to be deleted has changed since the dry run you saw. Please look at "
            "the dry run again, and confirm it if it is right.",
        )
    carry_out(db, plan, now=now)
    db.commit()
    try:
        compact(request.app.state.engine)
    except OperationalError:  # another writer held on: the rows are erased; free pages wait
        log_event("compact_after_erasure_failed")
    return RedirectResponse("/privacy?done=1", status_code=303)
