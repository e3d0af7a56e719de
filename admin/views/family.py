"""The parents' page (issue 17 §3): a parent signs in with an e-mailed code and sees their own
children's recent register and who may collect them, on a phone.

Off unless the hub runs with ``HANDOVER_PARENTS_PAGE=1``: then every /family address answers
404, as if it did not exist. Parents have their own cookie, path and sessions; a parent's
cookie opens no office page, and a staff cookie opens no parent's page. Every child a parent
is shown is looked up through that parent's own children, so another family's child answers
404 whatever number is asked for; every page seen is in the audit log as that parent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.dates import DateOrder, order_for
from admin.deps import CurrentStaff, FormDep, NowDep, SessionDep
from admin.errors import not_found
from admin.family_language import LANGUAGE_COOKIE, N_, page_language, page_words
from admin.forms import Checked
from admin.notice_language import LANGUAGES
from admin.office.family import (
    ask_for_code,
    check_code,
    current_children,
    end_family_session,
    end_parent_sessions,
    normal_address,
    parent_for_token,
    start_family_session,
)
from admin.office.family_record import parents_child, recent_attendance, who_may_collect
from admin.office.family_requests import (
    ABSENCE,
    PERMISSION,
    days_problem,
    parents_photo,
    requests_for,
    send_request,
)
from admin.office.viewing import record_seen
from admin.ops.logs import log_event
from admin.templating import render
from db.audit import set_actor
from db.clock import local_day
from db.models import Adult, Child
from db.register import setting_zone
from db.vocabulary import AbsenceReason

FAMILY_COOKIE = "handover_family"
# Why a child is away, as a parent would say it; "other" is in their own words.
PARENTS_REASONS = (AbsenceReason.ILL.value, AbsenceReason.HOLIDAY.value, AbsenceReason.OTHER.value)
SEEN = "parents' page"


def _page_on(request: Request) -> None:
    if not request.app.state.settings.parents_page:
        raise not_found()


parents = APIRouter(prefix="/family", dependencies=[Depends(_page_on)])
router = APIRouter()


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _signed_in(request: Request, db: Session, now: datetime) -> Adult | None:
    token = request.cookies.get(FAMILY_COOKIE, "")
    parent = parent_for_token(db, token, now=now) if token else None
    if parent is not None:
        set_actor(db, f"parent:{parent.id}")
    return parent


def _show(
    request: Request,
    name: str,
    context: dict[str, Any],
    parent: Adult | None = None,
    status: int = 200,
) -> Response:
    """A parents' page in the signed-in parent's language, or the switch's or browser's."""
    words = page_words(page_language(request, parent.language if parent else None))
    return render(request, name, words | {"parent": parent} | context, status=status)


# What a parent is told when a field is wrong, in words a catalog translates (admin/forms.py
# words its messages for staff, from the field's label).
FIELD_PROBLEMS = {
    "first_day": N_("Please give the first day as a date."),
    "last_day": N_("Please give the last day as a date."),
    "adult_name": N_("Please enter who will collect."),
    "reason": N_("Please keep it shorter."),
    "why": N_("Please choose why."),
}


def _reworded(checked: Checked) -> None:
    checked.errors = {f: FIELD_PROBLEMS.get(f, m) for f, m in checked.errors.items()}


def _text(form: FormDep, name: str, longest: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:longest] if isinstance(value, str) else ""


@parents.get("")
def family_home(request: Request, db: SessionDep, now: NowDep) -> Response:
    parent = _signed_in(request, db, now)
    if parent is None:
        return _show(request, "family/sign_in.html", {"message": ""})
    children = current_children(db, parent.id, today=local_day(now, setting_zone(db)))
    record_seen(request, db, "children", [c.id for c in children], SEEN, cookie=FAMILY_COOKIE)
    return _show(request, "family/home.html", {"children": children}, parent)


@parents.get("/language/{code}")
def family_language(code: str) -> Response:
    """The language switch before signing in: remembered in this browser for a year. A
    signed-in parent reads the language the nursery writes to them in."""
    if code not in LANGUAGES:
        raise not_found()
    answer = RedirectResponse("/family", status_code=303)
    answer.set_cookie(LANGUAGE_COOKIE, code, path="/family", max_age=365 * 86400, samesite="lax")
    return answer


@parents.post("/code")
def family_code(request: Request, form: FormDep, db: SessionDep, now: NowDep) -> Response:
    email = normal_address(_text(form, "email"))
    if "@" not in email:
        message = N_("Please type the e-mail address the nursery has for you.")
        return _show(request, "family/sign_in.html", {"message": message}, status=400)
    secret = request.app.state.settings.secret_key
    refused = ask_for_code(db, email=email, client=_client(request), secret_key=secret, now=now)
    if refused:
        return _show(request, "family/sign_in.html", {"message": refused}, status=429)
    return _show(request, "family/code.html", {"email": email, "message": ""})


@parents.post("/sign-in")
def family_sign_in(request: Request, form: FormDep, db: SessionDep, now: NowDep) -> Response:
    email, code = _text(form, "email"), _text(form, "code", 20)
    secret = request.app.state.settings.secret_key
    checked = check_code(db, email=email, code=code, secret_key=secret, now=now)
    if checked.adult_id is None:
        log_event("parent_sign_in_failed", client=_client(request))
        context = {"email": normal_address(email), "message": checked.message}
        return _show(request, "family/code.html", context, status=400)
    set_actor(db, f"parent:{checked.adult_id}")
    token = start_family_session(db, checked.adult_id, now=now)
    log_event("parent_sign_in", adult=checked.adult_id, client=_client(request))
    answer = RedirectResponse("/family", status_code=303)
    answer.set_cookie(
        FAMILY_COOKIE,
        token,
        path="/family",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return answer


@parents.post("/sign-out")
def family_sign_out(request: Request, form: FormDep, db: SessionDep) -> Response:
    end_family_session(db, request.cookies.get(FAMILY_COOKIE, ""))
    answer = RedirectResponse("/family", status_code=303)
    answer.delete_cookie(FAMILY_COOKIE, path="/family")
    return answer


@parents.get("/children/{child_id}")
def family_child(request: Request, child_id: int, db: SessionDep, now: NowDep) -> Response:
    parent = _signed_in(request, db, now)
    if parent is None:
        return RedirectResponse("/family", status_code=303)
    return _child_page(request, db, parent, _own_child(db, parent, child_id, now), now)


def _own_child(db: Session, parent: Adult, child_id: int, now: datetime) -> Child:
    """The parent's own child, or 404: whoever else's number is asked for."""
    child = parents_child(db, parent.id, child_id, now=now)
    if child is None:
        raise not_found()
    return child


def _child_page(
    request: Request,
    db: Session,
    parent: Adult,
    child: Child,
    now: datetime,
    checked: Checked | None = None,
    kind: str = "",
) -> Response:
    attendance = recent_attendance(db, child, now=now)
    collectors, permissions = who_may_collect(db, child, now=now)
    record_seen(request, db, "children", [child.id], SEEN, cookie=FAMILY_COOKIE)
    adults = [c.adult_id for c in collectors]
    record_seen(request, db, "adults", adults, SEEN, cookie=FAMILY_COOKIE)
    context = {
        "child": child,
        "attendance": attendance,
        "collectors": collectors,
        "permissions": permissions,
        "requests": requests_for(db, child.id),
        "errors": checked.errors if checked else {},
        "form": checked.form if checked else {},
        "kind": kind,  # the form that was sent back: only it shows what was typed
        "sent": request.query_params.get("sent", ""),
        "away_days": int(days) if (days := request.query_params.get("days", "")).isdigit() else 0,
    }
    return _show(request, "family/child.html", context, parent, 400 if checked else 200)


def _days(
    db: Session, checked: Checked, now: datetime, order: DateOrder
) -> tuple[date, date] | None:
    first = checked.day("first_day", "the first day", order)
    last = checked.day("last_day", "the last day", order) if checked.raw("last_day") else first
    _reworded(checked)
    if first is None or last is None:
        return None
    problem = days_problem(first, last, today=local_day(now, setting_zone(db)))
    if problem:
        checked.errors["last_day"] = problem
        return None
    return first, last


def _read_request(
    db: Session, checked: Checked, kind: str, now: datetime, order: DateOrder
) -> dict[str, Any]:
    """Everything a request form says, each problem kept in a parent's words."""
    why = checked.raw("why") or PARENTS_REASONS[-1]
    if kind == ABSENCE and why not in PARENTS_REASONS:
        checked.errors["why"] = "?"
    name = checked.text("adult_name", "who will collect", required=kind == PERMISSION)
    reason = checked.text("reason", "the reason", required=False, max_len=1000)
    days = _days(db, checked, now, order)
    photo = parents_photo(checked) if kind == PERMISSION else None
    return {
        "days": days,
        "name": name if kind == PERMISSION else "",
        "reason": reason,
        "why": why,
        "photo": photo,
    }


