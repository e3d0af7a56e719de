"""Settings › Sessions, Rooms and Ratios: list, add, change and remove the rows a setting is
made of (admin/office/setting_rows.py says what each kind holds). Each change is audited and,
for sessions and rooms, pulled by every kiosk on its next sync. Manager only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import not_found
from admin.forms import Checked
from admin.office.nursery import wizard_bar
from admin.office.setting_rows import KINDS, RowKind, live_rows, offer_eyfs_ratios
from admin.templating import render

router = APIRouter()


def _kind(key: str) -> RowKind:
    if key not in KINDS:
        raise not_found()
    return KINDS[key]


def _row(db: Session, kind: RowKind, row_id: int) -> Any:
    row: Any = db.get(kind.model, row_id)
    if row is None or row.deleted_at is not None:
        raise not_found(f"That {kind.one}")
    return row


def _shown(value: Any) -> str:
    return (
        "" if value is None else value.strftime("%H:%M") if hasattr(value, "hour") else str(value)
    )


def _page(
    request: Request, db: Session, kind: RowKind, wizard: bool, status: int = 200, **more: Any
) -> Response:
    context: dict[str, Any] = {
        "kind": kind,
        "rows": live_rows(db, kind),
        "wizard": wizard_bar(db, kind.key) if wizard else None,
        "values": {},
        "errors": {},
        "problem": "",
    } | more
    return render(request, "setting_rows.html", context, status)


def _back(kind: RowKind, wizard: bool) -> Response:
    return RedirectResponse(
        f"/settings/{kind.key}?saved=1{'&wizard=1' if wizard else ''}", status_code=303
    )


@router.get("/settings/{key}")
def rows_page(
    request: Request, key: str, me: ManagerOnly, db: SessionDep, wizard: int = 0, saved: int = 0
) -> Response:
    return _page(request, db, _kind(key), bool(wizard), saved=saved)


@router.post("/settings/{key}")
def add_row(request: Request, key: str, form: FormDep, me: ManagerOnly, db: SessionDep) -> Response:
    kind = _kind(key)
    checked = Checked(form)
    values = kind.read(checked)
    wizard = checked.flag("wizard")
    if not checked.ok:
        typed = {f.name: checked.raw(f.name) for f in kind.fields}
        return _page(request, db, kind, wizard, 400, values=typed, errors=checked.errors)
    db.add(kind.model(**values))
    db.commit()
    return _back(kind, wizard)


@router.post("/settings/ratios/eyfs")
def take_eyfs_ratios(request: Request, form: FormDep, me: ManagerOnly, db: SessionDep) -> Response:
    offer_eyfs_ratios(db)
    db.commit()
    return _back(KINDS["ratios"], Checked(form).flag("wizard"))


@router.get("/settings/{key}/{row_id}")
def row_page(request: Request, key: str, row_id: int, me: ManagerOnly, db: SessionDep) -> Response:
    kind = _kind(key)
    row = _row(db, kind, row_id)
    values = {f.name: _shown(getattr(row, f.name)) for f in kind.fields}
    context = {"kind": kind, "row": row, "values": values, "errors": {}}
    return render(request, "setting_row.html", context)


@router.post("/settings/{key}/{row_id}")
def change_row(
    request: Request, key: str, row_id: int, form: FormDep, me: ManagerOnly, db: SessionDep
) -> Response:
    kind = _kind(key)
    row = _row(db, kind, row_id)
    checked = Checked(form)
    values = kind.read(checked)
    if not checked.ok:
        typed = {f.name: checked.raw(f.name) for f in kind.fields}
        context = {"kind": kind, "row": row, "values": typed, "errors": checked.errors}
        return render(request, "setting_row.html", context, 400)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    db.commit()
    return _back(kind, False)


@router.post("/settings/{key}/{row_id}/remove")
def remove_row(
    request: Request,
    key: str,
    row_id: int,
    form: FormDep,
    me: ManagerOnly,
    db: SessionDep,
    now: NowDep,
) -> Response:
    kind = _kind(key)
    row = _row(db, kind, row_id)
    problem = kind.in_use(db, row)
    if problem:
        return _page(request, db, kind, False, 409, problem=problem)
    row.deleted_at = now  # a tombstone: the kiosks hear of it on their next pull
    db.commit()
    return _back(kind, False)
