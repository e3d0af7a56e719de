"""Children's photos in bulk from a zip: a preview of which photo goes to which child, with
every file that cannot be used said in words, and nothing saved until the manager confirms.
Manager only. The zip itself is bounded by the panel's body limit for staff (10 MB,
admin/api/limits.py); the preview carries back only the small re-encoded photos."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from admin.api.limits import STAFF_BODY
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.forms import Checked
from admin.office.children import child_context, get_child
from admin.office.photo_zip import PhotoPlan, UnreadableZip, plan_photos, save_photos
from admin.office.viewing import record_seen
from admin.templating import render

router = APIRouter()
PHOTO_FIELD = "photo_"  # photo_<child id>: a re-encoded photo carried by the preview


def _page(
    request: Request,
    *,
    plan: PhotoPlan | None = None,
    problem: str = "",
    saved: int | None = None,
    status: int = 200,
) -> Response:
    photos = {
        line.child_id: base64.b64encode(line.photo).decode("ascii")
        for line in (plan.matched if plan else [])
    }
    context = {"plan": plan, "problem": problem, "saved": saved, "photos": photos}
    return render(request, "children_photos.html", context, status=status)


@router.get("/children/photos")
def photos_page(request: Request, staff: ManagerOnly, saved: int | None = None) -> Response:
    return _page(request, saved=saved)


@router.post("/children/photos")
def preview(request: Request, form: FormDep, staff: ManagerOnly, db: SessionDep) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, problem="Choose the zip of photos first.", status=400)
    data = upload.file.read(STAFF_BODY + 1)
    try:
        plan = plan_photos(db, data)
    except UnreadableZip as exc:
        return _page(request, problem=str(exc), status=400)
    record_seen(request, db, "children", [line.child_id for line in plan.matched], "photos")
    return _page(request, plan=plan)


@router.post("/children/photos/confirm")
def confirm(request: Request, form: FormDep, staff: ManagerOnly, db: SessionDep) -> Response:
    photos: dict[int, bytes] = {}
    try:
        for key, value in form.multi_items():
            child_id = key.removeprefix(PHOTO_FIELD)
            if key.startswith(PHOTO_FIELD) and child_id.isdigit() and isinstance(value, str):
                photos[int(child_id)] = base64.b64decode(value, validate=True)
        saved = save_photos(db, photos)
    except (binascii.Error, ValueError):
        db.rollback()
        problem = "The preview was damaged on its way back, so nothing was saved: try again."
        return _page(request, problem=problem, status=400)
    db.commit()
    return RedirectResponse(f"/children/photos?saved={saved}", status_code=303)


@router.post("/children/{child_id}/photo")
def one_photo(
    request: Request,
    child_id: int,
    form: FormDep,
    staff: ManagerOnly,
    db: SessionDep,
    now: NowDep,
) -> Response:
    """One photo from the child's page: on a tablet the input opens the camera. Re-encoded as
    every upload is (admin/forms.py); the change is audited by the session hooks."""
    child = get_child(db, child_id)
    checked = Checked(form)
    photo = checked.photo()
    if photo is None:
        problem = checked.errors.get("photo", "Choose or take a photo first.")
        context = child_context(db, child, now) | {"photo_problem": problem}
        return render(request, "child.html", context, status=400)
    child.photo = photo
    db.commit()
    return RedirectResponse(f"/children/{child.id}?saved=1", status_code=303)
