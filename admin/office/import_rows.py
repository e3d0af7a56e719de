"""Checking one spreadsheet row: the child and carers it describes, and every problem with it in
words a manager can fix in the file ("row 14: date of birth 31/02/2023 is not a date")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from admin.dates import DateOrder, not_a_date, read_day
from admin.notice_language import LANGUAGES, language_code
from admin.people import OLDEST_CHILD_YEARS, WEEKDAYS, collector_age_problem
from db.models.people import NAME

YES = {"yes", "y", "true", "1", "x", "✓"}
NO = {"no", "n", "false", "0", ""}
_DAY_PREFIX = {day[:3].casefold(): i for i, day in enumerate(WEEKDAYS)}


@dataclass(frozen=True)
class Lookups:
    """What a row's words refer to, by their folded names."""

    rooms: dict[str, int]
    staff: dict[str, list[int]]
    sessions: dict[str, int]
    minimum_age: int
    today: date
    dates: DateOrder  # the setting's order: a US nursery's file says 12/31/2020


@dataclass
class CarerLine:
    values: dict[str, Any]  # first_name, last_name, phone, email, date_of_birth, confirmed_adult
    relationship: str
    parental_responsibility: bool
    may_collect: bool


@dataclass
class ChildLine:
    row: int
    values: dict[str, Any]  # only what the row gives: an empty cell leaves the record alone
    bookings: set[tuple[int, int]] | None
    carers: list[CarerLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_date(raw: Any, order: DateOrder) -> date | None:
    """A spreadsheet's own date cell, or text read as the panel reads a typed date."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return read_day(str(raw), order)


class RowReader:
    """Reads one row's cells, collecting problems instead of stopping at the first."""

    def __init__(self, row: int, lookups: Lookups) -> None:
        self.problems: list[str] = []
        self.lookups = lookups
        self.row = row

    def name(self, cells: dict[str, Any], key: str, label: str) -> str:
        text = str(cells.get(key, ""))
        if not text:
            self.problems.append(f"{label} is missing")
        elif len(text) > NAME:
            self.problems.append(f"{label} is over {NAME} characters")
        return text

    def day(self, cells: dict[str, Any], key: str, label: str) -> date | None:
        raw = cells.get(key)
        if raw is None:
            return None
        found = read_date(raw, self.lookups.dates)
        if found is None:
            self.problems.append(f"{label} {not_a_date(str(raw), self.lookups.dates)}")
        return found

    def yes_no(self, cells: dict[str, Any], key: str, label: str) -> bool:
        raw = fold(str(cells.get(key, "")))
        if raw not in YES | NO:
            self.problems.append(f"{label} “{cells[key]}” should be yes or no")
        return raw in YES

    def one_of(self, cells: dict[str, Any], key: str, label: str, known: dict[str, Any]) -> Any:
        raw = cells.get(key)
        if raw is None:
            self.problems.append(f"{label} is missing")
            return None
        found = known.get(fold(str(raw)))
        if found is None:
            self.problems.append(f"{label} “{raw}” is not one of this nursery's")
        return found

    def key_person(self, cells: dict[str, Any]) -> int | None:
        ids = self.one_of(cells, "key_person", "key person", self.lookups.staff)
        if ids and len(ids) > 1:
            self.problems.append(f"key person “{cells['key_person']}” names two members of staff")
            return None
        return ids[0] if ids else None

    def bookings(self, cells: dict[str, Any]) -> set[tuple[int, int]] | None:
        """ "Mon Morning; Tue Lunch": a weekday and a session, separated by ; or ,."""
        raw = cells.get("sessions")
        if raw is None:
            return None
        wanted = set()
        for item in filter(None, (p.strip() for p in re.split(r"[;,\n]", str(raw)))):
            day_word, _, session_word = item.partition(" ")
            day = _DAY_PREFIX.get(fold(day_word)[:3])
            session = self.lookups.sessions.get(fold(session_word))
            if day is None or session is None:
                self.problems.append(
                    f"booked session “{item}” should be a weekday and a session, e.g. “Mon Morning”"
                )
            else:
                wanted.add((day, session))
        return wanted


def read_child(
    number: int, cells: dict[str, Any], carers: list[dict[str, Any]], lookups: Lookups
) -> ChildLine:
    reader = RowReader(number, lookups)
    values: dict[str, Any] = {
        "first_name": reader.name(cells, "first_name", "child first name"),
        "last_name": reader.name(cells, "last_name", "child last name"),
        "date_of_birth": reader.day(cells, "date_of_birth", "date of birth"),
        "room_id": reader.one_of(cells, "room", "room", lookups.rooms),
        "key_person_id": reader.key_person(cells),
    }
    if "date_of_birth" not in cells:
        reader.problems.append("date of birth is missing")
    born = values["date_of_birth"]
    if born and born > lookups.today:
        reader.problems.append(f"date of birth {born:%d/%m/%Y} is in the future")
    elif born and born < lookups.today - timedelta(days=366 * OLDEST_CHILD_YEARS):
        reader.problems.append(
            f"date of birth {born:%d/%m/%Y} would make the child over {OLDEST_CHILD_YEARS}"
        )
    if "started_on" in cells:
        values["started_on"] = reader.day(cells, "started_on", "start date")
    line = ChildLine(number, values, reader.bookings(cells))
    line.carers = [c for n, raw in enumerate(carers, 1) if (c := _carer(reader, n, raw))]
    line.problems = [f"row {number}: {p}" for p in reader.problems]
    return line


def _carer(reader: RowReader, n: int, cells: dict[str, Any]) -> CarerLine | None:
    label = f"carer {n}"
    values: dict[str, Any] = {
        "first_name": reader.name(cells, "first_name", f"{label} first name"),
        "last_name": reader.name(cells, "last_name", f"{label} last name"),
        "phone": str(cells.get("phone", ""))[:41] or None,
        "email": str(cells.get("email", "")) or None,
        "date_of_birth": reader.day(cells, "date_of_birth", f"{label} date of birth"),
        "confirmed_adult": reader.yes_no(cells, "confirmed_adult", f"{label} confirmed adult"),
    }
    if values["phone"] and len(values["phone"]) > 40:
        reader.problems.append(f"{label} phone is over 40 characters")
    if values["email"] and ("@" not in values["email"] or len(values["email"]) > 200):
        reader.problems.append(f"{label} email “{values['email']}” is not an email address")
    typed = str(cells.get("language", ""))
    values["language"] = language_code(typed) if typed else None  # empty: left as it is
    if typed and values["language"] is None:
        reader.problems.append(
            f"{label} language “{typed}” is not one of the kiosk's: "
            + ", ".join(LANGUAGES.values())
        )
    relationship = str(cells.get("relationship", ""))
    if len(relationship) > 60:
        reader.problems.append(f"{label} relationship is over 60 characters")
    carer = CarerLine(
        values,
        relationship,
        reader.yes_no(cells, "parental_responsibility", f"{label} parental responsibility"),
        reader.yes_no(cells, "may_collect", f"{label} may collect"),
    )
    if carer.may_collect:
        _may_collect(reader, label, relationship, values)
    return carer


def _may_collect(reader: RowReader, label: str, relationship: str, values: dict[str, Any]) -> None:
    """R7 and a relationship: what the door shows beside an adult who collects."""
    who = f"{label} ({values['first_name']} {values['last_name']})"
    if not relationship:
        reader.problems.append(f"{who} may collect, so their relationship is needed")
    if values["date_of_birth"] is None and not values["confirmed_adult"]:
        reader.problems.append(
            f"{who} may collect but has no date of birth: give it, or put yes in "
            f"“{label} confirmed adult” once staff have confirmed they are "
            f"{reader.lookups.minimum_age} or over"
        )
        return
    problem = collector_age_problem(
        date_of_birth=values["date_of_birth"],
        confirmed_adult=values["confirmed_adult"],
        minimum_age=reader.lookups.minimum_age,
        today=reader.lookups.today,
        name=who,
    )
    if problem:
        reader.problems.append(problem)
