"""Reading posted forms: every value checked, every problem kept beside its field.

A view collects all errors before writing anything, so nothing is ever half-saved.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import FormData, UploadFile

from admin.dates import DateOrder, not_a_date, read_day
from admin.errors import HubError
from db.avatars import resize_photo
from db.credentials import BCRYPT_MAX_BYTES

MAX_PHOTO_BYTES = 15 * 1024 * 1024


@dataclass
class Checked:
    """Values read from a form and the message for each field that was wrong."""

    form: FormData
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raw(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def text(self, name: str, label: str, *, required: bool = True, max_len: int = 100) -> str:
        value = unicodedata.normalize("NFC", self.raw(name))
        if required and not value:
            self.errors[name] = f"Please enter {label}."
        elif len(value) > max_len:
            self.errors[name] = f"{label.capitalize()} is too long: at most {max_len} characters."
        return value

    def flag(self, name: str) -> bool:
        return self.raw(name) in ("on", "1", "true", "yes")

    def day(self, name: str, label: str, order: DateOrder, *, required: bool = True) -> date | None:
        """A date typed in the setting's order (or yyyy-mm-dd); what was typed stays in the
        form, so the page shows it again beside the message."""
        value = self.raw(name)
        if not value:
            if required:
                self.errors[name] = f"Please enter {label}."
            return None
        found = read_day(value, order)
        if found is None:
            self.errors[name] = not_a_date(value, order)
        return found

    def number(self, name: str, label: str, *, low: int, high: int) -> int | None:
        value = self.raw(name)
        if not value.isdigit() or not low <= int(value) <= high:
            self.errors[name] = f"{label.capitalize()} must be a whole number from {low} to {high}."
            return None
        return int(value)

    def choice(self, name: str, label: str, options: set[int], *, required: bool) -> int | None:
        value = self.raw(name)
        if not value:
            if required:
                self.errors[name] = f"Please choose {label}."
            return None
        if not value.isdigit() or int(value) not in options:
            self.errors[name] = f"Please choose {label} from the list."
            return None
        return int(value)

    def photo(self, name: str = "photo") -> bytes | None:
        upload = self.form.get(name)
        if not isinstance(upload, UploadFile) or not upload.filename:
            return None
        data = upload.file.read(MAX_PHOTO_BYTES + 1)
        if len(data) > MAX_PHOTO_BYTES:
            self.errors[name] = "That photo is over 15 MB. Please choose a smaller one."
            return None
        try:
            return resize_photo(data)
        except ValueError as exc:
            self.errors[name] = str(exc)
            return None

    def new_password(self, name: str, *, min_len: int, what: str = "password") -> str:
        """A password typed twice (``name`` and ``name + '_again'``); never echoed back."""
        first = self.form.get(name)
        again = self.form.get(f"{name}_again")
        first = first if isinstance(first, str) else ""
        again = again if isinstance(again, str) else ""
        if not first.strip():
            self.errors[name] = f"Please type the {what}."
        elif len(first.encode("utf-8")) > BCRYPT_MAX_BYTES:
            self.errors[name] = (
                f"That {what} is too long: at most {BCRYPT_MAX_BYTES} bytes "
                f"(about {BCRYPT_MAX_BYTES} letters without accents)."
            )
        elif len(first.strip()) < min_len:
            self.errors[name] = f"That {what} is too short: use at least {min_len} characters."
        elif first != again:
            self.errors[f"{name}_again"] = (
                f"The two {what}s are not the same. Please type both again."
            )
        return first


def strength_hint(min_len: int) -> str:
    return (
        f"At least {min_len} characters. Two or three unrelated words are easy to say and hard "
        "to guess (for example “maple kettle harbour”). It is never shown again."
    )


def day_asked(raw: str | None, default: date, label: str, order: DateOrder) -> date:
    """A date from a link or a download's form (the setting's order or yyyy-mm-dd),
    ``default`` when none was given; a date that is not one gets a clear 400 naming the field
    ("The first day: 31/02/2026 is not a date; write it as dd/mm/yyyy.")."""
    if not raw:
        return default
    found = read_day(raw, order)
    if found is None:
        raise HubError(400, "bad_date", f"The {label}: {not_a_date(raw, order)}")
    return found


@dataclass
class AskedDays:
    """The dates a page's filter form asks for (?day=, ?start=): each bad one is kept as it
    was typed with its message, for the page to show on the same form, and the page is shown
    for the default day meanwhile, never for a day that was guessed."""

    order: DateOrder
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def typed(self, name: str, raw: str | None) -> date | None:
        """The date asked for; None when none was, or when it is not a date (kept, with its
        message)."""
        if not raw:
            return None
        found = read_day(raw, self.order)
        if found is None:
            self.errors[name] = not_a_date(raw, self.order)
        self.values[name] = found or raw
        return found

    def day(self, name: str, raw: str | None, default: date) -> date:
        found = self.typed(name, raw)
        self.values.setdefault(name, default)
        return found or default

    @property
    def status(self) -> int:
        return 400 if self.errors else 200


MOST_DAYS = 400  # a year and a bit: a funding year, a term's headcount or an inspection's look


def check_range(first: date, last: date, most: int = MOST_DAYS) -> None:
    """A range of days a report is asked for: in order, and not so long it ties the hub up."""
    if last < first:
        raise HubError(400, "bad_range", "The last day is before the first day.")
    if (last - first).days > most:
        raise HubError(400, "bad_range", f"Please choose at most {most} days.")


def posted_child_day(
    form: FormData, today: date, fields: tuple[str, ...], order: DateOrder
) -> tuple[int, date, dict[str, str]]:
    """A correction form about one child on one day (a departure, an absence): the child's
    id (0 when it names none), the day (today when none) and the other fields as typed, to
    be shown again beside the message if they are wrong."""
    raw_child = str(form.get("child") or "")
    child_id = int(raw_child) if raw_child.isdigit() else 0
    day = day_asked(str(form.get("day") or ""), today, "date", order)
    return child_id, day, {k: str(form.get(k) or "") for k in fields}
