"""In real Chromium against a real hub process and a real SMTP server: the manager reads which
notices went, which failed and why, sends a failed one again once the mailbox is fixed, and
sends a test message, at desk and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.admin.hub_process import RunningHub
from tests.admin.mail_server import MailServer, wait_for
from tests.admin.test_browser import browser, screenshot, sign_in
from tests.admin.test_notices import (
    authorise,
    hub_for,
    mail,
    sqlite_nursery,
    started,
)

__all__ = ["browser", "hub_for", "mail", "sqlite_nursery"]  # fixtures


@pytest.fixture
def office(
    browser: Browser,
    sqlite_nursery: str,
    mail: MailServer,
    tmp_path: Path,
    hub_for: list[RunningHub],
) -> Iterator[Page]:
    mail.inbox.refuse["marcus.clarke@example.com"] = "550 5.1.1 marcus.clarke: mailbox full"
    hub, manager, children, adults = started(hub_for, sqlite_nursery, mail, tmp_path)
    authorise(manager, children["Theo Clarke"], adults["Bob Hughes"], "Neighbour")
    wait_for(lambda: mail.inbox.to("gemma.clarke@example.com"), what="Gemma's notice")
    context = browser.new_context(
        base_url=hub.url, viewport={"width": 1280, "height": 860}, ignore_https_errors=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page)
    yield page
    context.close()


def open_notices_once_they_say(page: Page, counts: str) -> None:
    """The sender marks a notice sent only after the mail server has taken it and the
    connection is closed (admin/notice_sender.py), so a message in the inbox may still read
    "Waiting" on the page for a moment, and the page does not refresh itself: reload, as the
    manager would, until it says ``counts``; never saying it is a failure."""

    def says_it() -> bool:
        page.goto("/notices")
        return page.locator("[data-counts]").inner_text() == counts

    wait_for(says_it, what=f"the Notices page to say {counts!r}")


def test_the_manager_sees_a_failed_notice_with_the_reason_and_sends_it_again(
    office: Page, mail: MailServer
) -> None:
    page = office
    open_notices_once_they_say(page, "Sent: 1 · Waiting: 0 · Failed: 1")
    failed = page.locator('tr[data-status="failed"]')
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("Marcus Clarke")
    expect(failed.locator("[data-reason]")).to_have_text("550 5.1.1 marcus.clarke: mailbox full")
    expect(page.locator('tr[data-status="sent"]')).to_contain_text("Gemma Clarke")
    screenshot(page, "admin-notices.png")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "admin-notices-phone.png")
    # The table scrolls inside itself; the page keeps the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 860})

    del mail.inbox.refuse["marcus.clarke@example.com"]  # his mailbox emptied
    failed.locator("button:has-text('Send again')").click()
    wait_for(lambda: mail.inbox.to("marcus.clarke@example.com"), what="Marcus's notice")
    open_notices_once_they_say(page, "Sent: 2 · Waiting: 0 · Failed: 0")
    assert len(mail.inbox.to("marcus.clarke@example.com")) == 1  # sent again once, not twice

    page.fill("#f-to", "manager@little-acorns.example")
    page.click("button:has-text('Send a test message')")
    expect(page.locator("[data-test-result]")).to_have_text(
        "The mail server took a test message for manager@little-acorns.example."
    )
