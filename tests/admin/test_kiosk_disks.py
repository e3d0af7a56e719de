"""The office's Kiosks page warns about a kiosk's disk before it fills, and says which door has
reported that it cannot save until someone resolves the alert (issue 11, point 4)."""

from __future__ import annotations

import re
from uuid import uuid4

from fastapi.testclient import TestClient
from sqlalchemy import select

from db.credentials import hash_secret
from db.models import Kiosk
from kiosk.store.door_key import new_door_key
from tests.admin.conftest import NOW, post_form
from tests.admin.test_people import db_of

TOKEN = "1.front-door-token-for-the-disk-tests"


def _disk_cell(manager: TestClient) -> str:
    page = manager.get("/kiosks").text
    return re.search(r"<td data-disk>(.*?)</td>", page, re.S).group(1)  # type: ignore[union-attr]


def _paired_kiosk(database: str, *, free: int | None) -> int:
    with db_of(database) as db:
        kiosk = db.scalars(select(Kiosk)).first()
        assert kiosk is not None
        kiosk.token_hash, kiosk.paired_at = hash_secret(TOKEN), NOW
        kiosk.device, kiosk.public_key = "front-door", new_door_key().public  # paired with a key
        kiosk.free_space_bytes = free
        db.commit()
        return kiosk.id


def test_a_kiosk_with_little_room_left_is_flagged_by_the_managers_own_threshold(
    manager: TestClient, database: str
) -> None:
    _paired_kiosk(database, free=150 * 2**20)
    cell = _disk_cell(manager)
    assert "150 MB free" in cell and 'class="tag bad"' in cell, "below the default 200 MB"

    settings = {"name": "Little Acorns Pre-School", "minimum_collector_age": 16}
    settings |= {"arrival_acknowledgement_minutes": 10, "late_collection_grace_minutes": 10}
    settings |= {"retention_years": 3, "kiosk_low_space_mb": 100, "kiosk_out_of_touch_seconds": 60}
    saved = post_form(manager, "/settings", "/settings", settings)
    assert saved.status_code == 303
    cell = _disk_cell(manager)
    assert "150 MB free" in cell and "tag bad" not in cell, "above the manager's 100 MB"

    refused = post_form(manager, "/settings", "/settings", settings | {"kiosk_low_space_mb": 5})
    assert refused.status_code == 400 and "From 20 to 100000" in refused.text


def test_a_door_that_cannot_save_is_marked_until_its_alert_is_resolved(
    manager: TestClient, database: str
) -> None:
    _paired_kiosk(database, free=0)
    report = {
        "uuid": str(uuid4()),
        "kind": "cannot_save",
        "occurred_at": NOW.isoformat(),
        "device": "front-door",
        "detail": "database or disk is full\x1b[0m",  # a terminal colour code, stripped
    }
    answer = manager.post(
        "/api/v1/faults", json=report, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert answer.status_code == 200 and answer.json()["new"] is True, answer.text
    cell = _disk_cell(manager)
    assert "cannot save" in cell and "0 MB free" in cell

    alerts = manager.get("/alerts").text
    assert "A kiosk cannot save" in alerts
    alert_uuid = answer.json()["alert_uuid"]
    post_form(manager, "/alerts", f"/alerts/{alert_uuid}/resolve", {"note": "Old photos removed"})
    assert "cannot save" not in _disk_cell(manager)
