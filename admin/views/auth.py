"""Signing in and out, and the first run, which asks for the manager account."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from admin.deps import FormDep, NowDep, SessionDep, setup_done
from admin.errors import not_found
from admin.first_run import SetupCode
from admin.forms import Checked, strength_hint
from admin.ops.logs import log_event
from admin.security import (
    DEVICE_COOKIE,
    KNOWN_DEVICE_FOR,
    SESSION_COOKIE,
    STAFF_PASSWORD_MIN,
    LoginLimits,
    attempt_login,
    end_session,
    start_session,
)
from admin.templating import office_ca_file, render
from db.audit import set_actor
from db.credentials import hash_password
from db.models import Setting, Staff
from db.vocabulary import Role

router = APIRouter()


def _safe_next(target: str) -> str:
    # Only a path on this site: never an open redirect to somewhere else.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/today"


@router.get("/office-ca.pem")
def office_ca(request: Request) -> Response:
    """The office's own certificate authority, for a browser to trust once (README). Public,
    as every CA certificate is: it lets no one in, it only names who the office is."""
    ca_file = office_ca_file(request.app.state.settings)
    if ca_file is None:
        raise not_found("The office's certificate authority")
    return Response(
        ca_file.read_bytes(),
        media_type="application/x-x509-ca-cert",
        headers={"Content-Disposition": 'attachment; filename="handover-office-ca.pem"'},
    )


@router.get("/login")
def login_page(
    request: Request, db: SessionDep, next: str = "/today", expired: int = 0
) -> Response:
    if not setup_done(request, db):
        return RedirectResponse("/setup", status_code=303)
    notice = "You were signed out after a while without activity." if expired else ""
    return render(request, "login.html", {"next": _safe_next(next), "notice": notice})


@router.post("/login")
def login(request: Request, form: FormDep, db: SessionDep, now: NowDep) -> Response:
    checked = Checked(form)
    settings = request.app.state.settings
    result = attempt_login(
        db,
        username=checked.raw("username"),
        password=str(form.get("password") or ""),
        client=request.client.host if request.client else "",
        device_cookie=request.cookies.get(DEVICE_COOKIE, ""),
        secret_key=settings.secret_key,
        now=now,
        limits=LoginLimits(
            per_username=settings.login_failures_allowed,
            per_address=settings.login_failures_per_address,
            window=timedelta(minutes=settings.login_window_minutes),
        ),
    )
    client = request.client.host if request.client else None
    if result.staff is None:
        # Never the username typed: it may be a name, or a password typed in the wrong box.
        log_event("login_failed", client=client, locked=result.locked)
        context = {
            "next": _safe_next(checked.raw("next")),
            "error": result.message,
            "username": checked.raw("username"),
        }
        return render(request, "login.html", context, status=429 if result.locked else 400)
    token = start_session(db, result.staff, now=now)
    log_event("login", staff=result.staff.id, client=client)
    response = RedirectResponse(_safe_next(checked.raw("next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.set_cookie(
        DEVICE_COOKIE,
        result.device,
        max_age=int(KNOWN_DEVICE_FOR.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, form: FormDep, db: SessionDep) -> Response:
    end_session(db, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/setup")
def setup_page(request: Request, db: SessionDep) -> Response:
    if setup_done(request, db):
        return RedirectResponse("/login", status_code=303)
    return _setup_form(request, db, values={}, errors={})


def _setup_form(
    request: Request,
    db: SessionDep,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    context = {
        "has_setting": db.scalar(select(Setting.id).limit(1)) is not None,
        "asks_code": request.app.state.setup_code is not None,
        "values": values,
        "errors": errors,
        "hint": strength_hint(STAFF_PASSWORD_MIN),
    }
    return render(request, "setup.html", context, status)


@router.post("/setup")
def setup(request: Request, form: FormDep, db: SessionDep, now: NowDep) -> Response:
    if setup_done(request, db):
        return RedirectResponse("/login", status_code=303)
    checked = Checked(form)
    code: SetupCode | None = request.app.state.setup_code
    verdict = code.check(checked.raw("setup_code"), now=now) if code is not None else None
    if verdict is not None and not verdict.ok:
        log_event("setup_code_refused", locked=verdict.locked)
        checked.errors["setup_code"] = verdict.message
    has_setting = db.scalar(select(Setting.id).limit(1)) is not None
    name = "" if has_setting else checked.text("setting_name", "the nursery's name", max_len=200)
    first = checked.text("first_name", "your first name")
    last = checked.text("last_name", "your last name")
    username = checked.text("username", "a username", max_len=64).lower()
    if username and not username.replace(".", "").replace("-", "").isalnum():
        checked.errors["username"] = "A username is letters and digits (dots and dashes allowed)."
    password = checked.new_password("password", min_len=STAFF_PASSWORD_MIN)
    taken = db.scalar(select(Staff.id).where(Staff.username == username))
    if username and taken is not None:
        checked.errors["username"] = "That username is already taken."
    if not checked.ok:
        # Everything typed comes back except the passwords; a wrong code is typed again.
        fields = ("setting_name", "first_name", "last_name", "username")
        values = {k: checked.raw(k) for k in fields}
        status = 429 if verdict is not None and verdict.locked else 400
        return _setup_form(request, db, values=values, errors=checked.errors, status=status)
    set_actor(db, "first-run")
    if not has_setting:
        db.add(Setting(name=name))
    manager = Staff(
        username=username,
        first_name=first,
        last_name=last,
        role=Role.MANAGER.value,
        password_hash=hash_password(password),
    )
    db.add(manager)
    db.commit()
    request.app.state.setting_info.forget()
    request.app.state.setup_done = True
    request.app.state.setup_code = None  # spent: the manager adds everyone else
    log_event("first_manager_created", staff=manager.id)
    # Signed in, the new manager goes straight on to the first-run path (admin/views/welcome.py).
    return RedirectResponse("/login?next=/welcome", status_code=303)
