"""In real Chromium against a real hub process and a real SMTP server: the manager sets the
nursery's mail server in Settings and sends a test message, then chooses a carer's language
and e-mails, and e-mails them their card, at desk and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.admin.hub_process import RunningHub
from tests.admin.mail_server import MailServer, text_of, wait_for
from tests.admin.test_browser import browser, fits, sign_in
from tests.admin.test_notices import FROM, hub_for, mail, people, sqlite_nursery

__all__ = ["browser", "hub_for", "mail", "sqlite_nursery"]  # fixtures


@pytest.fixture
def office(
    browser: Browser, sqlite_nursery: str, tmp_path: Path, hub_for: list[RunningHub]
) -> Iterator[Page]:
    """A hub with no mail server in its environment: the panel is where it is set."""
    hub_for.append(RunningHub(sqlite_nursery, tmp_path / "console.log").start())
    context = browser.new_context(
        base_url=hub_for[-1].url, viewport={"width": 1280, "height": 860}, ignore_https_errors=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page)
    yield page
    context.close()


def _set_mail_server(page: Page, mail: MailServer) -> None:
    page.goto("/settings")
    page.click("nav.tabs a:has-text('Mail')")
    expect(page.locator("[data-mail-not-set-up]")).to_be_visible()
    page.fill("#f-host", "127.0.0.1")
    page.fill("#f-port", str(mail.port))
    page.check("input[name=tls][value=none]")
    page.fill("#f-sender", FROM)
    page.click("form.card-form button:has-text('Save')")
    expect(page.locator(".notice")).to_have_text("Saved.")
    expect(page.locator('[data-mail-in-use="panel"]')).to_contain_text(f"127.0.0.1:{mail.port}")


def test_the_manager_sets_the_mail_server_and_reads_the_servers_answer_to_a_test(
    office: Page, mail: MailServer
) -> None:
    page = office
    _set_mail_server(page, mail)
    page.fill("#f-to", "manager@little-acorns.example")
    page.click("button:has-text('Send a test message')")
    said = page.locator('[data-test-result="sent"]')
    expect(said).to_contain_text("took the test message and answered: 250")
    assert mail.inbox.to("manager@little-acorns.example")
    fits(page, "settings-mail")

    mail.stop()  # the manager learns in words that nothing answers
    page.fill("#f-to", "manager@little-acorns.example")
    page.click("button:has-text('Send a test message')")
    expect(page.locator('[data-test-result="not-sent"]')).to_contain_text("Nothing answers at")


def test_a_carers_language_and_e_mails_are_chosen_and_their_card_is_e_mailed(
    office: Page, mail: MailServer, sqlite_nursery: str
) -> None:
    page = office
    _set_mail_server(page, mail)
    bob = people(sqlite_nursery)[1]["Bob Hughes"]
    page.goto(f"/adults/{bob.id}/edit")
    page.select_option("#f-language", "pl")
    page.check("input[name=notify_arrivals]")
    page.check("input[name=notify_late]")
    fits(page, "adult-form-mail")
    page.click("form.card-form button:has-text('Save')")
    choices = page.locator("[data-mail-choices]")
    expect(choices).to_contain_text("E-mails in Polski (Polish) · arrivals and departures")
    expect(choices).to_contain_text("late collections")

    page.click("button:has-text('E-mail a card to')")
    expect(page.locator('[data-card-mail="sent"]')).to_contain_text("was e-mailed to")
    (message,) = wait_for(lambda: mail.inbox.to(bob.email or ""), what="the card")
    assert "pokaż ją przy drzwiach przy odbiorze" in text_of(message)
    fits(page, "adult-card-mailed")