@parents.post("/children/{child_id}/{kind}")
def family_request(
    request: Request, child_id: int, kind: str, form: FormDep, db: SessionDep, now: NowDep
) -> Response:
    """An absence (with its reason; on the register at once) or a written permission (for a
    named adult, with their photo if the parent has one) asked for: the office sees both."""
    parent = _signed_in(request, db, now)
    if parent is None:
        return RedirectResponse("/family", status_code=303)
    child = _own_child(db, parent, child_id, now)
    if kind not in (ABSENCE, PERMISSION):
        raise not_found()
    checked = Checked(form)
    asked = _read_request(db, checked, kind, now, order_for(request))
    if asked["days"] is None or not checked.ok:
        return _child_page(request, db, parent, child, now, checked, kind)
    made, away = send_request(
        db,
        kind=kind,
        child=child,
        parent=parent,
        first=asked["days"][0],
        last=asked["days"][1],
        adult_name=asked["name"],
        reason=asked["reason"],
        why=asked["why"],
        photo=asked["photo"],
        now=now,
    )
    log_event("parent_request", kind=kind, request=made.id, adult=parent.id)
    where = f"/family/children/{child.id}?sent={kind}&days={len(away)}"
    return RedirectResponse(where, status_code=303)


@router.post("/adults/{adult_id}/parents-page/sign-out")
def office_ends_parent_sessions(
    adult_id: int, staff: CurrentStaff, form: FormDep, db: SessionDep, now: NowDep
) -> Response:
    """A lost phone or a family's dispute: the office signs this parent out everywhere."""
    if db.get(Adult, adult_id) is None:
        raise not_found()
    ended = end_parent_sessions(db, adult_id, now=now)
    log_event("parent_sessions_ended", adult=adult_id, staff=staff.id, sessions=ended)
    return RedirectResponse(f"/adults/{adult_id}?parent_signed_out={ended}", status_code=303)


router.include_router(parents)
