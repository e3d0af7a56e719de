"""In real Chromium against a real hub process: the hub's "not yet arrived" alert reaches a
panel page that is already open, without a reload, and the Alerts page lists it for staff to
answer, at desk and phone widths (issue 15 §4)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from db.vocabulary import STAFF_TEXT, Reason
from tests.admin.hub_process import RunningHub
from tests.admin.not_arrived_day import Morning, prepare_morning
from tests.admin.test_browser import browser, fits, sign_in

__all__ = ["browser"]  # the browser tests' Chromium


@pytest.fixture
def morning(seeded_template: Path, tmp_path: Path) -> Morning:
    return prepare_morning(seeded_template, tmp_path, grace=600)  # nobody due yet


@pytest.fixture
def page(browser: Browser, morning: Morning, tmp_path: Path) -> Iterator[Page]:
    watch = {"HANDOVER_NOT_ARRIVED_CHECK_SECONDS": "0.5"}
    hub = RunningHub(morning.url, tmp_path / "console.log", env=watch).start()
    context = browser.new_context(
        base_url=hub.url, viewport={"width": 1280, "height": 860}, ignore_https_errors=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    hub.stop()


def test_a_child_not_brought_shows_on_an_open_page_and_on_the_alerts_page(
    page: Page, morning: Morning
) -> None:
    sign_in(page, "saskia", "acorns-staff")
    page.goto("/children")
    marker = page.evaluate("() => (window.__untouched = 'yes')")
    morning.set_grace(30)  # the session began 45 minutes ago: four children are now overdue
    banner = page.locator("#live-banner")
    expect(banner).to_contain_text(STAFF_TEXT[Reason.NOT_ARRIVED], timeout=10_000)
    due = ("amara", "ben", "gus", "hal")
    shown = banner.inner_text()
    assert any(f": {morning.names[role]}" in shown for role in due), shown
    uuids = {e.uuid for e in morning.not_arrived_alerts()}
    assert banner.get_attribute("data-alert") in uuids
    assert page.evaluate("() => window.__untouched") == marker  # the page was never reloaded

    page.goto("/alerts")
    # Cara's parent said she would be away: no alert, and not counted as overdue either.
    expect(page.locator("[data-not-arrived-count]")).to_contain_text("4 booked children")
    listed = page.locator(f".alert[data-alert] >> text={STAFF_TEXT[Reason.NOT_ARRIVED]}")
    expect(listed).to_have_count(4)
    for role in due:
        expect(page.locator("main")).to_contain_text(morning.names[role])
    fits(page, "alerts-not-arrived")

    # Saskia answers one with what she did; the register keeps it beside the absent child.
    first = page.locator(".alert[data-alert]").first
    first.locator("input[name=note]").fill("Phoned dad: on the way, stuck in traffic")
    first.locator("button:has-text('Resolve')").click()
    expect(page.locator(".alert[data-alert]")).to_have_count(3)
    page.goto("/register")
    followed = page.locator("[data-followed-up]")
    expect(followed.filter(has_text="Phoned dad: on the way")).to_have_count(1)
    expect(followed.filter(has_text="not followed up yet")).to_have_count(3)
    fits(page, "register-followed-up")
