"""The nursery's settings. The setting: name, address, time zone, the minimum age of a
collector (R7), how long an arrival may wait for staff (R2), late-collection grace (R9), the
retention period (GDPR), how little room on a kiosk's disk is "low", and how long a door
may go without a sync before it counts itself out of touch with the office. The door: what the
self-registration board shows (R12), idle time, languages (R14) and the agreed-password limits
(R6). Both are door data: the kiosks pull a change on their next sync. Manager only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from admin.dates import DEFAULT_ORDER, ORDERS, date_order
from admin.deps import FormDep, ManagerOnly, SessionDep
from admin.forms import Checked
from admin.office.nursery import (
    KIOSK_LANGUAGES,
    PRIVACY_MODES,
    next_step,
    the_setting,
    time_zone_problem,
    wizard_bar,
)
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
    # A door syncs every 5 s: under 20 s a slow round would count as out of touch; beyond
    # 15 minutes a door could sign a child in again whose arrival another door already took.
    "kiosk_out_of_touch_seconds": (
        "the seconds without a sync before a door counts itself out of touch",
        20,
        900,
    ),
    # 6 or more: a stolen kiosk's PIN hashes take a hundred times longer to guess. Existing
    # PINs keep working; new and changed ones must have this many digits.
    "staff_pin_min_digits": ("the fewest digits in a staff PIN (6 is safer)", 4, 8),
    # After this long past a booked session's start, a child who has not come is shown to
    # staff as "not yet arrived" on Today.
    "not_arrived_minutes": ("the minutes after a session starts before a child is missed", 5, 240),
}
DOOR_NUMBERS = {
    "kiosk_idle_seconds": ("the seconds before an idle kiosk goes back home", 10, 600),
    "password_attempt_limit": ("the wrong agreed passwords before a lockout", 1, 10),
    "password_window_minutes": ("the minutes wrong passwords are counted over", 5, 1440),
}
TEXTS = ("name", "address", "time_zone")


def _general_values(setting: Setting) -> dict[str, Any]:
    values = {k: getattr(setting, k) for k in ("name", "time_zone", *NUMBERS)}
    extra = setting.extra or {}
    order = date_order(extra.get("date_order")).key
    return values | {"address": extra.get("address", ""), "date_order": order}


def _general_context(
    db: SessionDep, values: dict[str, Any], errors: dict[str, str], saved: int, wizard: bool
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "saved": saved,
        "numbers": NUMBERS,
        "date_orders": [(o.key, o.label) for o in ORDERS.values()],
        "wizard": wizard_bar(db, "setting") if wizard else None,
    }


def _save(request: Request, setting: Setting, wanted: dict[str, Any], me_id: int) -> None:
    old = setting.extra or {}
    extra = dict(old)
    for key in ("address", "door_chosen", "date_order"):
        if key in wanted:
            extra[key] = wanted.pop(key)
    if extra != old:
        setting.extra = extra  # a new dict: SQLAlchemy sees a JSON column change only so
    changed = [key for key, value in wanted.items() if getattr(setting, key) != value]
    for key in changed:
        setattr(setting, key, wanted[key])
    # A key never saved reads as its default: saving the form unchanged changes nothing.
    unset = {"address": "", "door_chosen": False, "date_order": DEFAULT_ORDER}
    changed += [key for key in extra if extra[key] != old.get(key, unset.get(key))]
    if changed:  # which settings, not their values: the nursery's name is not for the journal
        log_event("settings_changed", staff=me_id, fields=",".join(changed))
    request.app.state.setting_info.forget()


def _after(db: SessionDep, key: str, wizard: bool, url: str) -> Response:
    if wizard:
        following = next_step(db, key)
        target = f"{following.url}?wizard=1" if following else "/welcome?finished=1"
        return RedirectResponse(target, status_code=303)
    return RedirectResponse(f"{url}?saved=1", status_code=303)


@router.get("/settings")
def settings_page(
    request: Request, me: ManagerOnly, db: SessionDep, saved: int = 0, wizard: int = 0
) -> Response:
    context = _general_context(db, _general_values(the_setting(db)), {}, saved, bool(wizard))
    return render(request, "settings.html", context)


@router.post("/settings")
def save_settings(request: Request, form: FormDep, me: ManagerOnly, db: SessionDep) -> Response:
    setting = the_setting(db)
    checked = Checked(form)
    wizard = checked.flag("wizard")
    name = checked.text("name", "the nursery's name", max_len=200)
    address = checked.text("address", "the address", required=False, max_len=500)
    zone = setting.time_zone  # a form from before the field existed keeps the zone it had
    if "time_zone" in form:
        zone = checked.text("time_zone", "the time zone (e.g. Europe/London)", max_len=64)
    if zone and time_zone_problem(zone):
        checked.errors["time_zone"] = time_zone_problem(zone)
    # A field the posted page did not have (a page from before it was added) keeps its value.
    numbers = {
        k: checked.number(k, label, low=low, high=high)
        for k, (label, low, high) in NUMBERS.items()
        if k in form
    }
    # How dates are written in the panel; a form from before the choice existed keeps it.
    order = checked.raw("date_order") or _general_values(setting)["date_order"]
    if order not in ORDERS:
        checked.errors["date_order"] = "Please choose how dates are written."
    if not checked.ok:
        values = {k: checked.raw(k) for k in (*TEXTS, *NUMBERS)} | {"date_order": order}
        context = _general_context(db, values, checked.errors, 0, wizard)
        return render(request, "settings.html", context, status=400)
    texts = {"name": name, "address": address, "time_zone": zone, "date_order": order}
    _save(request, setting, texts | numbers, me.id)
    db.commit()
    return _after(db, "setting", wizard, "/settings")


def _door_context(values: dict[str, Any], errors: dict[str, str], **more: Any) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "numbers": DOOR_NUMBERS,
        "modes": PRIVACY_MODES,
        "languages": KIOSK_LANGUAGES,
    } | more


@router.get("/settings/door")
def door_page(
    request: Request, me: ManagerOnly, db: SessionDep, saved: int = 0, wizard: int = 0
) -> Response:
    setting = the_setting(db)
    values = {k: getattr(setting, k) for k in ("privacy_mode", "languages", *DOOR_NUMBERS)}
    more = {"saved": saved, "wizard": wizard_bar(db, "door") if wizard else None}
    return render(request, "settings_door.html", _door_context(values, {}, **more))


@router.post("/settings/door")
def save_door(request: Request, form: FormDep, me: ManagerOnly, db: SessionDep) -> Response:
    setting = the_setting(db)
    checked = Checked(form)
    wizard = checked.flag("wizard")
    mode = checked.raw("privacy_mode")
    if mode not in PRIVACY_MODES:
        checked.errors["privacy_mode"] = "Please choose what the kiosk's board shows."
    languages = [code for code in KIOSK_LANGUAGES if checked.flag(f"language_{code}")]
    if "en" not in languages:
        languages.insert(0, "en")  # staff and the help texts are in English
    numbers = {
        k: checked.number(k, label, low=low, high=high)
        for k, (label, low, high) in DOOR_NUMBERS.items()
    }
    if not checked.ok:
        values = {k: checked.raw(k) for k in ("privacy_mode", *DOOR_NUMBERS)}
        more = {"saved": 0, "wizard": wizard_bar(db, "door") if wizard else None}
        context = _door_context(values | {"languages": languages}, checked.errors, **more)
        return render(request, "settings_door.html", context, status=400)
    wanted = {"privacy_mode": mode, "languages": languages, "door_chosen": True, **numbers}
    _save(request, setting, wanted, me.id)
    db.commit()
    return _after(db, "door", wizard, "/settings/door")
