"""The office on PostgreSQL: the same nursery day, end to end, on the other supported backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Child
from db.seed import seed_demo
from tests.admin.conftest import MANAGER, NOW, TODAY, make_app, post_form, sign_in
from tests.admin.nursery_day import morning, unknown_card_alert


@pytest.mark.postgres
def test_a_morning_at_the_office_works_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        seed_demo(db, today=TODAY, now=NOW.replace(hour=7))
        db.commit()
        morning(db, start=NOW - timedelta(hours=1))
        mia = db.query(Child).filter(Child.first_name == "Mia").one().id
        alert = unknown_card_alert(db, at=NOW, child_id=mia)
    engine.dispose()
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
        assert "14 children." in client.get("/register?day=2026-11-23").text
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
