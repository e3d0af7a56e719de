"""In real Chromium against a real hub process: a door's "cannot save" report reaches an open
staff page without a reload, and the Kiosks page shows the door and its disk at desk and phone
widths (issue 11, point 4)."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.credentials import hash_secret
from db.engine import make_engine, session_factory
from db.models import Kiosk
from kiosk.store.door_key import new_door_key
from tests.admin.test_browser import browser, hub, hub_database, page, screenshot, sign_in

__all__ = ["browser", "hub", "hub_database", "page"]  # the fixtures of the browser tests
TOKEN = "1.a-token-for-the-front-door-in-the-browser-test"


def _pair_front_door(database: str) -> None:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        kiosk = db.scalars(select(Kiosk).order_by(Kiosk.id)).first()
        assert kiosk is not None
        kiosk.token_hash, kiosk.paired_at = hash_secret(TOKEN), datetime.now(UTC)
        kiosk.device, kiosk.public_key = "front-door", new_door_key().public  # paired with a key
        db.commit()
    engine.dispose()


def test_a_door_that_cannot_save_alerts_an_open_staff_page_and_shows_on_the_kiosks_page(
    page: Page, hub: str, hub_database: str
) -> None:
    _pair_front_door(hub_database)
    sign_in(page)
    page.goto("/today")
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Device-Free-Space": str(150 * 2**20)}
    report = {
        "uuid": str(uuid4()),
        "kind": "cannot_save",
        "occurred_at": datetime.now(UTC).isoformat(),
        "device": "front-door",
        "detail": "database or disk is full",
    }
    # The hub made its CA beside its database on its first start.
    ca_file = Path(hub_database).with_name("tls") / "office-ca.pem"
    office_ca = ssl.create_default_context(cafile=str(ca_file))
    answer = httpx.post(
        f"{hub}/api/v1/faults", json=report, headers=headers, timeout=10, verify=office_ca
    )
    assert answer.status_code == 200, answer.text
    banner = page.locator("#live-banner")
    expect(banner).to_contain_text("A kiosk cannot save", timeout=10_000)

    page.goto("/kiosks")
    disk = page.locator("td[data-disk]").first
    expect(disk).to_contain_text("cannot save")
    expect(disk).to_contain_text("150 MB free")
    expect(disk.locator(".tag.bad")).to_have_count(2)  # cannot save; below the 200 MB default
    screenshot(page, "admin-kiosks-disk.png")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "admin-kiosks-disk-phone.png")
