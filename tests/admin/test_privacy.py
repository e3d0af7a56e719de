"""GDPR in the office: a family's subject-access export, the retention purge (dry run, then
confirm), the read-only audit log, and the settings that govern them."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from db.events import append_events
from db.models import AuditEntry, Child, Event
from db.vocabulary import EventType
from tests.admin.conftest import post_form
from tests.admin.nursery_day import event
from tests.admin.test_people import child_id, db_of


def test_a_subject_access_export_holds_the_record_the_adults_and_the_photos(
    manager: TestClient, database: str
) -> None:
    mia = child_id(database, "Mia")
    response = manager.get(f"/privacy/export/child/{mia}")
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"README.txt", "child.json", "adults.json", "events.csv", "photos/child.jpg"} <= names
    child = json.loads(archive.read("child.json"))
    assert child["first_name"] == "Mia" and "particular_needs" in child
    adults = json.loads(archive.read("adults.json"))
    assert adults and all("Darren" not in a["first_name"] for a in adults)  # restricted: withheld
    with db_of(database) as db:
        logged = db.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(mia))).all()
    assert any("export" in e.changes.get("fields", []) for e in logged)


def test_the_retention_purge_shows_a_dry_run_then_erases_only_when_confirmed(
    manager: TestClient, database: str
) -> None:
    old = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
    with db_of(database) as db:
        leaver = db.scalars(select(Child).where(Child.first_name == "Theo")).one()
        leaver.left_on = date(2022, 7, 20)
        append_events(db, [event(EventType.CHILD_ARRIVED, old, child_id=leaver.id)])
        db.commit()
        theo = leaver.id
    dry_run = manager.get("/privacy").text
    assert "1 event (arrivals, collections, alerts) would be deleted" in dry_run
    assert "1 child who left before then would be erased" in dry_run
    with db_of(database) as db:  # a dry run changes nothing
        assert db.get(Child, theo).first_name == "Theo"  # type: ignore[union-attr]
    refused = post_form(manager, "/privacy", "/privacy/purge", {"plan": "2023-11-23"})
    assert refused.status_code == 409  # a date anyone could guess is not the plan she saw
    plan = dry_run.split('name="plan" value="')[1].split('"')[0]
    done = post_form(manager, "/privacy", "/privacy/purge", {"plan": plan})
    assert done.status_code == 303
    assert "Nothing is due." in manager.get("/privacy?done=1").text
    with db_of(database) as db:
        erased = db.get(Child, theo)
        assert erased is not None and erased.first_name == "(erased)" and erased.photo is None
        assert erased.deleted_at is not None and erased.particular_needs == ""
        assert (
            db.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.occurred_at < old.replace(year=2022))
            )
            == 0
        )
        assert db.scalar(select(AuditEntry.action).where(AuditEntry.action == "purge"))


def test_the_audit_log_is_read_only_in_the_panel(manager: TestClient) -> None:
    page = manager.get("/audit").text
    assert "cannot be edited" in page and "seed-demo" in page
    assert 'method="post"' not in page.split("<main>")[1].split("</main>")[0]
    assert manager.post("/audit").status_code == 405


def test_settings_refuse_a_minimum_collector_age_below_sixteen(manager: TestClient) -> None:
    response = post_form(
        manager,
        "/settings",
        "/settings",
        {
            "name": "Little Acorns",
            "minimum_collector_age": "14",
            "retention_years": "3",
            "arrival_acknowledgement_minutes": "10",
            "late_collection_grace_minutes": "10",
        },
    )
    assert response.status_code == 400
    assert "The minimum age of a collector must be a whole number from 16 to 21." in response.text


def test_renaming_the_nursery_shows_on_every_page(manager: TestClient) -> None:
    response = post_form(
        manager,
        "/settings",
        "/settings",
        {
            "name": "Little Acorns & Oaks",
            "minimum_collector_age": "18",
            "retention_years": "3",
            "arrival_acknowledgement_minutes": "10",
            "late_collection_grace_minutes": "10",
            "kiosk_low_space_mb": "200",
            "kiosk_out_of_touch_seconds": "60",
        },
    )
    assert response.status_code == 303
    assert "Little Acorns &amp; Oaks" in manager.get("/register").text


def test_several_contacts_in_order_and_who_the_child_lives_with_are_kept_and_exported(
    manager: TestClient, database: str
) -> None:
    form = {
        "first_name": "Defne",
        "last_name": "Kaya",
        "date_of_birth": "2024-01-09",
        "room_id": "2",
        "key_person_id": "2",
        "emergency_contacts": "Elif Kaya, Mother, 07700 900301\n"
        "Mehmet Kaya, Grandad, 07700 900302\nSue Pike, Neighbour, 07700 900303",
        "lives_with": "Mum (Elif Kaya) and grandad",
    }
    added = post_form(manager, "/children/new", "/children/new", form)
    assert added.status_code == 303, added.text
    page = manager.get(added.headers["location"]).text
    assert "in the order to call" in page and "Mum (Elif Kaya) and grandad" in page
    assert page.index("Elif Kaya") < page.index("Mehmet Kaya") < page.index("Sue Pike")
    defne = child_id(database, "Defne")
    archive = zipfile.ZipFile(io.BytesIO(manager.get(f"/privacy/export/child/{defne}").content))
    child = json.loads(archive.read("child.json"))
    assert [c["name"] for c in child["emergency_contacts"]] == [
        "Elif Kaya",
        "Mehmet Kaya",
        "Sue Pike",
    ]
    assert child["lives_with"] == "Mum (Elif Kaya) and grandad"
    edit = manager.get(f"/children/{defne}/edit").text
    assert "Mum (Elif Kaya) and grandad" in edit  # kept when the form is opened again
