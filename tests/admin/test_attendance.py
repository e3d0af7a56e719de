"""A child's attendance history, and "who collected whom" by child, by adult and by dates
(issue 15 §4), two clicks from Today."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from db.events import append_events
from db.models import Adult, Authorisation, Child, Staff
from db.names import full_name
from db.vocabulary import EventType
from tests.admin.conftest import NOW
from tests.admin.nursery_day import event, morning
from tests.admin.test_people import db_of


def _last_friday(database: str) -> tuple[int, int, str]:
    """The first child came last Friday 08:45-15:00, brought and collected by an adult who
    may collect them but is not their parent: returns the child, that adult and their name."""
    with db_of(database) as db:
        child = db.scalars(select(Child).order_by(Child.id)).first()
        assert child is not None
        adult = db.scalars(
            select(Adult)
            .join(Authorisation, Authorisation.adult_id == Adult.id)
            .where(Authorisation.child_id == child.id)
            .order_by(Authorisation.parental_responsibility, Adult.id)
        ).first()
        staff = db.scalars(select(Staff.id).order_by(Staff.id)).first()
        assert adult is not None
        friday = NOW - timedelta(days=3)
        came = event(
            EventType.CHILD_ARRIVED, friday - timedelta(hours=1, minutes=15),
            child_id=child.id, adult_id=adult.id, room_id=child.room_id,
        )  # fmt: skip
        went = event(
            EventType.CHILD_COLLECTED, friday + timedelta(hours=5),
            child_id=child.id, adult_id=adult.id, staff_id=staff,
        )  # fmt: skip
        append_events(db, [came, went])
        db.commit()
        morning(db, start=NOW - timedelta(hours=1))
        return child.id, adult.id, full_name(adult.first_name, adult.last_name)


def _rows(page: str) -> list[str]:
    return [r for r in page.split("<tr") if "data-child" in r]


def test_a_childs_page_shows_their_last_four_weeks(manager: TestClient, database: str) -> None:
    child, _, adult = _last_friday(database)
    page = manager.get(f"/children/{child}").text
    history = page.split("data-history")[1].split("</section>")[0]
    assert "Attendance, the last four weeks" in page and "2 periods · 7 h 15 min" in history
    assert "Fri 20 Nov 2026" in history and "08:45" in history and escape(adult) in history
    assert "Mon 23 Nov 2026" in history and "still here" in history


def test_who_collected_whom_is_two_clicks_from_today_and_searches_by_adult_child_and_dates(
    staff_client: TestClient, database: str
) -> None:
    child, adult_id, adult = _last_friday(database)
    assert 'href="/attendance"' in staff_client.get("/today").text  # one click
    today_only = staff_client.get("/attendance").text  # then the search
    assert "14 periods" in today_only and "Who collected whom" in today_only

    week = "start=2026-11-16&end=2026-11-23"
    by_adult = _rows(staff_client.get(f"/attendance?adult={adult_id}&{week}").text)
    assert len(by_adult) == 1 and "Fri 20 Nov 2026" in by_adult[0]
    assert str(escape(adult)) in by_adult[0]

    by_child = _rows(staff_client.get(f"/attendance?child={child}&{week}").text)
    assert len(by_child) == 2 and all(f'data-child="{child}"' in r for r in by_child)
    assert "Mon 23 Nov" in by_child[0] and "Fri 20 Nov" in by_child[1]  # newest first
    just_monday = _rows(staff_client.get(f"/attendance?child={child}&start=2026-11-23").text)
    assert len(just_monday) == 1


def test_a_search_with_bad_dates_gets_a_clear_answer(staff_client: TestClient) -> None:
    backwards = staff_client.get("/attendance?start=2026-11-23&end=2026-11-01")
    assert backwards.status_code == 400 and "before the first day" in backwards.text
    assert staff_client.get("/attendance?start=yesterday").status_code == 400
    too_long = staff_client.get("/attendance?start=2024-01-01&end=2026-11-23")
    assert too_long.status_code == 400 and "at most 400 days" in too_long.text
