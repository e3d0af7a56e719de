"""What parents send from the parents' page (issue 17 §3), and what the office does with it.

An absence is told to the office and acknowledged there. A one-off written permission asked for
by a parent is only a request: who would collect is a name typed on a phone, and a forged or
pressured request must not reach the door. It becomes a written permission only when a manager
accepts it, choosing the adult it names from the nursery's own records, with the same checks
as a permission taken at the desk; the permission is recorded as taken by that manager, then,
and every parent of the child is told by e-mail (admin/office/notices.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from admin.family_language import N_
from admin.forms import Checked
from admin.notice_language import _
from admin.office.family import audit_entry
from admin.office.notices import Words, name_of, queue_collection_change, tell_permission
from admin.office.parents_absences import ABSENCE_REQUEST, put_on_register
from db.clock import local_day
from db.models import (
    Adult,
    Child,
    FamilyCode,
    FamilyRequest,
    FamilySession,
    OneOffPermission,
    Staff,
)
from db.register import setting_zone

ABSENCE, PERMISSION = ABSENCE_REQUEST, "permission"
PENDING, ACCEPTED, DECLINED, SEEN = "pending", "accepted", "declined", "acknowledged"
LONGEST = 31  # days: a longer absence or permission is a conversation with the office
# A phone's photo is 2-5 MB; the body of a signed-in parent's form may be 10 (admin/app.py).
PARENTS_PHOTO_BYTES = 8 * 1024 * 1024


def _audit(db: Session, action: str, request: FamilyRequest, now: datetime) -> None:
    audit_entry(
        db,
        action=action,
        entity="family_requests",
        entity_id=request.id,
        now=now,
        kind=request.kind,
        child_id=request.child_id,
    )


def days_problem(first: date, last: date, *, today: date) -> str:
    """ "" or what is wrong with the days, in words the parents' page translates."""
    if last < first:
        return N_("The last day is before the first day.")
    if last < today:
        return N_("Those days are over: please tell the office directly.")
    if (last - first).days >= LONGEST:
        return N_("Please ask for 31 days at most, or talk to the office.")  # LONGEST
    return ""


def parents_photo(checked: Checked) -> bytes | None:
    """The photo of whoever a parent asks to collect, read as every photo is (admin/forms.py:
    checked, shrunk, re-encoded without its metadata); a problem in a parent's words."""
    upload = checked.form.get("photo")
    if isinstance(upload, UploadFile) and upload.size and upload.size > PARENTS_PHOTO_BYTES:
        checked.errors["photo"] = N_("That photo is too big: please choose one under 8 MB.")
        return None
    photo = checked.photo()
    if "photo" in checked.errors:
        checked.errors["photo"] = N_(
            "That file is not a photo we can use: please take a photo, or choose a JPEG or PNG."
        )
    return photo


def send_request(
    db: Session,
    *,
    kind: str,
    child: Child,
    parent: Adult,
    first: date,
    last: date,
    adult_name: str = "",
    reason: str = "",
    why: str = "other",
    photo: bytes | None = None,
    now: datetime,
) -> tuple[FamilyRequest, list[date]]:
    """Records a parent's request as pending, audited as that parent, and commits. An
    absence is on the register at once, in the same commit (``why`` one of db/vocabulary.py's
    reasons, ``reason`` the parent's words); the request stays for the office to see. Returns
    the request and the days put on the register as away."""
    request = FamilyRequest(
        kind=kind,
        child_id=child.id,
        from_adult_id=parent.id,
        made_at=now,
        first_day=first,
        last_day=last,
        adult_name=adult_name,
        reason=reason,
        photo=photo,
        status=PENDING,
    )
    db.add(request)
    db.flush()
    _audit(db, "request", request, now)
    away = put_on_register(db, request=request, why=why, now=now) if kind == ABSENCE else []
    db.commit()
    return request, away


@dataclass(frozen=True)
class PendingRequest:
    request: FamilyRequest
    child: str
    parent: str


