"""Kiosks: register a door and get a one-time pairing code (shown once, kept as a hash, valid
for a day); revoke a kiosk, which ends its device token; see when each door last called and
whether its clock is right, how much room its disk has left, and whether it has said it cannot
save. Manager only."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import not_found
from admin.forms import Checked
from admin.lost_kiosk import pin_min_digits, pins_to_change, report_kiosk_lost
from admin.office.alerts import open_alert_records
from admin.office.pairing import issue_pairing_code
from admin.ops.logs import log_event
from admin.record_check import last_verification
from admin.templating import render
from db.chain import missing_events
from db.models import Kiosk, RefusedEvent, Setting, Staff
from db.vocabulary import Reason

router = APIRouter()
REFUSED_SHOWN = 50  # the newest refused events; the rest stay in refused_events


CLOCK_WARNING = 60  # seconds off before the page highlights a kiosk's clock


def clock_text(skew: float | None) -> str:
    """How a kiosk's clock compares with the hub's, in words: skew is hub minus kiosk."""
    if skew is None:
        return "not known yet"
    off = abs(skew)
    if off < CLOCK_WARNING:
        return "on time"
    amount = f"{round(off / 60)} min" if off < 3600 else f"{off / 3600:.1f} h"
    return f"{amount} {'slow' if skew > 0 else 'fast'}"


def space_text(free: int | None) -> str:
    """Room left on a kiosk's disk, as it said at its last sync."""
    if free is None:
        return "not known yet"
    if free >= 10 * 2**30:
        return f"{free / 2**30:.0f} GB free"
    if free >= 2**30:
        return f"{free / 2**30:.1f} GB free"
    return f"{free // 2**20} MB free"


HELPERS = {"clock_text": clock_text, "clock_warning": CLOCK_WARNING, "space_text": space_text}


def _kiosks(db: Session) -> list[Kiosk]:
    return list(db.scalars(select(Kiosk).where(Kiosk.deleted_at.is_(None)).order_by(Kiosk.id)))


def _disk(db: Session, now: datetime) -> dict[str, object]:
    """What the page needs to warn about disks: the setting's threshold in bytes, and the
    kiosks whose "cannot save" alert no one has resolved yet."""
    low_mb = db.scalar(select(Setting.kiosk_low_space_mb).where(Setting.deleted_at.is_(None)))
    alerts = open_alert_records(db, now)
    cannot_save = {
        a.details.get("kiosk_id") for a in alerts if a.reason == Reason.KIOSK_CANNOT_SAVE
    }
    return {"low_space": (low_mb or 200) * 2**20, "cannot_save": cannot_save}


def _trust(request: Request, db: Session, now: datetime) -> dict[str, object]:
    """What the page says about the record itself (issue 13): the events the office refused
    from a door and why, the events a door made that never arrived, and the last nightly
    verification of every chain."""
    query = select(RefusedEvent).order_by(RefusedEvent.received_at.desc()).limit(REFUSED_SHOWN)
    return {
        "refused": list(db.scalars(query)),
        "gaps": missing_events(db, now=now),
        "verification": last_verification(request.app.state.data_folder),
    }


def _page(request: Request, db: Session, now: datetime, **more: object) -> dict[str, object]:
    page = {"kiosks": _kiosks(db), "errors": {}, "values": {}, "pins_to_change": pins_to_change(db)}
    return HELPERS | _disk(db, now) | _trust(request, db, now) | page | more


@router.get("/kiosks")
def kiosks_page(
    request: Request, me: ManagerOnly, db: SessionDep, now: NowDep, lost: int = 0
) -> Response:
    return render(request, "kiosks.html", _page(request, db, now, lost=lost))


@router.post("/kiosks")
def register_kiosk(
    request: Request, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    checked = Checked(form)
    name = checked.text("name", "a name for the kiosk (e.g. Front door)")
    if not checked.ok:
        return render(
            request,
            "kiosks.html",
            _page(request, db, now, errors=checked.errors, values={"name": checked.raw("name")}),
            400,
        )
    kiosk = Kiosk(name=name)
    code = issue_pairing_code(kiosk, now=now)
    db.add(kiosk)
    db.commit()
    return render(request, "kiosks.html", _page(request, db, now, code=code, paired=kiosk))


@router.post("/kiosks/{kiosk_id}/pairing")
def new_code(
    request: Request, kiosk_id: int, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    kiosk = db.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.deleted_at is not None:
        raise not_found("That kiosk")
    code = issue_pairing_code(kiosk, now=now)
    db.commit()
    return render(request, "kiosks.html", _page(request, db, now, code=code, paired=kiosk))


@router.post("/kiosks/{kiosk_id}/revoke")
def revoke_kiosk(
    kiosk_id: int, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    kiosk = db.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.deleted_at is not None:
        raise not_found("That kiosk")
    # The token's hash stays: the hub then knows the revoked kiosk when it calls and tells it
    # so ("kiosk_revoked"), and it can never sync again until it is paired afresh.
    kiosk.revoked_at = now
    kiosk.pairing_code_hash = None
    kiosk.pairing_expires_at = None
    db.commit()
    log_event("kiosk_revoked", kiosk=kiosk.id, staff=me.id)
    return RedirectResponse("/kiosks", status_code=303)


def _kiosk(db: Session, kiosk_id: int) -> Kiosk:
    kiosk = db.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.deleted_at is not None:
        raise not_found("That kiosk")
    return kiosk


@router.get("/kiosks/{kiosk_id}/lost")
def kiosk_lost_page(request: Request, kiosk_id: int, me: ManagerOnly, db: SessionDep) -> Response:
    """What "lost or stolen" will do, asked before it is done: it stops every staff PIN."""
    with_pin = db.scalar(
        select(func.count()).where(Staff.deleted_at.is_(None), Staff.pin_hash.is_not(None))
    )
    min_digits = pin_min_digits(db)
    context = {"kiosk": _kiosk(db, kiosk_id), "with_pin": with_pin, "min_digits": min_digits}
    return render(request, "kiosk_lost.html", context)


@router.post("/kiosks/{kiosk_id}/lost")
def kiosk_lost(
    request: Request, kiosk_id: int, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    kiosk = _kiosk(db, kiosk_id)
    if Checked(form).raw("confirm") != "yes":  # the box is required; a form without it is not
        return RedirectResponse(f"/kiosks/{kiosk.id}/lost", status_code=303)
    report_kiosk_lost(db, kiosk, now=now, manager=me)
    return RedirectResponse("/kiosks?lost=1", status_code=303)
