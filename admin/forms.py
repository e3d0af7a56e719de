"""Reading posted forms: every value checked, every problem kept beside its field.

A view collects all errors before writing anything, so nothing is ever half-saved.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from starlette.datastructures import FormData, UploadFile

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

    def day(self, name: str, label: str, *, required: bool = True) -> date | None:
        value = self.raw(name)
        if not value:
            if required:
                self.errors[name] = f"Please enter {label}."
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = f"{label.capitalize()} is not a date (use the date picker)."
            return None

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


def day_asked(raw: str | None, default: date, label: str) -> date:
    """A date from a link or form (YYYY-MM-DD), ``default`` when none was given; a date that
    is not one gets a clear 400 naming the field ("The first day is not a date")."""
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise HubError(400, "bad_date", f"The {label} is not a date (YYYY-MM-DD).") from exc


MOST_DAYS = 400  # a year and a bit: a funding year, a term's headcount or an inspection's look


def check_range(first: date, last: date, most: int = MOST_DAYS) -> None:
    """A range of days a report is asked for: in order, and not so long it ties the hub up."""
    if last < first:
        raise HubError(400, "bad_range", "The last day is before the first day.")
    if (last - first).days > most:
        raise HubError(400, "bad_range", f"Please choose at most {most} days.")


def posted_child_day(
    form: FormData, today: date, fields: tuple[str, ...]
) -> tuple[int, date, dict[str, str]]:
    """A correction form about one child on one day (a departure, an absence): the child's
    id (0 when it names none), the day (today when none) and the other fields as typed, to
    be shown again beside the message if they are wrong."""
    raw_child = str(form.get("child") or "")
    child_id = int(raw_child) if raw_child.isdigit() else 0
    day = day_asked(str(form.get("day") or ""), today, "date")
    return child_id, day, {k: str(form.get(k) or "") for k in fields}
