"""Reading the child and adult forms: the values to save and a message beside each bad field.

Shared by the pages that create and edit people, so both check exactly the same things.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.dates import DateOrder
from admin.forms import Checked
from admin.notice_language import LANGUAGES
from db.clock import age_in_years
from db.models import NurserySession, Room, Staff
from db.names import full_name, sort_key

CONSENTS = {
    "photos_in_learning_journal": "Photos in the learning journal",
    "photos_on_website": "Photos on the website",
    "local_outings": "Local outings",
    "sun_cream": "Sun cream",
    "emergency_medical_treatment": "Emergency medical treatment",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
OLDEST_CHILD_YEARS = 8


@dataclass(frozen=True)
class Choices:
    rooms: list[tuple[int, str]]
    staff: list[tuple[int, str]]
    sessions: list[tuple[int, str]]

    @classmethod
    def load(cls, db: Session) -> Choices:
        rooms = db.execute(
            select(Room.id, Room.name)
            .where(Room.deleted_at.is_(None))
            .order_by(Room.min_age_months, Room.id)
        ).all()
        people = db.execute(
            select(Staff.id, Staff.first_name, Staff.last_name).where(
                Staff.deleted_at.is_(None), Staff.active.is_(True)
            )
        ).all()
        staff = sorted(
            ((i, full_name(f, last)) for i, f, last in people), key=lambda p: sort_key(p[1])
        )
        sessions = db.execute(
            select(NurserySession.id, NurserySession.name)
            .where(NurserySession.deleted_at.is_(None))
            .order_by(NurserySession.starts_at)
        ).all()
        return cls(list(rooms), staff, list(sessions))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_guardians(checked: Checked) -> list[dict[str, Any]]:
    """One per line: ``Name (relationship)``."""
    text = checked.text("legal_guardians", "the legal guardians", required=False, max_len=2000)
    guardians = []
    for line in _lines(text):
        name, _, rest = line.partition("(")
        guardians.append({"name": name.strip(), "relationship": rest.rstrip(")").strip()})
    return guardians


def guardians_text(guardians: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{g.get('name', '')} ({g.get('relationship', '')})"
        if g.get("relationship")
        else str(g.get("name", ""))
        for g in guardians
    )


def read_contacts(checked: Checked) -> list[dict[str, Any]]:
    """One per line: ``Name, relationship, phone``."""
    text = checked.text(
        "emergency_contacts", "the emergency contacts", required=False, max_len=2000
    )
    contacts = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split(",")]
        parts += [""] * (3 - len(parts))
        contacts.append({"name": parts[0], "relationship": parts[1], "phone": ",".join(parts[2:])})
    return contacts


def contacts_text(contacts: list[dict[str, Any]]) -> str:
    return "\n".join(
        ", ".join(str(c.get(k) or "") for k in ("name", "relationship", "phone")) for c in contacts
    )


def read_child(checked: Checked, choices: Choices, today: date, order: DateOrder) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": checked.text("first_name", "the child's first name"),
        "last_name": checked.text("last_name", "the child's last name"),
        "date_of_birth": checked.day("date_of_birth", "the date of birth", order),
        "room_id": checked.choice(
            "room_id", "a room", {r[0] for r in choices.rooms}, required=True
        ),
        "key_person_id": checked.choice(
            "key_person_id", "a key person", {s[0] for s in choices.staff}, required=True
        ),
        "started_on": checked.day("started_on", "the start date", order, required=False),
        "left_on": checked.day("left_on", "the leaving date", order, required=False),
        "particular_needs": checked.text(
            "particular_needs", "particular needs", required=False, max_len=4000
        ),
        "home_address": checked.text(
            "home_address", "the home address", required=False, max_len=500
        ),
        "lives_with": checked.text(
            "lives_with", "who the child normally lives with", required=False, max_len=500
        ),
        "legal_guardians": read_guardians(checked),
        "emergency_contacts": read_contacts(checked),
        "consents": {key: checked.flag(f"consent_{key}") for key in CONSENTS},
    }
    if values["left_on"] and values["started_on"] and values["left_on"] < values["started_on"]:
        checked.errors["left_on"] = "The leaving date is before the start date."
    born = values["date_of_birth"]
    if born is not None and born > today:
        checked.errors["date_of_birth"] = "The date of birth cannot be in the future."
    elif born is not None and born < today - timedelta(days=366 * OLDEST_CHILD_YEARS):
        checked.errors["date_of_birth"] = (
            f"That would make the child over {OLDEST_CHILD_YEARS}. Please check the year."
        )
    return values


def read_bookings(checked: Checked, choices: Choices) -> set[tuple[int, int]]:
    return {
        (day, sid)
        for day in range(len(WEEKDAYS))
        for sid, _ in choices.sessions
        if checked.flag(f"book_{day}_{sid}")
    }


def read_adult(checked: Checked, order: DateOrder) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": checked.text("first_name", "the first name"),
        "last_name": checked.text("last_name", "the last name"),
        "date_of_birth": checked.day("date_of_birth", "the date of birth", order, required=False),
        "confirmed_adult": checked.flag("confirmed_adult"),
        "phone": checked.text("phone", "the phone number", required=False, max_len=40) or None,
        "email": checked.text("email", "the email address", required=False, max_len=200) or None,
    }
    if values["email"] and "@" not in values["email"]:
        checked.errors["email"] = "That does not look like an email address."
    # What e-mail tells them, and in which language (issue 17). A form from before these
    # fields existed keeps what the adult had.
    if "language" in checked.form:
        values["language"] = checked.raw("language")
        if values["language"] not in LANGUAGES:
            checked.errors["language"] = "Please choose one of the kiosk's languages."
    if "notices_shown" in checked.form:
        values["notify_arrivals"] = checked.flag("notify_arrivals")
        values["notify_late"] = checked.flag("notify_late")
    return values


def collector_age_problem(
    *,
    date_of_birth: date | None,
    confirmed_adult: bool,
    minimum_age: int,
    today: date,
    name: str,
) -> str | None:
    """R7: only an adult of the setting's minimum age may be authorised to collect."""
    if date_of_birth is None:
        if confirmed_adult:
            return None
        return (
            f"{name} has no date of birth on record. Enter it, or tick “staff have confirmed "
            f"this person is {minimum_age} or over”."
        )
    age = age_in_years(date_of_birth, today)
    if age < minimum_age:
        return (
            f"{name} is {age}. Only adults aged {minimum_age} or over can be authorised to "
            "collect a child."
        )
    return None
