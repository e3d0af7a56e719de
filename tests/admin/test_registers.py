"""The daily register for any date, printable and as CSV; hours for funding returns."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import append_events
from db.models import Child, Staff
from tests.admin.conftest import NOW
from tests.admin.nursery_day import morning
from tests.admin.test_people import db_of
from tests.factories import handed_over_unseen


def first_arrival(db: Session) -> str:
    """The morning's first arrival (09:00) is the child first on the roll."""
    child = db.scalars(select(Child).order_by(Child.id)).first()
    assert child is not None
    return f"{child.first_name} {child.last_name}"


def test_the_register_lists_each_child_with_times_key_person_and_who_brought_them(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
        first = first_arrival(db)
    page = staff_client.get("/register?day=2026-11-23").text
    assert "Daily register · Mon 23 Nov 2026" in page
    assert "The whole day: 14 children" in page and "data-print" in page
    row = next(line for line in page.split("<tr") if first in line and "data-child" in line)
    assert '"Arrived">09:00</td>' in row and "Saskia Brown" in row


def test_the_register_downloads_as_csv_that_a_spreadsheet_opens_safely(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
    response = staff_client.get("/register.csv?day=2026-11-23")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Child", "Room", "Key person", "Arrived"]
    register = rows[: rows.index([""])]  # below it, after a blank row: absences, sign-off
    assert len(register) == 15 and any(r[0] == "ياسمين Haddad" for r in register)


def test_a_register_with_one_child_says_1_child(staff_client: TestClient, database: str) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1), children=1)
    assert "The whole day: 1 child ·" in staff_client.get("/register?day=2026-11-23").text


def test_a_day_with_no_children_says_so(staff_client: TestClient) -> None:
    assert "No children attended on this day." in staff_client.get("/register?day=2026-11-22").text


def test_a_nonsense_date_gets_a_clear_message(staff_client: TestClient) -> None:
    response = staff_client.get("/register?day=someday")
    assert response.status_code == 400 and "not a date" in response.text


def test_hours_per_child_over_a_range_come_as_csv(staff_client: TestClient, database: str) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
        first = first_arrival(db)
    response = staff_client.get("/register/hours.csv?start=2026-11-01&end=2026-11-23")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == ["First name", "Last name", "Date of birth", "Hours", "Hours unknown on"]
    row = next(r for r in rows if f"{r[0]} {r[1]}" == first)
    assert row[3] == "1.00"  # arrived 09:00, still here at the office's 10:00
    backwards = staff_client.get("/register/hours.csv?start=2026-11-23&end=2026-11-01")
    assert backwards.status_code == 400


def test_a_child_handed_over_where_no_arrival_was_recorded_reads_arrival_not_recorded(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        child = db.scalars(select(Child).order_by(Child.id)).first()
        staff = db.scalars(select(Staff).order_by(Staff.id)).first()
        assert child is not None and staff is not None
        handed = handed_over_unseen(
            child_id=child.id, staff_id=staff.id, now=NOW, collector_name="Kirsty Walsh"
        )
        append_events(db, [handed])
        db.commit()
        name = f"{child.first_name} {child.last_name}"

    page = staff_client.get("/register?day=2026-11-23").text
    (row,) = [line for line in page.split("<tr") if name in line and "data-child" in line]
    assert '"Arrived">arrival not recorded</td>' in row and '"Brought by">not recorded</td>' in row
    assert '"Left">10:00</td>' in row and "Kirsty Walsh" in row

    response = staff_client.get("/register.csv?day=2026-11-23")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    (csv_row,) = [r for r in rows if r and r[0] == name]
    assert csv_row[3:7] == ["arrival not recorded", "10:00", "not recorded", "Kirsty Walsh"]

    # Its hours are unknown: said under the register, at the foot of its CSV, and in the hours
    # CSV beside the counted hours, never silently added as nothing.
    assert "1 stay has no recorded arrival: its hours are unknown" in page
    (foot,) = [r for r in rows if r and r[0] == "Hours unknown"]
    assert "1 stay has no recorded arrival" in foot[1]
    hours = staff_client.get("/register/hours.csv?start=2026-11-23&end=2026-11-23")
    hour_rows = list(csv.reader(io.StringIO(hours.text.lstrip("\ufeff"))))
    (hour_row,) = [r for r in hour_rows if len(r) > 1 and f"{r[0]} {r[1]}" == name]
    assert hour_row[3:] == ["0.00", "2026-11-23"]
    assert hour_rows[-1][0] == "Hours unknown"
