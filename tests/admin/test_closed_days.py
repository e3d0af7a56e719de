"""The days the nursery is closed: on one, no booked child is "not yet arrived", Today says the
nursery is closed, the register says it was a closed day; the manager keeps the list under
Settings, and England and Wales' bank holidays come from a fixed sum, not a download."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.office.absences import absent_on, not_yet_arrived
from admin.office.closed_days import bank_holidays, closure_on, easter_sunday
from admin.office.not_arrived import answer_not_arrived, raise_not_arrived
from db.models import AuditEntry, ClosedDay
from tests.admin.conftest import NOW, post_form
from tests.admin.test_people import db_of

PAGE = "/settings/closed-days"
MONDAY = NOW.date()  # 23/11/2026, sessions from 08:30, ten o'clock: children are missed


@pytest.mark.parametrize(
    ("year", "sunday"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)  # fmt: skip
def test_easter_sunday_is_the_churchs_date(year: int, sunday: date) -> None:
    assert easter_sunday(year) == sunday


@pytest.mark.parametrize(
    ("year", "days"),
    [
        # gov.uk/bank-holidays: 2026's Boxing Day is a Saturday; 2027's Christmas too.
        (2026, ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
        (2027, ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"]),
        # New Year's Day on a Sunday; Christmas on a Monday.
        (2023, ["01-02", "04-07", "04-10", "05-01", "05-29", "08-28", "12-25", "12-26"]),
    ],
)
def test_bank_holidays_of_england_and_wales(year: int, days: list[str]) -> None:
    assert [h.day for h in bank_holidays(year)] == [date.fromisoformat(f"{year}-{d}") for d in days]


def test_christmas_on_a_sunday_moves_christmas_not_boxing_day() -> None:
    [christmas, boxing] = bank_holidays(2033)[-2:]
    assert (christmas.label, christmas.day) == ("Christmas Day", date(2033, 12, 27))
    assert (boxing.label, boxing.day) == ("Boxing Day", date(2033, 12, 26))


def _add(manager: TestClient, first: str, label: str, last: str = "") -> int:
    data = {"first_day": first, "last_day": last, "label": label}
    response = post_form(manager, PAGE, PAGE, data)
    return response.status_code


def test_a_closed_day_expects_nobody_and_says_so(manager: TestClient, database: str) -> None:
    with db_of(database) as db:
        assert not_yet_arrived(db, NOW)  # an open Monday: children are missed
    assert _add(manager, "23/11/2026", "INSET day") == 303
    with db_of(database) as db:
        assert not_yet_arrived(db, NOW) == []
        assert absent_on(db, MONDAY, now=NOW + timedelta(days=1)) == []
        assert raise_not_arrived(db, NOW) == []
        [row] = db.scalars(select(ClosedDay)).all()
        audit = db.scalars(select(AuditEntry).where(AuditEntry.entity == "closed_days")).one()
        assert audit.actor.startswith("staff:")  # who put it down is on the record
        assert audit.changes["label"] == "INSET day"
    today = manager.get("/today").text
    assert "The nursery is closed today (INSET day)." in today
    assert "Not yet arrived" not in today
    register = manager.get("/register?day=2026-11-23").text
    assert "A closed day (INSET day)" in register and "data-absent-child" not in register
    assert "Closed day,INSET day" in manager.get("/register.csv?day=2026-11-23").text
    assert "INSET day" in manager.get(PAGE).text

    removed = post_form(manager, PAGE, f"{PAGE}/{row.id}/remove", {})
    assert removed.status_code == 303
    with db_of(database) as db:
        assert not_yet_arrived(db, NOW)  # open again
        assert closure_on(db, MONDAY) is None
        assert db.scalars(select(ClosedDay)).one().deleted_at is not None  # tombstoned
    assert "The nursery is closed" not in manager.get("/today").text


def test_a_run_of_days_covers_each_day_in_it(manager: TestClient, database: str) -> None:
    assert _add(manager, "21/12/2026", "Christmas closure", "01/01/2027") == 303
    with db_of(database) as db:
        closure = closure_on(db, date(2026, 12, 29))
        assert closure is not None and closure.label == "Christmas closure"
        assert closure_on(db, date(2027, 1, 2)) is None
        assert closure_on(db, MONDAY) is None
    page = manager.get(PAGE).text
    assert "Mon 21/12/2026 to Fri 01/01/2027" in page


def test_an_alert_raised_before_the_day_was_put_down_is_answered(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        raised = raise_not_arrived(db, NOW)
        assert raised
    _add(manager, "23/11/2026", "Bank holiday")
    with db_of(database) as db:
        answered = answer_not_arrived(db, NOW)
    assert len(answered) == len(raised)
    assert {r.payload["note"] for r in answered} == {
        "The nursery was closed that day (Bank holiday)."
    }


def test_mistakes_are_shown_beside_their_fields(manager: TestClient, database: str) -> None:
    response = post_form(
        manager, PAGE, PAGE, {"first_day": "24/11/2026", "last_day": "23/11/2026", "label": "x"}
    )
    assert response.status_code == 400
    assert "The last day is before the first day." in response.text
    response = post_form(manager, PAGE, PAGE, {"first_day": "31/02/2026", "label": ""})
    assert response.status_code == 400
    assert "31/02/2026 is not a date" in response.text and "Please enter what the closure" in (
        response.text
    )
    assert 'value="31/02/2026"' in response.text  # what was typed stays, to be mended
    with db_of(database) as db:
        assert db.scalars(select(ClosedDay)).all() == []


def test_the_bank_holidays_come_in_one_go_and_only_once(manager: TestClient, database: str) -> None:
    assert _add(manager, "24/12/2026", "Christmas closure", "01/01/2027") == 303
    response = post_form(manager, PAGE, f"{PAGE}/bank-holidays", {})
    assert response.status_code == 303
    # 2026 and 2027: sixteen, less Christmas Day, Boxing Day and New Year's Day, closed already.
    assert "Added 13 bank holidays." in manager.get(response.headers["location"]).text
    again = post_form(manager, PAGE, f"{PAGE}/bank-holidays", {})
    assert "were on the list already" in manager.get(again.headers["location"]).text
    with db_of(database) as db:
        labels = [r.label for r in db.scalars(select(ClosedDay).order_by(ClosedDay.first_day))]
    assert len(labels) == 14 and labels.count("Good Friday") == 2
    assert labels.count("Christmas closure") == 1 and labels.count("Christmas Day") == 1  # 2027


def test_only_the_manager_keeps_the_list(staff_client: TestClient) -> None:
    assert staff_client.get(PAGE).status_code == 403
