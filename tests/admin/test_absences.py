"""Booked children who have not come (issue 15 §4): "not yet arrived" on Today once their
session has run the setting's minutes, and the absence the manager records, with its reason,
on the register."""

from __future__ import annotations

from datetime import time, timedelta

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select, update

from admin.office.absences import not_yet_arrived
from db.models import AuditEntry, Child, ChildBooking, Event, NurserySession, Setting
from tests.admin.conftest import NOW, post_form
from tests.admin.nursery_day import morning
from tests.admin.test_people import db_of

REGISTER = "/register?day=2026-11-23"


def _booked_this_morning(database: str) -> dict[int, str]:
    """Children booked on Mondays into a session starting before 09:30, by id: name."""
    with db_of(database) as db:
        rows = db.execute(
            select(Child.id, Child.first_name, Child.last_name)
            .join(ChildBooking, ChildBooking.child_id == Child.id)
            .join(NurserySession, NurserySession.id == ChildBooking.session_id)
            .where(ChildBooking.weekday == 0, NurserySession.starts_at < time(9, 30))
        ).all()
    return {r[0]: f"{r[1]} {r[2]}" for r in rows}


def test_booked_children_who_have_not_come_are_shown_on_today(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        came = {r.child_id for r in morning(db, start=NOW - timedelta(hours=1), children=4)}
        late = {a.child_id: a for a in not_yet_arrived(db, NOW)}
    booked = _booked_this_morning(database)
    assert late and set(late) == set(booked) - came  # sessions at 08:30; 30 minutes passed
    page = staff_client.get("/today").text
    assert "Not yet arrived:" in page and "data-not-arrived" in page
    missing = [n for c, n in booked.items() if c not in came and escape(n) not in page]
    assert not missing
    assert "Record absence" not in page  # staff are told; the manager records why
    assert "/register" in page  # Today's register is one click away
    alerts = staff_client.get("/alerts").text
    assert f"{len(late)} booked children have not arrived yet" in alerts
    with db_of(database) as db:  # a child who starts next week is not expected yet
        starter = db.get(Child, next(iter(late)))
        assert starter is not None
        starter.started_on = NOW.date() + timedelta(days=7)
        db.commit()
        assert starter.id not in {a.child_id for a in not_yet_arrived(db, NOW)}
    with db_of(database) as db:  # a later threshold: no notice before 10:30
        db.execute(update(Setting).values(not_arrived_minutes=120))
        db.commit()
        assert not_yet_arrived(db, NOW) == []
        assert not_yet_arrived(db, NOW + timedelta(minutes=30))


def test_the_manager_records_an_absence_and_the_register_shows_its_reason(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1), children=4)
        late = not_yet_arrived(db, NOW)
    child, name = late[0].child_id, late[0].name
    register = manager.get(REGISTER).text
    assert "not recorded yet" in register and f"/register/absence?child={child}" in register
    form = f"/register/absence?child={child}&day=2026-11-23"
    data = {"child": child, "day": "2026-11-23", "reason": "ill", "note": "Chickenpox"}
    assert post_form(manager, form, "/register/absence", data).status_code == 303
    today = manager.get("/today").text
    assert f'data-child="{child}"' not in today.split("data-not-arrived")[-1].split("</section>")[0]
    register = manager.get(REGISTER).text
    row = next(r for r in register.split("<tr") if f'data-absent-child="{child}"' in r)
    assert (
        escape(name) in row and "Ill" in row and "Chickenpox" in row and "Joanne Whitfield" in row
    )
    sheet = manager.get("/register.csv?day=2026-11-23").text
    assert "Absent,Room,Booked,Why,Note,Recorded by" in sheet and "Not signed off" in sheet
    assert f"{name},{late[0].room},{late[0].sessions},Ill,Chickenpox,Joanne Whitfield" in sheet
    with db_of(database) as db:
        (event,) = db.scalars(select(Event).where(Event.type == "child_absent")).all()
        assert event.device == "office" and event.signature and event.ref == "2026-11-23"
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "absence")).one()
        assert audit.entity_id == str(child) and audit.changes["reason"] == "ill"


def test_an_absence_without_a_reason_or_for_a_child_who_came_is_refused(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        records = morning(db, start=NOW - timedelta(hours=1), children=4)
        came = next(r for r in records if r.child_id is not None)
        late = not_yet_arrived(db, NOW)[0].child_id
    form = f"/register/absence?child={late}&day=2026-11-23"
    answer = post_form(manager, form, "/register/absence", {"child": late, "reason": "bored"})
    assert answer.status_code == 400 and "Please choose why" in answer.text
    arrived = {"child": came.child_id, "reason": "ill"}
    answer = post_form(manager, form, "/register/absence", arrived)
    assert answer.status_code == 409 and "came that day" in answer.text
    with db_of(database) as db:
        assert db.scalars(select(Event).where(Event.type == "child_absent")).all() == []


def test_staff_cannot_record_an_absence(staff_client: TestClient, database: str) -> None:
    with db_of(database) as db:
        child = db.scalars(select(Child.id)).first()
    assert staff_client.get(f"/register/absence?child={child}").status_code == 403
