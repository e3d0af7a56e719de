"""Photos, served only to signed-in staff and never cached by shared caches."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from admin.deps import CurrentStaff, SessionDep
from admin.errors import not_found
from db.models import Adult, Child, Staff

router = APIRouter()


@router.get("/photos/{kind}/{person_id}")
def photo(kind: str, person_id: int, me: CurrentStaff, db: SessionDep) -> Response:
    row: Child | Adult | Staff | None = None
    if kind == "child":
        row = db.get(Child, person_id)
    elif kind == "adult":
        row = db.get(Adult, person_id)
    elif kind == "staff":
        row = db.get(Staff, person_id)
    if row is None or row.photo is None or row.deleted_at is not None:
        raise not_found("That photo")
    return Response(
        row.photo, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"}
    )
