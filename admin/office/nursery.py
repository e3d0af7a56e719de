"""Setting a nursery up from nothing: the steps of the first-run path, which of them have
something in them yet, and the door's choices (privacy mode, languages) in words."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.dates import DateOrder, date_order
from admin.errors import HubError
from db.models import NurserySession, RatioRule, Room, Setting, Staff
from db.vocabulary import PrivacyMode

# The kiosk's catalogues (kiosk/locale); the office names them without importing the kiosk.
# Each as the language names itself, and in English for the manager.
KIOSK_LANGUAGES = {"en": ("English", ""), "pl": ("Polski", "Polish"), "ur": ("اردو", "Urdu")}
PRIVACY_MODES = {
    PrivacyMode.PHOTO_AND_FIRST_NAME.value: "Photo and first name on the board",
    PrivacyMode.FIRST_NAME_AND_INITIAL.value: "First name and initial, no photos",
    PrivacyMode.CARD_FIRST.value: "No board: families start with their card",
}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    url: str
    what: str
    done: bool


def the_setting(db: Session) -> Setting:
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    if setting is None:
        raise HubError(409, "no_setting", "The nursery's settings are missing.")
    return setting


def setting_date_order(db: Session) -> DateOrder:
    """How this nursery writes dates (Settings); the UK's order before it has chosen."""
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    return date_order((setting.extra or {}).get("date_order") if setting else None)


def time_zone_problem(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"“{name}” is not a time zone. Use a name such as Europe/London."
    return ""


def _has(db: Session, model: type[NurserySession | Room | RatioRule]) -> bool:
    return bool(db.scalar(select(func.count(model.id)).where(model.deleted_at.is_(None))))


def setup_steps(db: Session) -> list[Step]:
    """The first-run path in order. ``done`` means the step has something in it: any step can
    be skipped and come back to, so none is ever required before the next."""
    setting = the_setting(db)
    staff = db.scalar(select(func.count(Staff.id)).where(Staff.deleted_at.is_(None))) or 0
    door_set = bool(setting.extra.get("door_chosen")) if setting.extra else False
    return [
        Step("setting", "The setting", "/settings", "Name, address and time zone.", True),
        Step(
            "sessions",
            "Sessions",
            "/settings/sessions",
            "Morning, lunch, afternoon…",
            _has(db, NurserySession),
        ),
        Step("rooms", "Rooms", "/settings/rooms", "Rooms and their age bands.", _has(db, Room)),
        Step(
            "ratios",
            "Ratios",
            "/settings/ratios",
            "Staff to children, by age (EYFS).",
            _has(db, RatioRule),
        ),
        Step("staff", "Staff", "/staff", "Accounts and kiosk PINs.", staff > 1),
        Step(
            "door",
            "The door",
            "/settings/door",
            "What the kiosk shows, idle time, languages, password limits.",
            door_set,
        ),
    ]


def next_step(db: Session, key: str) -> Step | None:
    steps = setup_steps(db)
    keys = [s.key for s in steps]
    at = keys.index(key) if key in keys else -1
    return steps[at + 1] if at + 1 < len(steps) else None


def wizard_bar(db: Session, key: str) -> dict[str, object]:
    """What the banner over a step's page says when the manager came through the wizard."""
    steps = setup_steps(db)
    at = [s.key for s in steps].index(key)
    following = steps[at + 1] if at + 1 < len(steps) else None
    return {
        "number": at + 1,
        "total": len(steps),
        "title": steps[at].title,
        "next_url": f"{following.url}?wizard=1" if following else "/welcome?finished=1",
        "next_title": following.title if following else "Finish",
    }
