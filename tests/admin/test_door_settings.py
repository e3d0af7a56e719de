"""How long a door may go without a sync before it counts itself out of touch with the office
(and so asks "Dropping off or collecting?" when a card is shown): the manager's setting, kept
within bounds and written in the audit log like every change the doors receive."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from db.models import AuditEntry, Setting
from tests.admin.conftest import post_form
from tests.admin.test_people import db_of

SETTINGS = {
    "name": "Little Acorns Pre-School",
    "minimum_collector_age": 16,
    "arrival_acknowledgement_minutes": 10,
    "late_collection_grace_minutes": 10,
    "retention_years": 3,
    "kiosk_low_space_mb": 200,
}


def test_the_manager_gives_a_door_with_patchy_wifi_five_minutes_and_the_audit_log_says_so(
    manager: TestClient, database: str
) -> None:
    page = manager.get("/settings").text
    assert 'name="kiosk_out_of_touch_seconds"' in page and 'value="60"' in page, "the default"

    saved = post_form(
        manager, "/settings", "/settings", SETTINGS | {"kiosk_out_of_touch_seconds": 300}
    )

    assert saved.status_code == 303
    with db_of(database) as db:
        assert db.scalars(select(Setting.kiosk_out_of_touch_seconds)).one() == 300
        entry = db.scalars(
            select(AuditEntry).where(AuditEntry.entity == "settings").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and "kiosk_out_of_touch_seconds" in str(entry.changes)


@pytest.mark.parametrize("seconds", ["5", "19", "901", "3600", "-60", "a minute", ""])
def test_an_out_of_touch_limit_outside_twenty_seconds_to_fifteen_minutes_is_refused(
    manager: TestClient, database: str, seconds: str
) -> None:
    refused = post_form(
        manager, "/settings", "/settings", SETTINGS | {"kiosk_out_of_touch_seconds": seconds}
    )
    assert refused.status_code == 400
    assert "From 20 to 900" in refused.text
    with db_of(database) as db:
        assert db.scalars(select(Setting.kiosk_out_of_touch_seconds)).one() == 60
