"""The rows a setting is made of besides its settings: sessions, rooms and ratio rules. Each
kind says how it reads its form, how it describes a row in a list, and why a row may not be
removed yet. Versions and the audit log follow by themselves (db/audit.py); sessions and rooms
are door tables, so every paired kiosk pulls a change on its next sync."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.forms import Checked
from db.models import Child, ChildBooking, NurserySession, RatioRule, Room
from db.models.base import Versioned
from db.ratios import EYFS

_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
OLDEST_MONTHS = 96


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, time or number
    hint: str = ""
    required: bool = True


@dataclass(frozen=True)
class RowKind:
    key: str
    title: str
    one: str
    model: type[Versioned]
    fields: tuple[Field, ...]
    intro: str
    empty: str
    read: Callable[[Checked], dict[str, Any]]
    describe: Callable[[Any], str]
    in_use: Callable[[Session, Any], str]


def _clock(checked: Checked, name: str, label: str) -> time | None:
    raw = checked.raw(name)
    try:
        if _CLOCK.match(raw):
            return time.fromisoformat(raw.zfill(5))
    except ValueError:
        pass
    checked.errors[name] = f"Please give {label} as hours:minutes, for example 08:30."
    return None


def _months(checked: Checked, name: str, label: str, *, required: bool) -> int | None:
    if not required and not checked.raw(name):
        return None
    return checked.number(name, label, low=0, high=OLDEST_MONTHS)


def _age_band(checked: Checked, *, from_required: bool) -> dict[str, int | None]:
    low = _months(checked, "min_age_months", "the youngest age in months", required=from_required)
    high = _months(checked, "max_age_months", "the oldest age in months", required=False)
    if low is not None and high is not None and high < low:
        checked.errors["max_age_months"] = "The oldest age is below the youngest."
    return {"min_age_months": low, "max_age_months": high}


def band_text(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "any age"
    if high is None:
        return f"{low} months and over"
    return f"{low or 0}–{high} months"


def _read_session(checked: Checked) -> dict[str, Any]:
    name = checked.text("name", "the session's name (e.g. Morning)", max_len=100)
    starts = _clock(checked, "starts_at", "the start")
    ends = _clock(checked, "ends_at", "the end")
    if starts and ends and ends <= starts:
        checked.errors["ends_at"] = "The session must end after it starts."
    return {"name": name, "starts_at": starts, "ends_at": ends}


def _read_room(checked: Checked) -> dict[str, Any]:
    name = checked.text("name", "the room's name (e.g. Babies)", max_len=100)
    return {"name": name, **_age_band(checked, from_required=False)}


def _read_ratio(checked: Checked) -> dict[str, Any]:
    label = checked.text("label", "a name for the age band (e.g. Under 2)", max_len=100)
    per_adult = checked.number("children_per_adult", "children per adult", low=1, high=30)
    teacher = None
    if checked.raw("children_per_adult_with_qualified_teacher"):
        teacher = checked.number(
            "children_per_adult_with_qualified_teacher",
            "children per adult with a qualified teacher",
            low=1,
            high=30,
        )
    return {
        "label": label,
        **_age_band(checked, from_required=True),
        "children_per_adult": per_adult,
        "children_per_adult_with_qualified_teacher": teacher,
    }


def _count(db: Session, query: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _session_in_use(db: Session, row: NurserySession) -> str:
    booked = _count(
        db,
        select(ChildBooking.id).where(
            ChildBooking.session_id == row.id, ChildBooking.deleted_at.is_(None)
        ),
    )
    if not booked:
        return ""
    return f"{row.name} has {booked} booking{'s' if booked != 1 else ''}: change them first."


def _room_in_use(db: Session, row: Room) -> str:
    children = _count(
        db, select(Child.id).where(Child.room_id == row.id, Child.deleted_at.is_(None))
    )
    if not children:
        return ""
    who = "1 child is" if children == 1 else f"{children} children are"
    return f"{who} in {row.name}: move them to another room first."


def _ratio_text(row: RatioRule) -> str:
    text = (
        f"{band_text(row.min_age_months, row.max_age_months)}: 1 adult to {row.children_per_adult}"
    )
    if row.children_per_adult_with_qualified_teacher:
        text += f", or to {row.children_per_adult_with_qualified_teacher} with a qualified teacher"
    return text


AGE_FIELDS = (
    Field("min_age_months", "Youngest age (months)", "number", "0 for babies."),
    Field("max_age_months", "Oldest age (months)", "number", "Empty: no upper limit.", False),
)
KINDS = {
    "sessions": RowKind(
        "sessions",
        "Sessions",
        "session",
        NurserySession,
        (
            Field("name", "Name", hint="For example Morning, Lunch, Afternoon."),
            Field("starts_at", "Starts", "time"),
            Field("ends_at", "Ends", "time"),
        ),
        "The sessions children are booked into. A child still in after a session's end plus "
        "the late-collection grace raises an alert.",
        "No sessions yet. Add the first one below, for example Morning 08:30 to 11:30.",
        _read_session,
        lambda r: f"{r.starts_at:%H:%M}–{r.ends_at:%H:%M}",
        _session_in_use,
    ),
    "rooms": RowKind(
        "rooms",
        "Rooms",
        "room",
        Room,
        (
            Field("name", "Name", hint="For example Babies, Twos, Pre-school."),
            Field("min_age_months", "Youngest age (months)", "number", "0 for babies.", False),
            AGE_FIELDS[1],
        ),
        "Every child belongs to a room; Today counts ratios room by room.",
        "No rooms yet. Add the first one below: children cannot be added until there is one.",
        _read_room,
        lambda r: band_text(r.min_age_months, r.max_age_months),
        _room_in_use,
    ),
    "ratios": RowKind(
        "ratios",
        "Ratios",
        "ratio rule",
        RatioRule,
        (
            Field("label", "Age band", hint="For example Under 2."),
            *AGE_FIELDS,
            Field("children_per_adult", "Children per adult", "number"),
            Field(
                "children_per_adult_with_qualified_teacher",
                "Children per adult with a qualified teacher",
                "number",
                "Empty if the same.",
                False,
            ),
        ),
        "How many children each adult may care for, by age. Today warns when a room is short.",
        "No ratio rules yet: Today uses the EYFS ratios until you add some. Add them below, "
        "or take the EYFS ones as a start.",
        _read_ratio,
        _ratio_text,
        lambda db, row: "",
    ),
}


def live_rows(db: Session, kind: RowKind) -> list[Any]:
    model: Any = kind.model
    first = model.starts_at if kind.key == "sessions" else model.min_age_months
    return list(
        db.scalars(select(model).where(model.deleted_at.is_(None)).order_by(first, model.id))
    )


def offer_eyfs_ratios(db: Session) -> int:
    """Add the EYFS ratio rules the setting does not have yet (by name); how many were added."""
    have = {r.label for r in live_rows(db, KINDS["ratios"])}
    added = 0
    for band in EYFS:
        if band.label not in have:
            db.add(
                RatioRule(
                    label=band.label,
                    min_age_months=band.min_age_months,
                    max_age_months=band.max_age_months,
                    children_per_adult=band.children_per_adult,
                    children_per_adult_with_qualified_teacher=(
                        band.children_per_adult_with_qualified_teacher
                    ),
                )
            )
            added += 1
    return added
