"""Funded hours (issue 15 §4): each child's entitlement, the week's hours attended against it,
and the termly headcount CSV for the local authority's portal."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from db.models import AuditEntry, Child
from tests.admin.conftest import NOW, post_form
from tests.admin.nursery_day import morning
from tests.admin.test_people import db_of


def _funded(manager: TestClient, child: int, hours: object, weeks: object) -> tuple[int, str]:
    form = f"/children/{child}/funding"
    answer = post_form(manager, form, form, {"hours": hours, "weeks": weeks})
    return answer.status_code, answer.text


def _two_children(database: str) -> tuple[int, int]:
    """The morning's first two arrivals (09:00 and 09:03, still here at 10:00)."""
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
        first, second = db.scalars(select(Child.id).order_by(Child.id).limit(2)).all()
    return first, second


def test_the_manager_records_an_entitlement_and_it_is_audited(
    manager: TestClient, database: str
) -> None:
    child, _ = _two_children(database)
    assert _funded(manager, child, 30, 38)[0] == 303
    page = manager.get(f"/children/{child}").text
    assert "Funded hours: <strong>30 a week</strong>, term time" in page
    for hours, weeks, message in ((31, 38, "0 to 30"), ("x", 38, "0 to 30"), (15, 20, "38 to 52")):
        status, text = _funded(manager, child, hours, weeks)
        assert status == 400 and message in text
    with db_of(database) as db:
        entry = db.scalars(
            select(AuditEntry).where(AuditEntry.entity == "children", AuditEntry.action == "update")
        ).all()[-1]
        assert "funded_hours" in str(entry.changes)
        assert db.get(Child, child).funded_hours == 30  # type: ignore[union-attr]


def test_a_week_of_hours_attended_against_term_time_and_stretched_entitlements(
    manager: TestClient, database: str
) -> None:
    first, second = _two_children(database)
    _funded(manager, first, 30, 38)
    _funded(manager, second, 15, 51)  # 570 hours over 51 weeks: 11.18 a week
    page = manager.get("/funding?week=2026-11-25").text  # any day of the week
    assert "Funded hours · week of Mon 23 Nov 2026" in page and "2 funded children." in page
    rows = [r for r in page.split("<tr") if "data-child" in r]
    assert "30 hours, term time" in rows[0] or "30 hours, term time" in rows[1]
    one = next(r for r in rows if f'data-child="{first}"' in r)
    assert "30 h 00 min" in one and "1 h 00 min" in one
    two = next(r for r in rows if f'data-child="{second}"' in r)
    assert "stretched over 51 weeks" in two and "11 h 10 min" in two and "0 h 57 min" in two


def test_the_termly_headcount_downloads_as_a_guarded_csv(
    manager: TestClient, database: str
) -> None:
    first, _ = _two_children(database)
    _funded(manager, first, 30, 38)
    with db_of(database) as db:
        child = db.get(Child, first)
        assert child is not None
        child.last_name = "=HYPERLINK(evil)"
        db.commit()
    answer = manager.get("/funding/headcount.csv?start=2026-11-01&end=2026-11-23")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Last name", "First name", "Date of birth"]
    (row,) = rows[1:]
    assert row[0] == "'=HYPERLINK(evil)"
    assert row[3:] == ["30", "38", "30.00", "4", "120.00", "1.00", ""]  # no hours unknown
    backwards = manager.get("/funding/headcount.csv?start=2026-11-23&end=2026-11-01")
    assert backwards.status_code == 400


def test_funded_hours_are_the_managers(staff_client: TestClient) -> None:
    assert staff_client.get("/funding").status_code == 403
    assert staff_client.get("/funding/headcount.csv").status_code == 403