def pending_requests(db: Session) -> list[PendingRequest]:
    rows = db.execute(
        select(FamilyRequest, Child, Adult)
        .join(Child, Child.id == FamilyRequest.child_id)
        .join(Adult, Adult.id == FamilyRequest.from_adult_id)
        .where(FamilyRequest.status == PENDING)
        .order_by(FamilyRequest.made_at)
    ).all()
    return [PendingRequest(r, name_of(c), name_of(a)) for r, c, a in rows]


def _decide(db: Session, request: FamilyRequest, status: str, by: Staff, now: datetime) -> None:
    request.status, request.decided_by_staff_id, request.decided_at = status, by.id, now
    _audit(db, status, request, now)


def accept_permission(
    db: Session, *, request: FamilyRequest, adult: Adult, by: Staff, now: datetime
) -> OneOffPermission:
    """The written permission the request asked for, taken by ``by`` now; the parents are
    told. The caller has checked the adult (their age, that they are the person named)."""
    child = db.get(Child, request.child_id)
    asked_by = db.get(Adult, request.from_adult_id)
    permission = OneOffPermission(
        child_id=request.child_id,
        adult_id=adult.id,
        valid_from=request.first_day,
        valid_to=request.last_day,
        taken_by_staff_id=by.id,
        taken_at=now,
        photo=request.photo,
        note=f"Asked for on the parents' page by {name_of(asked_by) if asked_by else 'a parent'}"
        f" ({request.made_at:%d %b %Y %H:%M} UTC), for {request.adult_name}."[:1000],
    )
    db.add(permission)
    db.flush()
    request.permission_id, request.photo = permission.id, None  # the permission carries it now
    _decide(db, request, ACCEPTED, by, now)
    if child is not None:
        tell_permission(db, permission=permission, by=by, now=now)
    db.commit()
    return permission


def decline_request(db: Session, *, request: FamilyRequest, by: Staff, now: datetime) -> None:
    """Declined or, for an absence, acknowledged; a declined permission is told to the
    parents, so the one who asked is not left thinking it stands."""
    child = db.get(Child, request.child_id)
    request.photo = None  # a declined request's photo has no more use
    if request.kind == ABSENCE:
        _decide(db, request, SEEN, by, now)
    else:
        _decide(db, request, DECLINED, by, now)
        if child is not None:
            what = Words(
                _(
                    "The request for {adult} to collect {child} was not accepted. "
                    "Please talk to the office."
                ),
                adult=request.adult_name,
                child=child.first_name,
            )
            queue_collection_change(db, child=child, what=what, by=by, now=now)
    db.commit()


def forget_past_photos(db: Session, now: datetime) -> int:
    """A permission's photo goes once its days are over: the door needed it for those days
    only. Through the ORM, so each change gets a sync version (the doors drop it too) and an
    audit entry. The caller commits; returns how many."""
    today = local_day(now, setting_zone(db))
    over = db.scalars(
        select(OneOffPermission).where(
            OneOffPermission.valid_to < today, OneOffPermission.photo.is_not(None)
        )
    ).all()
    for permission in over:
        permission.photo = None
    return len(over)


def requests_for(db: Session, child_id: int) -> list[FamilyRequest]:
    """A child's requests, newest first, for their parents to see how each stands."""
    query = select(FamilyRequest).where(FamilyRequest.child_id == child_id)
    return list(db.scalars(query.order_by(FamilyRequest.made_at.desc()).limit(20)))


def erase_family_records(
    db: Session, *, child_ids: Sequence[int], adult_ids: Sequence[int]
) -> None:
    """An erased child's or adult's requests, codes and parents' sessions go with them
    (admin/retention.py): each holds a reason, a name or an address, and has done its work."""
    children, adults = list(child_ids), list(adult_ids)
    db.execute(
        delete(FamilyRequest).where(
            or_(FamilyRequest.child_id.in_(children), FamilyRequest.from_adult_id.in_(adults))
        )
    )
    db.execute(delete(FamilyCode).where(FamilyCode.adult_id.in_(adults)))
    db.execute(delete(FamilySession).where(FamilySession.adult_id.in_(adults)))
