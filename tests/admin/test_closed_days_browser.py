"""In real Chromium against a real hub process: the manager puts down the Christmas closure and
an INSET day under Settings › Closed days, takes one away again, at desk and phone widths."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.admin.test_browser import (
    browser,
    fits,
    hub,
    hub_database,
    page,
    screenshot,
    sign_in,
)

__all__ = ["browser", "hub", "hub_database", "page"]  # the fixtures of the browser tests


def _add(page: Page, first: str, label: str, last: str = "") -> None:
    page.fill("#f-first_day", first)
    page.fill("#f-last_day", last)
    page.fill("#f-label", label)
    page.click("button:has-text('Add the closed day')")


def test_the_manager_adds_and_removes_closed_days(page: Page) -> None:
    sign_in(page)
    page.goto("/settings")
    page.click("nav.tabs a:has-text('Closed days')")
    expect(page.locator("h1")).to_have_text("Closed days")
    expect(page.locator(".empty")).to_contain_text("No closed days to come")

    _add(page, "31/12/2099", "INSET day", last="30/12/2099")  # the wrong way round
    expect(page.locator("#e-f-last_day")).to_have_text("The last day is before the first day.")
    expect(page.locator("#f-first_day")).to_have_value("31/12/2099")

    _add(page, "04/01/2100", "INSET day")
    _add(page, "21/12/2099", "Christmas closure", last="01/01/2100")
    rows = page.locator("[data-closed-days] li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Christmas closure · Mon 21/12/2099 to Fri 01/01/2100")
    expect(rows.nth(1)).to_contain_text("INSET day · Mon 04/01/2100")
    page.set_viewport_size({"width": 1280, "height": 860})
    screenshot(page, "admin-closed-days.png")
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"closed days scroll {wide}px sideways at 390 px"
    screenshot(page, "admin-closed-days-phone.png")

    rows.nth(1).locator("button:has-text('Remove')").click()
    expect(page.locator(".notice")).to_contain_text("Removed.")
    expect(page.locator("[data-closed-days] li")).to_have_count(1)
    expect(page.locator("[data-closed-days]")).not_to_contain_text("INSET day")


def test_today_and_the_register_say_the_nursery_is_closed(page: Page) -> None:
    sign_in(page)
    today = datetime.now(ZoneInfo("Europe/London")).date()  # the demo nursery's day
    page.goto("/settings/closed-days")
    _add(page, today.strftime("%d/%m/%Y"), "Staff training")
    page.goto("/today")
    expect(page.locator("[data-closed-today]")).to_have_text(
        "The nursery is closed today (Staff training)."
    )
    expect(page.locator("[data-not-arrived]")).to_have_count(0)
    fits(page, "today-closed")
    page.goto("/register")
    expect(page.locator("[data-closed-day]")).to_contain_text("A closed day (Staff training)")
    fits(page, "register-closed")
