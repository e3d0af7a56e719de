"""Issue 15's whole story, through the panel only, in a real Chromium against ``handover hub``
in its own process: an empty database; the manager sets the nursery up; 60 children with 120
carers come in from an XLSX file; their cards and today's register are printed; a kiosk is
paired at the door, and the first arrival it records reaches Today and the register."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import func, select

from db.models import Adult, Authorisation, Child
from tests.admin.hub_process import RunningHub
from tests.admin.test_browser import ARGS, CHROMIUM, fits
from tests.admin.test_import import family_row, xlsx_file
from tests.admin.test_setting_up_browser import (
    _a_member_of_staff,
    _make_manager,
    _pair_a_kiosk,
    _sessions_rooms_ratios,
    _the_door,
    _the_setting,
)
from tests.sync.events import arrival

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
CHILDREN = 60
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


def _families() -> list[dict[str, str]]:
    """Sixty children in the Pre-school room, each with a mother and a father who may collect."""
    return [
        family_row(
            f"Child{n:02d}",
            f"Family{n:02d}",
            Room="Pre-school",
            **{
                "Booked sessions": "; ".join(f"{day} Morning" for day in WEEKDAYS),
                "Carer 1 email": f"mother.{n}@example.org",
                "Carer 2 first name": "Tom",
                "Carer 2 relationship": "Father",
                "Carer 2 may collect": "yes",
                "Carer 2 date of birth": "11/11/1988",
            },
        )
        for n in range(CHILDREN)
    ]


def _import(page: Page, folder: Path) -> None:
    sheet = folder / "our-children.xlsx"
    sheet.write_bytes(xlsx_file(_families()))
    page.goto("/children/import")
    page.set_input_files("#f-file", str(sheet))
    page.click("button:has-text('Preview')")
    expect(page.locator(".notice")).to_contain_text(f"{CHILDREN} children to add")
    page.click("button:has-text('Import: add and update as shown')")
    page.wait_for_url(f"**/children?imported={CHILDREN}*")


def _cards_for_the_room(page: Page) -> None:
    page.goto("/cards")
    page.locator("fieldset.tick-group", has_text="Pre-school").first.locator(
        "label.tick-all"
    ).click()
    page.click("button:has-text('Issue and print the cards ticked')")
    expect(page.locator(".qr-card")).to_have_count(2 * CHILDREN)  # every carer who collects


def _counts(database: str) -> tuple[int, int, int, int, int]:
    """Children, adults and authorisations in the hub; the first child and her mother's ids."""
    from db.engine import make_engine, session_factory

    engine = make_engine(database)
    with session_factory(engine)() as db:
        first = db.scalars(select(Child).where(Child.last_name == "Family00")).one()
        mother = db.scalars(select(Adult).where(Adult.email == "mother.0@example.org")).one()
        counted = (
            db.scalar(select(func.count()).select_from(Child)) or 0,
            db.scalar(select(func.count()).select_from(Adult)) or 0,
            db.scalar(select(func.count()).select_from(Authorisation)) or 0,
            first.id,
            mother.id,
        )
    engine.dispose()
    return counted


def test_a_nursery_starts_from_nothing_with_sixty_children_and_sees_its_first_arrival(
    tmp_path: Path,
) -> None:
    hub = RunningHub(str(tmp_path / "bluebells.db"), tmp_path / "console.log").start()
    [code] = hub.setup_codes()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(
                base_url=hub.url, viewport={"width": 1280, "height": 860}, ignore_https_errors=True
            )
            page.set_default_timeout(30_000)
            _make_manager(page, code)
            _the_setting(page)
            _sessions_rooms_ratios(page)
            _a_member_of_staff(page)
            _the_door(page)
            _import(page, tmp_path)
            children, adults, authorised, child, mother = _counts(hub.database)
            assert (children, adults, authorised) == (CHILDREN, 2 * CHILDREN, 2 * CHILDREN)
            _cards_for_the_room(page)
            page.goto("/register")
            page.emulate_media(media="print")
            expect(page.locator("[data-sign-off]")).to_contain_text("Signed: ___")
            page.emulate_media(media="screen")
            door = _pair_a_kiosk(page, hub, tmp_path)
            try:
                door.sync_once()  # the door has the sixty children and their carers
                door.store.append([arrival(child, mother)])
                assert door.push() == 1
            finally:
                door.store.close()
            page.goto("/today")
            expect(page.locator("body")).to_contain_text("Child00 Family00")
            expect(page.locator(".summary")).to_contain_text("1 child")
            page.goto("/register")
            room = page.locator("[data-room='Pre-school'] table.register")
            expect(room).to_contain_text("Child00 Family00")
            expect(room).to_contain_text("Amira Family00")  # who brought her
            fits(page, "story-register")
            browser.close()
    finally:
        hub.stop()
