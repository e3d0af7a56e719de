"""In real Chromium against a real hub process: the manager sets how long a door may go without
a sync before it counts itself out of touch, at desk and phone widths."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.admin.test_browser import browser, hub, hub_database, page, screenshot, sign_in

__all__ = ["browser", "hub", "hub_database", "page"]  # the fixtures of the browser tests


def test_the_manager_gives_the_doors_five_minutes_before_they_count_themselves_out_of_touch(
    page: Page,
) -> None:
    sign_in(page)
    page.goto("/settings")
    field = page.locator("#f-kiosk_out_of_touch_seconds")
    expect(field).to_have_value("60")
    expect(page.locator("form.card-form")).to_contain_text("From 20 to 900.")

    field.fill("300")
    page.click("form.card-form button:has-text('Save')")

    expect(page.locator(".notice")).to_have_text("Saved.")
    expect(page.locator("#f-kiosk_out_of_touch_seconds")).to_have_value("300")
    screenshot(page, "admin-settings.png")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "admin-settings-phone.png")
