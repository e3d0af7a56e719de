"""The office on PostgreSQL: the same nursery day, end to end, on the other supported backend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Adult, Child
from db.seed import seed_demo
from tests.admin.conftest import MANAGER, NOW, STAFF, TODAY, make_app, post_form, sign_in
from tests.admin.nursery_day import morning, unknown_card_alert


@contextmanager
def demo_morning(postgres_url: str) -> Iterator[Session]:
    """The demo nursery on a new PostgreSQL database, its morning's arrivals made."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        seed_demo(db, today=TODAY, now=NOW.replace(hour=7))
        db.commit()
        morning(db, start=NOW - timedelta(hours=1))
        yield db
    engine.dispose()


@pytest.mark.postgres
def test_a_morning_at_the_office_works_on_postgresql(postgres_url: str) -> None:
    with demo_morning(postgres_url) as db:
        mia = db.query(Child).filter(Child.first_name == "Mia").one().id
        alert = unknown_card_alert(db, at=NOW, child_id=mia)
    with TestClient(
        make_app(postgres_url), base_url="https://testserver", follow_redirects=False
    ) as client:
        assert sign_in(client, MANAGER).status_code == 303
        today = client.get("/today").text
        assert "Ratio breached" in today and "An unknown card was shown" in today
        resolved = post_form(
            client,
            "/alerts",
            f"/alerts/{alert.uuid}/resolve",
            {"note": "Dad's new card not yet printed; checked ID."},
        )
        assert resolved.status_code == 303
        assert "No open alerts." in client.get("/alerts").text
        assert "The whole day: 14 children" in client.get("/register?day=2026-11-23").text
        added = post_form(
            client,
            "/children/new",
            "/children/new",
            {
                "first_name": "Ayşe",
                "last_name": "Kaya",
                "date_of_birth": "2023-09-09",
                "room_id": "3",
                "key_person_id": "3",
            },
        )
        assert added.status_code == 303
        assert "Ayşe Kaya" in client.get(added.headers["location"]).text
        assert "first_name: Ayşe" in client.get("/audit?entity=children&action=create").text


@pytest.mark.postgres
def test_the_records_a_data_protection_officer_asks_for_work_on_postgresql(
    demo_on_postgres: str,
) -> None:
    """Issue 14 on the other backend: a view of the register is audited once and found by
    person and by member of staff; an adult's date of birth cannot be corrected to under age
    while she may collect; several contacts in order and who the child lives with are kept."""
    postgres_url = demo_on_postgres
    engine = make_engine(postgres_url)
    with session_factory(engine)() as db:
        morning(db, start=NOW - timedelta(hours=1))
        mia = db.query(Child).filter(Child.first_name == "Mia").one().id
        hannah = db.query(Adult).filter(Adult.first_name == "Hannah").one().id
    engine.dispose()
    app = make_app(postgres_url)
    with (
        TestClient(app, base_url="https://testserver", follow_redirects=False) as office,
        TestClient(app, base_url="https://testserver", follow_redirects=False) as room,
    ):
        assert sign_in(office, MANAGER).status_code == 303
        assert sign_in(room, STAFF).status_code == 303
        for _ in range(2):
            assert room.get("/register.csv?day=2026-11-23").status_code == 200
        audit = office.get(f"/audit?person=children:{mia}&action=view").text
        assert audit.count("register 2026-11-23 (CSV)") == 1 and "Saskia Brown" in audit
        form = {"first_name": "Hannah", "last_name": "Fletcher", "date_of_birth": "2012-03-01"}
        refused = post_form(office, f"/adults/{hannah}/edit", f"/adults/{hannah}/edit", form)
        assert refused.status_code == 400 and "is authorised to collect" in refused.text
        added = post_form(
            office,
            "/children/new",
            "/children/new",
            {
                "first_name": "Defne",
                "last_name": "Kaya",
                "date_of_birth": "2024-01-09",
                "room_id": "2",
                "key_person_id": "2",
                "emergency_contacts": "Elif Kaya, Mother, 1\nMehmet Kaya, Grandad, 2",
                "lives_with": "Mum and grandad",
            },
        )
        assert added.status_code == 303, added.text
        page = office.get(added.headers["location"]).text
        assert page.index("Elif Kaya") < page.index("Mehmet Kaya") and "Mum and grandad" in page
