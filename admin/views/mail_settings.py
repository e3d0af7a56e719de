"""Settings → Mail: the nursery's own mail server, through which the hub e-mails parents
(issue 17), and a button that sends a test message and says in words what the server
answered. The password is written once and never shown back. When ``HANDOVER_SMTP_URL`` is
set, it wins: the page shows those settings and that the form does not apply. Manager only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.forms import Checked
from admin.mail import NotTaken, SmtpSettings, try_test_message
from admin.notice_sender import test_message
from admin.office.mail_settings import (
    TLS_CHOICES,
    has_password,
    mail_in_use,
    panel_row,
    save_mail_settings,
)
from admin.ops.logs import log_event
from admin.templating import render
from db.audit import record_action
from db.models import Setting

router = APIRouter()


def _context(request: Request, db: Session, **more: Any) -> dict[str, Any]:
    state = request.app.state
    row = panel_row(db)
    values = {"host": row.host, "port": row.port, "tls": row.tls, "user": row.user}
    return {
        "values": values | {"sender": row.sender},
        "errors": {},
        "choice": mail_in_use(db, from_env=state.settings.smtp, data_folder=state.data_folder),
        "has_password": has_password(state.data_folder),
        "tls_choices": TLS_CHOICES,
        "tried": {},
        "saved": 0,
    } | more


@router.get("/settings/mail")
def mail_page(request: Request, me: ManagerOnly, db: SessionDep, saved: int = 0) -> Response:
    return render(request, "settings_mail.html", _context(request, db, saved=saved))


def _read(checked: Checked) -> SmtpSettings:
    host = checked.text("host", "the mail server's name", max_len=200)
    if host and any(c.isspace() or c in "/:@" for c in host):
        checked.errors["host"] = "Just the server's name, e.g. smtp.example.org (no smtp://)."
    port = checked.number("port", "the port", low=1, high=65535)
    tls = checked.raw("tls")
    if tls not in TLS_CHOICES:
        checked.errors["tls"] = "Please choose how the connection is secured."
    sender = checked.text("sender", "the address notices come from", max_len=200)
    if sender and ("@" not in sender or any(c in sender for c in "\r\n<> ,;")):
        checked.errors["sender"] = "One e-mail address, e.g. office@little-acorns.example."
    user = checked.text("user", "the user name", required=False, max_len=200)
    return SmtpSettings(host=host, port=port or 0, sender=sender, tls=tls, user=user)


@router.post("/settings/mail")
def save_mail(
    request: Request, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    checked = Checked(form)
    values = _read(checked)
    password = str(form.get("password") or "")
    if len(password) > 500 or "\n" in password:
        checked.errors["password"] = "One line, at most 500 characters."  # noqa: S105
    if not checked.ok:
        shown = {k: checked.raw(k) for k in ("host", "port", "tls", "user", "sender")}
        context = _context(request, db, values=shown, errors=checked.errors)
        return render(request, "settings_mail.html", context, status=400)
    forget = checked.flag("forget_password")
    new_password = "" if forget else (password or None)
    save_mail_settings(
        db, request.app.state.data_folder, values=values, new_password=new_password, by=me, now=now
    )
    changed = ["host", "port", "tls", "user", "sender"] + (["password"] if new_password else [])
    what = {"fields": changed, "password_forgotten": forget}
    record_action(db, at=now, action="update", entity="mail_settings", entity_id=1, what=what)
    db.commit()
    # Which fields, never their values: the journal holds no address or password.
    log_event("mail_settings_changed", staff=me.id, password=new_password is not None)
    return RedirectResponse("/settings/mail?saved=1", status_code=303)


@router.post("/settings/mail/test")
def send_test(request: Request, form: FormDep, me: ManagerOnly, db: SessionDep) -> Response:
    """Sent now, with the settings in use, not queued: the manager waits for the answer."""
    checked = Checked(form)
    to = checked.text("to", "the address to send it to", max_len=200)
    if to and ("@" not in to or any(c in to for c in "<>,; \r\n")):
        checked.errors["to"] = "That does not look like one e-mail address."
    choice = _context(request, db)["choice"]
    if choice.smtp is None:
        checked.errors["to"] = "No mail server is set up yet: save one above first."
    if not checked.ok or choice.smtp is None:
        tried = {"to": to, "error": checked.errors["to"]}
        return render(request, "settings_mail.html", _context(request, db, tried=tried), status=400)
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    message = test_message(choice.smtp, to=to, nursery=setting.name if setting else "")
    try:
        tried = {"to": to, "sent": try_test_message(choice.smtp, message)}
    except NotTaken as exc:
        tried = {"to": to, "error": f"Not sent. {exc}"}
    log_event("mail_test", staff=me.id, taken="sent" in tried)
    return render(request, "settings_mail.html", _context(request, db, tried=tried))
