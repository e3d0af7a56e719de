"""In real Chromium at a phone's width (390 px) against a real hub process and a real SMTP
server: a parent asks for a code, types the one that arrived by e-mail, and reads their child's
recent register and who may collect them, with nothing scrolling sideways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from db.clock import utc_now
from tests.admin.family_visit import code_sent_to, recent_days, start_family_hub
from tests.admin.hub_process import RunningHub
from tests.admin.mail_server import MailServer
from tests.admin.test_browser import browser, screenshot, sign_in
from tests.admin.test_notices import mail, people, sqlite_nursery

__all__ = ["browser", "mail", "sqlite_nursery"]  # fixtures

GEMMA = "gemma.clarke@example.com"


@pytest.fixture
def hub(sqlite_nursery: str, mail: MailServer, tmp_path: Path) -> Iterator[RunningHub]:
    children, adults = people(sqlite_nursery)
    gemma, marcus = adults["Gemma Clarke"], adults["Marcus Clarke"]
    theo = children["Theo Clarke"]
    recent_days(sqlite_nursery, theo, brought_by=gemma.id, collected_by=marcus.id)
    running = start_family_hub(sqlite_nursery, mail, tmp_path)
    yield running
    running.stop()


def phone_at(browser: Browser, hub: RunningHub, locale: str = "en-US") -> Page:
    """A phone's page on the hub; ``locale`` is what Chromium sends as Accept-Language."""
    context = browser.new_context(
        base_url=hub.url,
        viewport={"width": 390, "height": 844},
        ignore_https_errors=True,
        is_mobile=True,
        has_touch=True,
        locale=locale,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def phone(browser: Browser, hub: RunningHub) -> Iterator[Page]:
    page = phone_at(browser, hub)
    yield page
    page.context.close()


def _fits(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"{page.url} is {wide}px wide on a 390 px phone"


def test_a_parent_signs_in_on_a_phone_and_reads_their_childs_week(
    phone: Page, mail: MailServer
) -> None:
    page = phone
    page.goto("/family")
    _fits(page)
    screenshot(page, "family-sign-in-phone.png")
    page.fill("#f-email", GEMMA)
    page.click("button:has-text('Send me a code')")
    expect(page.locator("[data-sent]")).to_contain_text("we have sent a six-digit code")
    page.fill("#f-code", "000000" if code_sent_to(mail, GEMMA) != "000000" else "111111")
    page.click("button:has-text('Sign in')")
    expect(page.locator("[data-message]")).to_contain_text("That code is not right")
    screenshot(page, "family-code-phone.png")
    page.fill("#f-code", code_sent_to(mail, GEMMA))
    page.click("button:has-text('Sign in')")
    expect(page.locator("h1")).to_have_text("Hello, Gemma")
    _fits(page)
    screenshot(page, "family-home-phone.png")
    page.click("a:has-text('Theo Clarke')")
    expect(page.locator("[data-child-name]")).to_have_text("Theo Clarke")
    expect(page.locator("[data-day]")).to_have_count(3)
    expect(page.locator("[data-day]").first).to_contain_text("collected by Marcus Clarke")
    expect(page.locator("[data-collectors]")).to_contain_text("Marcus Clarke")
    _fits(page)
    screenshot(page, "family-child-phone.png")
    page.click("button:has-text('Sign out')")
    expect(page.locator("#f-email")).to_be_visible()


def _sign_in(page: Page, mail: MailServer, count: int = 1) -> None:
    page.goto("/family")
    page.fill("#f-email", GEMMA)
    page.click("button:has-text('Send me a code')")
    page.fill("#f-code", code_sent_to(mail, GEMMA, count))
    page.click("button:has-text('Sign in')")
    expect(page.locator("h1")).to_have_text("Hello, Gemma")


def test_a_parent_asks_for_someone_to_collect_and_the_manager_accepts_it_at_the_desk(
    phone: Page, mail: MailServer, browser: Browser, hub: RunningHub, tmp_path: Path
) -> None:
    page = phone
    _sign_in(page, mail)
    page.click("a:has-text('Theo Clarke')")
    form = page.locator('[data-form="permission"]')
    form.locator("#p-name").fill("Bob Hughes")
    form.locator("#p-first_day").fill(f"{utc_now().date():%d/%m/%Y}")
    photo = tmp_path / "bob.jpg"  # as a phone's camera or gallery hands it to the page
    Image.new("RGB", (900, 1200), (96, 140, 170)).save(photo, "JPEG")
    form.locator("#p-photo").set_input_files(str(photo))
    form.locator("button[type=submit]").click()  # not its date fields' calendar buttons
    expect(page.locator("[data-sent-request]")).to_contain_text("only a request")
    expect(page.locator('[data-request-status="pending"]')).to_contain_text("Bob Hughes")
    _fits(page)
    screenshot(page, "family-request-phone.png")

    desk = browser.new_context(
        base_url=hub.url, viewport={"width": 1280, "height": 860}, ignore_https_errors=True
    ).new_page()
    sign_in(desk)
    desk.click('nav a:has-text("Parents\' requests")')
    row = desk.locator('tr[data-kind="permission"]')
    expect(row).to_contain_text("Bob Hughes to collect")
    expect(row.locator("[data-request-photo]")).to_be_visible()
    assert row.locator("[data-request-photo]").evaluate("i => i.naturalWidth") > 0
    screenshot(desk, "admin-family-requests.png")
    desk.set_viewport_size({"width": 390, "height": 844})
    screenshot(desk, "admin-family-requests-phone.png")
    _fits(desk)  # the table scrolls inside itself
    desk.set_viewport_size({"width": 1280, "height": 860})
    row.locator("select").select_option(label="Bob Hughes")
    row.locator("button:has-text('Accept')").click()
    desk.wait_for_url("**/children/*")
    desk.context.close()

    page.reload()
    expect(page.locator('[data-request-status="accepted"]')).to_contain_text("Bob Hughes")
    expect(page.locator("[data-permissions]")).to_contain_text("Bob Hughes")
