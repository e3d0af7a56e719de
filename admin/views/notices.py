"""The e-mails the hub has sent parents, and those still waiting or failed with the mail
server's reason (issue 17). A failed notice can be sent again once the reason is dealt with,
and a test message shows at once whether the mail server set up for this hub answers.
Manager only: the list names parents and their e-mail addresses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import not_found
from admin.forms import Checked
from admin.mail import Refused, SmtpSettings, TryLater, deliver
from admin.notice_sender import test_message
from admin.office.mail_settings import mail_in_use
from admin.office.viewing import record_people_seen
from admin.templating import render
from db.models import Adult, Notice, Setting
from db.names import full_name

router = APIRouter()
SHOWN = 200
STATUSES = ("waiting", "sending", "sent", "failed")


@router.get("/notices")
def notices_page(request: Request, staff: ManagerOnly, db: SessionDep) -> Response:
    return _page(request, db, {})


def _page(request: Request, db: Session, tried: dict[str, str], status: int = 200) -> Response:
    counts = dict(db.execute(select(Notice.status, func.count()).group_by(Notice.status)).all())
    rows = db.execute(
        select(Notice, Adult.first_name, Adult.last_name)
        .outerjoin(Adult, Adult.id == Notice.to_adult_id)
        .order_by(Notice.id.desc())
        .limit(SHOWN)
    ).all()
    shown = [{"notice": n, "to": full_name(f or "", last or "")} for n, f, last in rows]
    seen = {
        "adults": [n.to_adult_id for n, _, _ in rows],
        "children": [n.child_id for n, _, _ in rows],
    }
    record_people_seen(request, db, seen, "notices")
    return render(
        request,
        "notices.html",
        {
            "counts": {s: int(counts.get(s, 0)) for s in STATUSES},
            "rows": shown,
            "smtp": _smtp(request, db),
            "tried": tried,
        },
        status=status,
    )


def _smtp(request: Request, db: Session) -> SmtpSettings | None:
    state = request.app.state
    return mail_in_use(db, from_env=state.settings.smtp, data_folder=state.data_folder).smtp


@router.post("/notices/test")
def send_test(request: Request, form: FormDep, staff: ManagerOnly, db: SessionDep) -> Response:
    """Sent now, not queued: the manager is waiting to see whether the server answers."""
    smtp = _smtp(request, db)
    checked = Checked(form)
    to = checked.text("to", "the address to send it to", max_len=200)
    if to and ("@" not in to or any(c in to for c in "<>,; ")):
        checked.errors["to"] = "That does not look like one e-mail address."
    if smtp is None:
        checked.errors["to"] = "No mail server is set up for this hub (Settings → Mail)."
    if not checked.ok or smtp is None:
        return _page(request, db, {"to": to, "error": checked.errors["to"]}, status=400)
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    try:
        deliver(smtp, test_message(smtp, to=to, nursery=setting.name if setting else ""))
    except (TryLater, Refused, ValueError) as exc:
        return _page(request, db, {"to": to, "error": f"Not sent. The server: {exc}"})
    return _page(request, db, {"to": to, "sent": f"The mail server took a test message for {to}."})


@router.post("/notices/{notice_id}/again")
def send_again(
    notice_id: int, form: FormDep, staff: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    """Only a failed notice: the manager decides it did not arrive, or the address is fixed."""
    notice = db.get(Notice, notice_id)
    if notice is None:
        raise not_found("That notice")
    if notice.status == "failed":
        notice.status, notice.next_try_at = "waiting", now
        adult = db.get(Adult, notice.to_adult_id or -1)
        if adult is not None and adult.email and adult.deleted_at is None:
            notice.to_address = adult.email  # a corrected address is used
        db.commit()
    return RedirectResponse("/notices", status_code=303)
