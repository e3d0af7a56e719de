"""Dates typed the nursery's way in real Chromium (issue 15 §5): dd/mm/yyyy into the child form and
the register's date, at the office's width and a phone's, the right child and day found; a date
that is not one answered in words beside the field; a nursery that writes month first sees
mm/dd/yyyy; the calendar button fills the text field, and without script the field still works."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.models import Child
from tests.admin.test_browser import browser, fits, hub, hub_database, page, sign_in

__all__ = ["browser", "hub", "hub_database", "page"]  # the fixtures of the browser tests
WIDTHS: dict[str, ViewportSize] = {
    "desk": {"width": 1280, "height": 860},
    "phone": {"width": 390, "height": 844},
}


def _born(database: str, first_name: str) -> date | None:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        born = db.scalar(select(Child.date_of_birth).where(Child.first_name == first_name))
    engine.dispose()
    return born


def _thumb_sized(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["height"] >= 44, f"{selector} is {box} at this width"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_child_born_on_a_day_typed_dd_mm_yyyy_is_saved_on_that_day(
    page: Page, hub_database: str, width: str
) -> None:
    page.set_viewport_size(WIDTHS[width])
    sign_in(page)
    page.goto("/children/new")
    field = page.locator("#f-date_of_birth")
    expect(field).to_have_attribute("inputmode", "numeric")
    expect(page.locator("label[for=f-date_of_birth]")).to_contain_text("dd/mm/yyyy")
    _thumb_sized(page, "#f-date_of_birth")
    first_name = f"Ottilie{width}"
    page.fill("#f-first_name", first_name)
    page.fill("#f-last_name", "Marsh")
    page.select_option("#f-room_id", label="Twos")
    page.select_option("#f-key_person_id", label="Saskia Brown")
    field.fill("31/02/2024")  # no such day: said in words, nothing saved, the typing kept
    page.click("button:has-text('Save')")
    expect(page.locator("#e-f-date_of_birth")).to_have_text(
        "31/02/2024 is not a date; write it as dd/mm/yyyy."
    )
    expect(field).to_have_value("31/02/2024")
    expect(page.locator("#f-first_name")).to_have_value(first_name)
    assert _born(hub_database, first_name) is None
    if width == "phone":
        fits(page, "child-form-bad-date")
    field.fill("03/04/2024")  # the 3rd of April, not the 4th of March
    page.click("button:has-text('Save')")
    expect(page.locator("h1")).to_have_text(f"{first_name} Marsh")
    expect(page.locator("body")).to_contain_text("born Wed 03 Apr 2024")
    assert _born(hub_database, first_name) == date(2024, 4, 3)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_register_is_found_for_a_day_typed_dd_mm_yyyy(page: Page, width: str) -> None:
    page.set_viewport_size(WIDTHS[width])
    sign_in(page)
    page.goto("/register")
    day = date.today() - timedelta(days=9)
    page.fill("#f-day", f"{day:%d/%m/%Y}")
    page.click("button:has-text('Show')")
    expect(page.locator("h1")).to_have_text(f"Daily register · {day:%a %d %b %Y}")
    expect(page.locator("#f-day")).to_have_value(f"{day:%d/%m/%Y}")
    _thumb_sized(page, "#f-day")
    page.fill("#f-day", "30/02/2026")
    page.click("button:has-text('Show')")
    expect(page.locator("#e-f-day")).to_have_text(
        "30/02/2026 is not a date; write it as dd/mm/yyyy."
    )
    expect(page.locator("#f-day")).to_have_value("30/02/2026")
    if width == "phone":
        fits(page, "register-bad-date")


def test_the_calendar_button_writes_the_chosen_day_into_the_field(page: Page) -> None:
    sign_in(page)
    page.goto("/register")
    button = page.locator(".date-entry:has(#f-day) .date-button")
    expect(button).to_have_text("Calendar")
    _thumb_sized(page, ".date-entry:has(#f-day) .date-button")
    # The browser's own calendar is not part of the page; choosing a day in it sets the hidden
    # date input's value and fires "change", as here.
    page.locator(".date-entry:has(#f-day) .date-picker").evaluate(
        "el => { el.value = '2026-11-30'; el.dispatchEvent(new Event('change')); }"
    )
    expect(page.locator("#f-day")).to_have_value("30/11/2026")
    page.click("button:has-text('Show')")
    expect(page.locator("h1")).to_have_text("Daily register · Mon 30 Nov 2026")


@pytest.fixture
def no_script(browser: Browser, hub: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=hub, viewport=WIDTHS["phone"], ignore_https_errors=True, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_without_script_the_date_is_still_typed_and_read(no_script: Page) -> None:
    sign_in(no_script)
    no_script.goto("/attendance")
    expect(no_script.locator(".date-button")).to_have_count(0)
    no_script.fill("#f-start", "01/12/2026")
    no_script.fill("#f-end", "02/12/2026")
    no_script.click("button:has-text('Search')")
    expect(no_script.locator("[data-found]")).to_contain_text("Tue 01 Dec 2026 to Wed 02 Dec 2026")


def test_a_nursery_that_writes_month_first_sees_its_dates_so(page: Page, hub_database: str) -> None:
    sign_in(page)
    page.goto("/settings")
    page.select_option("#f-date_order", "mdy")
    page.click("button:has-text('Save')")
    expect(page.locator(".notice")).to_have_text("Saved.")
    try:
        page.goto("/register?day=2026-11-30")  # an old link, ISO whatever the order
        expect(page.locator("#f-day")).to_have_value("11/30/2026")
        expect(page.locator("label[for=f-day]")).to_contain_text("mm/dd/yyyy")
        page.fill("#f-day", "12/01/2026")
        page.click("button:has-text('Show')")
        expect(page.locator("h1")).to_have_text("Daily register · Tue 01 Dec 2026")
        page.goto("/attendance")
        expect(page.locator("label[for=f-start]")).to_contain_text("mm/dd/yyyy")
    finally:
        page.goto("/settings")
        page.select_option("#f-date_order", "dmy")
        page.click("button:has-text('Save')")
    expect(page.locator(".notice")).to_have_text("Saved.")
