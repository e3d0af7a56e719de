"""Bringing children and carers in from a spreadsheet, and taking them all out in the same
columns. Manager only.

Uploading shows a preview and writes nothing. The preview carries the file itself and the
digest of its plan in hidden fields; confirming plans the file again and writes only if the
plan is the one the manager saw, so a file swapped or a record edited in between is refused.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.office.exporting import export_file, template_file
from admin.office.import_writing import apply_plan
from admin.office.importing import Plan, plan_import
from admin.office.spreadsheet import UnreadableFile
from admin.office.viewing import record_people_seen, record_seen
from admin.templating import render
from db.clock import local_day
from db.models import Authorisation, Child
from db.register import setting_zone

router = APIRouter()
MAX_FILE = 4 * 1024 * 1024  # a thousand children with carers is well under 1 MB
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, name: str) -> Response:
    xlsx = name.endswith(".xlsx")
    return Response(
        data,
        media_type=XLSX_TYPE if xlsx else "text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/children/import")
def import_page(request: Request, staff: ManagerOnly) -> Response:
    return render(request, "children_import.html", {"plan": None, "problem": ""})


@router.get("/children/import/template.{kind}")
def template(kind: str, staff: ManagerOnly) -> Response:
    if kind not in ("csv", "xlsx"):
        return RedirectResponse("/children/import", status_code=303)
    return _download(template_file(xlsx=kind == "xlsx"), f"handover-children.{kind}")


@router.get("/children/export.{kind}")
def export(request: Request, kind: str, staff: ManagerOnly, db: SessionDep) -> Response:
    if kind not in ("csv", "xlsx"):
        return RedirectResponse("/children", status_code=303)
    children = db.scalars(select(Child.id).where(Child.deleted_at.is_(None))).all()
    carers = db.scalars(
        select(Authorisation.adult_id).where(
            Authorisation.deleted_at.is_(None), Authorisation.child_id.in_(children)
        )
    ).all()
    record_people_seen(request, db, {"children": children, "adults": carers}, "export")
    return _download(export_file(db, xlsx=kind == "xlsx"), f"children-and-carers.{kind}")


def _preview(
    request: Request, db: Session, plan: Plan, data: bytes, *, problem: str = "", status: int = 200
) -> Response:
    record_seen(request, db, "children", [r.child_id for r in plan.rows if r.child_id], "import")
    context: dict[str, Any] = {
        "plan": plan,
        "file": base64.b64encode(data).decode("ascii"),
        "problem": problem,
    }
    return render(request, "children_import.html", context, status=status)


def _plan(db: Session, data: bytes, now: datetime) -> Plan:
    return plan_import(db, data, local_day(now, setting_zone(db)))


def _unreadable(request: Request, message: str) -> Response:
    context = {"plan": None, "problem": message[0].upper() + message[1:] + "."}
    return render(request, "children_import.html", context, status=400)


@router.post("/children/import")
def preview(
    request: Request, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _unreadable(request, "choose the spreadsheet to import first")
    data = upload.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        return _unreadable(request, "that file is over 4 MB: is it the right one?")
    try:
        plan = _plan(db, data, now)
    except UnreadableFile as exc:
        return _unreadable(request, str(exc))
    return _preview(request, db, plan, data, status=400 if plan.problems else 200)


@router.post("/children/import/confirm")
def confirm(
    request: Request, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    try:
        data = base64.b64decode(str(form.get("file", "")), validate=True)
        plan = _plan(db, data, now)
    except (binascii.Error, UnreadableFile):
        return _unreadable(
            request, "the preview was damaged on its way back: upload the file again"
        )
    if plan.digest != form.get("digest"):
        changed = (
            "The records or the file changed since that preview, so nothing was imported. "
            "This is the new preview: check it and confirm again."
        )
        return _preview(request, db, plan, data, problem=changed, status=409)
    if plan.problems:
        return _preview(request, db, plan, data, status=400)
    apply_plan(db, plan, now)
    db.commit()
    added, updated = plan.count("add"), plan.count("update")
    return RedirectResponse(f"/children?imported={added}&updated={updated}", status_code=303)
