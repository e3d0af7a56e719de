"""In real Chromium against a real hub process: what the manager sees of the record's trust
(issue 13) on the Kiosks and Alerts pages, at desk and phone widths: an event the office
refused from a door and why, events a door made that never arrived, and a kiosk that must be
paired again because it was paired before kiosks signed their events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from admin.office.pairing import pairing_code_hash
from db.credentials import hash_secret
from db.engine import make_engine, session_factory
from db.models import Child, Event, Kiosk
from db.timeline import EventRecord
from kiosk.sync import hub_client
from tests.admin.test_browser import browser, hub, hub_database, page, screenshot, sign_in
from tests.sync.events import arrival, pair_door

__all__ = ["browser", "hub", "hub_database", "page"]  # the fixtures of the browser tests
CODE = "HALL-DOOR-2026"


def _new_doors(database: str) -> int:
    """A hall door waiting for pairing, and an old garden gate paired before signing; returns a
    child of the demo nursery."""
    engine = make_engine(database)
    with session_factory(engine)() as db:
        expires = datetime.now(UTC) + timedelta(hours=1)
        db.add(Kiosk(name="Hall door", pairing_code_hash=pairing_code_hash(CODE),
                     pairing_expires_at=expires))  # fmt: skip
        db.add(Kiosk(name="Garden gate (old)", token_hash=hash_secret("1.an-old-token"),
                     paired_at=datetime.now(UTC) - timedelta(days=30)))  # fmt: skip
        db.commit()
        child = db.scalars(select(Child.id).where(Child.deleted_at.is_(None))).first()
    engine.dispose()
    assert child is not None
    return child


def _arrival(child: int) -> EventRecord:
    return replace(arrival(child, 0), adult_id=None)


def test_the_manager_sees_refused_and_missing_events_and_a_kiosk_to_pair_again(
    page: Page, hub: str, hub_database: str
) -> None:
    child = _new_doors(hub_database)
    door = pair_door(hub, code=CODE, device="hall-door")
    with hub_client(door.certificate, timeout=httpx.Timeout(10)) as http:
        signed = door.signed(*(_arrival(child) for _ in range(5)))
        # Events 2-4 never reach the office; one more names a child who does not exist.
        (ghost,) = door.signed(_arrival(987654))
        sent = {"events": [signed[0], signed[4], ghost]}
        answer = http.post(f"{hub}/api/v1/events", json=sent, headers=door.auth)
    assert answer.status_code == 200 and answer.json()["refused"][0]["code"] == "unknown_child"
    engine = make_engine(hub_database)
    with session_factory(engine)() as db:  # the hole has lasted: event 5 came 20 minutes ago
        later = datetime.now(UTC) - timedelta(minutes=20)
        db.execute(update(Event).where(Event.uuid == signed[4]["uuid"]).values(recorded_at=later))
        db.commit()
    engine.dispose()

    sign_in(page)
    page.goto("/kiosks")
    expect(page.locator("[data-missing-events]")).to_contain_text(
        "Hall door: events 2-4 have not arrived"
    )
    refused = page.locator("[data-refused-events]")
    expect(refused).to_contain_text("There is no child 987654.")
    expect(refused).to_contain_text("Hall door")
    expect(page.locator("[data-pair-again]")).to_have_text("pair again")
    expect(page.locator("[data-verification]")).to_contain_text("not run yet")
    screenshot(page, "admin-kiosks-record.png")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "admin-kiosks-record-phone.png")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto("/alerts")
    expect(page.locator("[data-missing-events]")).to_contain_text("events 2-4 have not arrived")
    screenshot(page, "admin-alerts-missing-events.png", full_page=False)
