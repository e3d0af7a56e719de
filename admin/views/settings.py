"""The nursery's settings: name, the minimum age of a collector (R7), how long an arrival may
wait for staff (R2), late-collection grace (R9), the retention period (GDPR), and how little
room on a kiosk's disk is "low". Manager only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from admin.deps import FormDep, ManagerOnly, SessionDep
from admin.errors import HubError
from admin.forms import Checked
from admin.ops.logs import log_event
from admin.templating import render
from db.models import Setting

router = APIRouter()
NUMBERS = {
    "minimum_collector_age": ("the minimum age of a collector", 16, 21),
    "arrival_acknowledgement_minutes": ("the minutes an arrival may wait for staff", 1, 120),
    "late_collection_grace_minutes": ("the late-collection grace in minutes", 0, 120),
    "retention_years": ("the retention period in years", 1, 25),
    # A kiosk on a 16 GB card with a year of events uses well under 100 MB; below this much
    # room staff mode and the Kiosks page warn, long before a write fails.
    "kiosk_low_space_mb": ("the free disk space (MB) below which a kiosk warns", 20, 100_000),
    # 6 or more: a stolen kiosk's PIN hashes take a hundred times longer to guess. Existing
    # PINs keep working; new and changed ones must have this many digits.
    "staff_pin_min_digits": ("the fewest digits in a staff PIN (6 is safer)", 4, 8),
}


def _setting(db: SessionDep) -> Setting:
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    if setting is None:
        raise HubError(409, "no_setting", "The nursery's settings are missing.")
    return setting


@router.get("/settings")
def settings_page(request: Request, me: ManagerOnly, db: SessionDep, saved: int = 0) -> Response:
    setting = _setting(db)
    values = {k: getattr(setting, k) for k in ("name", *NUMBERS)}
    return render(
        request,
        "settings.html",
        {"values": values, "errors": {}, "saved": saved, "numbers": NUMBERS},
    )


@router.post("/settings")
def save_settings(request: Request, form: FormDep, me: ManagerOnly, db: SessionDep) -> Response:
    setting = _setting(db)
    checked = Checked(form)
    name = checked.text("name", "the nursery's name", max_len=200)
    numbers = {
        k: checked.number(k, label, low=low, high=high) for k, (label, low, high) in NUMBERS.items()
    }
    if not checked.ok:
        values = {k: checked.raw(k) for k in ("name", *NUMBERS)}
        return render(
            request,
            "settings.html",
            {"values": values, "errors": checked.errors, "saved": 0, "numbers": NUMBERS},
            status=400,
        )
    wanted: dict[str, object] = {"name": name, **numbers}
    changed = [key for key, value in wanted.items() if getattr(setting, key) != value]
    for key in changed:
        setattr(setting, key, wanted[key])
    db.commit()
    if changed:  # which settings, not their values: the nursery's name is not for the journal
        log_event("settings_changed", staff=me.id, fields=",".join(changed))
    request.app.state.setting_info.forget()
    return RedirectResponse("/settings?saved=1", status_code=303)
