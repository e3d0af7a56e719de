"""Adults: parents, carers and others who bring or collect; who each may collect. Manager only.

Adding an adult from a child's page authorises them in the same step, and the age check (R7)
runs before anything is written, so a refused authorisation leaves no stray adult behind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.dates import order_for
from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.forms import Checked
from admin.notice_language import LANGUAGES
from admin.office.adults import get_adult
from admin.office.children import find_child
from admin.office.collection import grant
from admin.office.leaving import recently_removed
from admin.office.notices import tell_authorised
from admin.office.viewing import record_people_seen, record_seen
from admin.people import collector_age_problem, read_adult
from admin.templating import render
from db.clock import local_day
from db.models import Adult, Authorisation, Card, Child, Setting, Staff
from db.names import full_name, sort_key
from db.register import setting_zone

router = APIRouter()


@router.get("/adults")
def adults_list(
    request: Request,
    staff: ManagerOnly,
    db: SessionDep,
    now: NowDep,
    q: str = "",
    removed: int | None = None,
) -> Response:
    rows = db.scalars(select(Adult).where(Adult.deleted_at.is_(None))).all()
    needle = q.strip().casefold()
    shown = sorted(
        (a for a in rows if needle in full_name(a.first_name, a.last_name).casefold()),
        key=lambda a: sort_key(a.last_name, a.first_name),
    )
    record_seen(request, db, "adults", [a.id for a in shown], "list")
    context = {
        "adults": shown,
        "q": q,
        "removed": removed,
        "recently_removed": recently_removed(db, Adult, now=now),
    }
    return render(request, "adults.html", context)


def _form(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str],
    adult: Adult | None,
    child: Child | None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "adult_form.html",
        {
            "values": {"language": "en"} | values,
            "errors": errors,
            "adult": adult,
            "child": child,
            "languages": list(LANGUAGES.items()),
        },
        status=status,
    )


@router.get("/adults/new")
def new_adult_page(
    request: Request, staff: ManagerOnly, db: SessionDep, child: str = ""
) -> Response:
    found = find_child(db, child)
    if found is not None:
        record_seen(request, db, "children", [found.id], "adding a carer")
    return _form(request, {}, {}, None, found)


def _minimum_age(db: Session) -> int:
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    return setting.minimum_collector_age if setting else 16


def _collects(db: Session, adult: Adult | None) -> list[str]:
    """The children an existing adult is authorised to collect, by first name."""
    if adult is None:
        return []
    names = db.scalars(
        select(Child.first_name)
        .join(Authorisation, Authorisation.child_id == Child.id)
        .where(Authorisation.adult_id == adult.id, Authorisation.deleted_at.is_(None))
        .where(Child.deleted_at.is_(None))
    )
    return sorted(names)


def _age_check(
    db: Session, checked: Checked, values: dict[str, Any], now: datetime, *, collects: list[str]
) -> None:
    """R7 on every save of a collector: adding one, and editing one who is already authorised
    (a date of birth corrected to under the minimum age must not leave her able to collect)."""
    if not values["first_name"] or checked.errors.get("date_of_birth"):
        return
    problem = collector_age_problem(
        date_of_birth=values["date_of_birth"],
        confirmed_adult=values["confirmed_adult"],
        minimum_age=_minimum_age(db),
        today=local_day(now, setting_zone(db)),
        name=values["first_name"],
    )
    if problem and collects:
        problem += (
            f" {values['first_name']} is authorised to collect {', '.join(collects)}: remove "
            "those authorisations on the children's pages first, then save this change."
        )
    if problem:
        checked.errors["date_of_birth"] = problem


def _save(
    request: Request, form: Any, db: Session, now: datetime, adult: Adult | None, *, staff: Staff
) -> Response:
    checked = Checked(form)
    values = read_adult(checked, order_for(request))
    child = find_child(db, checked.raw("child_id")) if adult is None else None
    relationship = ""
    if child is not None:
        relationship = checked.text("relationship", "how they are related to the child", max_len=60)
    collects = _collects(db, adult)
    if child is not None or collects:
        _age_check(db, checked, values, now, collects=collects)
    photo = checked.photo()
    if not checked.ok:
        shown = {k: checked.raw(k) for k in form if isinstance(form.get(k), str)}
        for flag in ("confirmed_adult", "notify_arrivals", "notify_late"):
            shown[flag] = values.get(flag, False)
        return _form(request, shown, checked.errors, adult, child, status=400)
    if adult is None:
        adult = Adult(**values)
        db.add(adult)
    else:
        for key, value in values.items():
            setattr(adult, key, value)
    if photo is not None:
        adult.photo = photo
    db.flush()
    if child is not None:
        auth = grant(
            db,
            child=child,
            adult=adult,
            relationship=relationship,
            parental_responsibility=checked.flag("parental_responsibility"),
        )
        tell_authorised(db, auth=auth, by=staff, now=now)
        db.commit()
        return RedirectResponse(f"/children/{child.id}?saved=1#authorised", status_code=303)
    db.commit()
    return RedirectResponse(f"/adults/{adult.id}?saved=1", status_code=303)


@router.post("/adults/new")
def create_adult(
    request: Request, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    return _save(request, form, db, now, None, staff=staff)


@router.get("/adults/{adult_id}/edit")
def edit_adult_page(
    request: Request, adult_id: int, staff: ManagerOnly, db: SessionDep
) -> Response:
    adult = get_adult(db, adult_id)
    fields = ("first_name", "last_name", "phone", "email", "confirmed_adult", "language")
    values: dict[str, Any] = {k: getattr(adult, k) or "" for k in fields}
    values |= {"notify_arrivals": adult.notify_arrivals, "notify_late": adult.notify_late}
    values["date_of_birth"] = adult.date_of_birth.isoformat() if adult.date_of_birth else ""
    record_seen(request, db, "adults", [adult.id], "record")
    return _form(request, values, {}, adult, None)


@router.post("/adults/{adult_id}/edit")
def update_adult(
    request: Request, adult_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    return _save(request, form, db, now, get_adult(db, adult_id), staff=staff)


@router.get("/adults/{adult_id}")
def adult_page(
    request: Request,
    adult_id: int,
    staff: ManagerOnly,
    db: SessionDep,
    saved: int = 0,
    restored: int = 0,
    card_sent: str = "",
) -> Response:
    adult = get_adult(db, adult_id)
    links = db.execute(
        select(Authorisation, Child)
        .join(Child, Child.id == Authorisation.child_id)
        .where(Authorisation.adult_id == adult.id, Authorisation.deleted_at.is_(None))
    ).all()
    cards = db.scalars(
        select(Card).where(Card.holder_adult_id == adult.id).order_by(Card.issued_at.desc())
    ).all()
    record_people_seen(
        request, db, {"adults": [adult.id], "children": [c.id for _, c in links]}, "record"
    )
    context = {"adult": adult, "links": links, "cards": cards, "saved": saved, "restored": restored}
    # Only a card of this adult's is named as sent: the address bar says nothing else here.
    mailed = card_sent if any(c.id == card_sent for c in cards) else ""
    return render(request, "adult.html", context | {"card_sent": mailed, "languages": LANGUAGES})
