"""A nursery set up from nothing, through the panel only, in a real Chromium against
``handover hub`` in its own process: the setup code, the first-run path, the first child, and a
kiosk paired at the door that sees the rooms (and a room added later) on its next sync.

Every step of the path is also checked at phone width (390 px) for sideways scrolling, and
screenshotted at both widths."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from db.clock import utc_now
from db.models import NurserySession, Room, Setting
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient, hub_client
from tests.admin.hub_process import RunningHub
from tests.admin.test_browser import ARGS, CHROMIUM, fits, sign_in
from tests.sync.events import pair_door

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
PASSWORD = "kettle harbour maple"
SESSIONS = [
    ("Morning", "08:30", "11:30"),
    ("Lunch", "11:30", "13:00"),
    ("Afternoon", "12:30", "15:30"),
]
ROOMS = [("Babies", "0", "23"), ("Pre-school", "24", "")]


@pytest.fixture
def empty_hub(tmp_path: Path) -> Iterator[RunningHub]:
    hub = RunningHub(str(tmp_path / "bluebells.db"), tmp_path / "console.log").start()
    yield hub
    hub.stop()


def _make_manager(page: Page, code: str) -> None:
    page.goto("/today")
    fields = {
        "setting_name": "Bluebells Pre-School",
        "first_name": "Ann",
        "last_name": "Lee",
        "username": "ann",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "setup_code": code,
    }
    for field, value in fields.items():
        page.fill(f"#f-{field}", value)
    page.click("button:has-text('Create the manager account')")
    page.wait_for_url("**/login?next=/welcome")
    sign_in(page, "ann", PASSWORD, lands_on="/welcome", already_there=True)


def _empty_pages_say_what_to_do(page: Page) -> None:
    page.goto("/children")
    expect(page.locator(".empty")).to_contain_text("Add a room first")
    fits(page, "children-no-rooms")
    page.goto("/today")
    expect(page.locator(".empty")).to_contain_text("set the nursery up")
    fits(page, "today-empty")
    page.goto("/welcome")


def _the_setting(page: Page) -> None:
    page.click("text=Go through the steps")
    expect(page.locator(".wizard")).to_contain_text("step 1 of 6")
    page.fill("#f-address", "2 Bluebell Lane\nLeeds LS6 1AA")
    page.fill("#f-time_zone", "Europe/London")
    fits(page, "wizard-setting")
    page.click("button:has-text('Save and continue')")
    page.wait_for_url("**/settings/sessions?wizard=1")


def _add_rows(page: Page, rows: Sequence[tuple[str, ...]], names: list[str], button: str) -> None:
    for row in rows:
        for name, value in zip(names, row, strict=True):
            page.fill(f"#f-{name}", value)
        page.click(f"button:has-text('{button}')")
        expect(page.locator("ul.rows")).to_contain_text(row[0])


def _sessions_rooms_ratios(page: Page) -> None:
    expect(page.locator(".empty")).to_contain_text("No sessions yet")
    fits(page, "wizard-sessions-empty")
    _add_rows(page, SESSIONS, ["name", "starts_at", "ends_at"], "Add the session")
    fits(page, "wizard-sessions")
    page.click("text=Next: Rooms")
    _add_rows(page, ROOMS, ["name", "min_age_months", "max_age_months"], "Add the room")
    fits(page, "wizard-rooms")
    page.click("text=Next: Ratios")
    expect(page.locator(".empty")).to_contain_text("No ratio rules yet")
    page.click("button:has-text('Use the EYFS ratios')")
    expect(page.locator("ul.rows")).to_contain_text("or to 13 with a qualified teacher")
    fits(page, "wizard-ratios")
    page.click("text=Next: Staff")
    expect(page.locator(".empty")).to_contain_text("Only you so far")
    fits(page, "wizard-staff")


def _a_member_of_staff(page: Page) -> None:
    page.click("text=Add a member of staff")
    page.fill("#f-first_name", "Saskia")
    page.fill("#f-last_name", "Brown")
    page.fill("#f-username", "saskia")
    page.select_option("#f-role", "staff")
    page.click("button:text-is('Save')")
    page.wait_for_url(re.compile(r".*/staff/\d+\?saved=1"))
    page.fill("#f-pin", "6234")
    page.fill("#f-pin_again", "6234")
    page.click("button:has-text('Set the PIN')")
    expect(page.locator("body")).to_contain_text("set")


def _the_door(page: Page) -> None:
    page.goto("/welcome")  # revisiting the path: the steps done so far say so
    expect(page.locator("ol.steps li.done")).to_have_count(5)
    fits(page, "wizard")
    page.click("ol.steps >> text=The door")
    page.check("input[value=first_name_initial]")
    page.check("input[name=language_pl]")
    page.fill("#f-kiosk_idle_seconds", "45")
    fits(page, "wizard-door")
    page.click("button:has-text('Save and continue')")
    page.wait_for_url("**/welcome?finished=1")
    expect(page.locator("ol.steps li.done")).to_have_count(6)


def _first_child(page: Page) -> None:
    page.click("text=Add your first child")
    page.fill("#f-first_name", "Zoë")
    page.fill("#f-last_name", "Fletcher")
    page.fill("#f-date_of_birth", "14/05/2023")
    page.select_option("#f-room_id", label="Pre-school")
    page.select_option("#f-key_person_id", label="Saskia Brown")
    fits(page, "first-child")
    page.click("button:text-is('Save')")
    page.wait_for_url(re.compile(r".*/children/\d+\?saved=1"))
    expect(page.locator("h1")).to_contain_text("Zoë Fletcher")


def _pair_a_kiosk(page: Page, hub: RunningHub, folder: Path) -> SyncClient:
    page.goto("/kiosks")
    page.fill("#f-name", "Front door")
    page.click("button:has-text('Register and get a pairing code')")
    code = page.locator("[data-pairing-code]").inner_text()
    door_file = folder / "kiosk.db"
    door = pair_door(hub.url, code=code, device="front-door", db_file=door_file)
    store = KioskStore(str(door_file), device="front-door")
    http = hub_client(door.certificate, timeout=httpx.Timeout(30))
    return SyncClient(store, hub.url, door.token, clock=utc_now, http=http)


def _rooms_at(door: SyncClient) -> set[str]:
    door.sync_once()
    with door.store.sessions() as db:
        return set(db.scalars(select(Room.name).where(Room.deleted_at.is_(None))))


def test_a_nursery_is_set_up_from_nothing_in_the_panel_and_its_door_sees_a_new_room(
    empty_hub: RunningHub, tmp_path: Path
) -> None:
    [code] = empty_hub.setup_codes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(
                base_url=empty_hub.url,
                viewport={"width": 1280, "height": 860},
                ignore_https_errors=True,  # an office PC that has not yet trusted the CA
            )
            page.set_default_timeout(20_000)
            _make_manager(page, code)
            fits(page, "welcome")
            _empty_pages_say_what_to_do(page)
            _the_setting(page)
            _sessions_rooms_ratios(page)
            _a_member_of_staff(page)
            _the_door(page)
            _first_child(page)
            door = _pair_a_kiosk(page, empty_hub, tmp_path)
            try:
                assert _rooms_at(door) == {"Babies", "Pre-school"}
                with door.store.sessions() as db:
                    setting = db.scalars(select(Setting)).one()
                    assert setting.privacy_mode == "first_name_initial"
                    assert setting.kiosk_idle_seconds == 45 and setting.languages == ["en", "pl"]
                    sessions = db.scalars(select(NurserySession.name)).all()
                    assert sorted(sessions) == sorted(s[0] for s in SESSIONS)
                page.goto("/settings/rooms")
                _add_rows(
                    page,
                    [("Garden", "36", "")],
                    ["name", "min_age_months", "max_age_months"],
                    "Add the room",
                )
                fits(page, "settings-rooms")
                page.click("ul.rows li:has-text('Garden') >> text=Change")
                expect(page.locator("#f-min_age_months")).to_have_value("36")
                fits(page, "settings-room-change")
                page.goto("/settings/door")
                fits(page, "settings-door")
                assert _rooms_at(door) == {"Babies", "Pre-school", "Garden"}
            finally:
                door.store.close()
        finally:
            browser.close()
