"""Photos, served only to signed-in staff and never cached by shared caches."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from admin.deps import CurrentStaff, SessionDep
from admin.errors import not_found
from admin.office.viewing import record_seen
from db.models import Adult, Child, OneOffPermission, Staff

router = APIRouter()
ENTITY = {
    "child": "children",
    "adult": "adults",
    "staff": "staff",
    "permission": "one_off_permissions",  # the photo a parent sent with the request
}


@router.get("/photos/{kind}/{person_id}")
def photo(
    kind: str, person_id: int, request: Request, me: CurrentStaff, db: SessionDep
) -> Response:
    row: Child | Adult | Staff | OneOffPermission | None = None
    if kind == "child":
        row = db.get(Child, person_id)
    elif kind == "adult":
        row = db.get(Adult, person_id)
    elif kind == "staff":
        row = db.get(Staff, person_id)
    elif kind == "permission":
        row = db.get(OneOffPermission, person_id)
    if row is None or row.photo is None or row.deleted_at is not None:
        raise not_found("That photo")
    record_seen(request, db, ENTITY[kind], [person_id], "photo")
    return Response(
        row.photo, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"}
    )
