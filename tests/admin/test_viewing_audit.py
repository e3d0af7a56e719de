"""Every view of personal data is in the audit log (R12, issue 14.2): pages, CSV downloads,
photos and the doors' pulls, once per person per session, and the audit page answers "who
looked at Mia's record this month"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from db.models import Adult, AuditEntry, Child, Staff
from tests.admin.conftest import MANAGER, NOW, STAFF, sign_in
from tests.admin.nursery_day import morning
from tests.admin.test_people import db_of


@pytest.fixture
def browsers(app: FastAPI) -> Iterator[tuple[TestClient, TestClient]]:
    """The manager's browser and a member of staff's, on the same hub."""
    with (
        TestClient(app, base_url="https://testserver", follow_redirects=False) as office,
        TestClient(app, base_url="https://testserver", follow_redirects=False) as room,
    ):
        assert sign_in(office, MANAGER).status_code == 303
        assert sign_in(room, STAFF).status_code == 303
        yield office, room


def _views(database: str, *, actor: str, entity: str, entity_id: int) -> list[str]:
    with db_of(database) as db:
        rows = db.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "view",
                AuditEntry.actor == actor,
                AuditEntry.entity == entity,
                AuditEntry.entity_id == str(entity_id),
            )
        ).all()
    return sorted(what for e in rows for what in e.changes["fields"])


def test_staff_downloads_and_photos_are_audited_once_a_session_and_can_be_found(
    browsers: tuple[TestClient, TestClient], database: str
) -> None:
    office, room = browsers
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
        mia = db.scalars(select(Child).where(Child.first_name == "Mia")).one()
        mia_id, saskia = (
            mia.id,
            db.scalars(select(Staff).where(Staff.username == "saskia")).one().id,
        )
    with db_of(database) as db:
        before = db.scalar(select(func.count()).select_from(AuditEntry)) or 0
    for _ in range(2):  # a second look in the same session adds nothing
        assert room.get("/register.csv?day=2026-11-23").status_code == 200
        assert room.get("/register/hours.csv?start=2026-11-01&end=2026-11-23").status_code == 200
        assert room.get(f"/photos/child/{mia_id}").status_code == 200
        assert room.get("/today").status_code == 200
    seen = _views(database, actor=f"staff:{saskia}", entity="children", entity_id=mia_id)
    assert seen == sorted(
        [
            "hours 2026-11-01 to 2026-11-23 (CSV)",
            "photo",
            "register 2026-11-23 (CSV)",
            "today",
        ]
    ), seen
    with db_of(database) as db:
        added = (db.scalar(select(func.count()).select_from(AuditEntry)) or 0) - before
    assert added < 4 * 20  # one entry per child and thing seen: small, not one per request
    page = office.get(f"/audit?person=children:{mia_id}&actor=staff:{saskia}&start=2026-11-01")
    assert page.status_code == 200
    assert "register 2026-11-23 (CSV)" in page.text and "photo" in page.text
    assert "Saskia Brown" in page.text
    other = office.get(f"/audit?person=children:{mia_id}&actor=staff:{saskia}&start=2026-12-01")
    assert "Nothing recorded." in other.text
    assert office.get("/audit?start=someday").status_code == 400


def test_adult_and_staff_records_are_audited_when_opened(
    browsers: tuple[TestClient, TestClient], database: str
) -> None:
    office, _ = browsers
    with db_of(database) as db:
        adult = db.scalars(select(Adult).where(Adult.first_name == "Hannah")).one().id
        manager = db.scalars(select(Staff).where(Staff.username == "manager")).one().id
        saskia = db.scalars(select(Staff).where(Staff.username == "saskia")).one().id
    assert office.get(f"/adults/{adult}").status_code == 200
    assert office.get("/adults").status_code == 200
    assert office.get(f"/staff/{saskia}").status_code == 200
    assert _views(database, actor=f"staff:{manager}", entity="adults", entity_id=adult) == [
        "list",
        "record",
    ]
    assert _views(database, actor=f"staff:{manager}", entity="staff", entity_id=saskia) == [
        "record"
    ]
