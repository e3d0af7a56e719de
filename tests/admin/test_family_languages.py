"""The parents' page in the family's language (issue 17 §3), in real Chromium at a phone's
width against a real hub process: before signing in, the browser's language or the page's
switch; once signed in, the language the nursery writes to that parent in. Urdu reads right
to left. Plurals as each language says them (Polish has three forms)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Adult
from tests.admin.family_visit import book_every_day_from_midnight, code_sent_to
from tests.admin.hub_process import RunningHub
from tests.admin.mail_server import MailServer
from tests.admin.test_browser import browser, screenshot
from tests.admin.test_family_browser import hub, phone_at
from tests.admin.test_notices import mail, people, sqlite_nursery

__all__ = ["browser", "hub", "mail", "sqlite_nursery"]  # fixtures

GEMMA = "gemma.clarke@example.com"


def _gemma_writes_in(url: str, language: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        db.execute(update(Adult).where(Adult.email == GEMMA).values(language=language))
        db.commit()
    engine.dispose()


def _looked_at(page: Page, name: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"{page.url} is {wide}px wide on a 390 px phone"
    screenshot(page, name)


def _sign_in(page: Page, mail: MailServer, send: str, sign_in: str) -> None:
    page.fill("#f-email", GEMMA)
    page.click(f"button:has-text('{send}')")
    page.fill("#f-code", code_sent_to(mail, GEMMA))
    page.click(f"button:has-text('{sign_in}')")


def test_a_polish_parent_reads_the_page_in_polish_with_polish_plurals(
    browser: Browser, hub: RunningHub, mail: MailServer, sqlite_nursery: str
) -> None:
    _gemma_writes_in(sqlite_nursery, "pl")
    book_every_day_from_midnight(sqlite_nursery, people(sqlite_nursery)[0]["Theo Clarke"].id)
    page = phone_at(browser, hub, "pl-PL")
    page.goto("/family")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("h1")).to_have_text("Strona dla rodziców")
    _looked_at(page, "family-sign-in-pl.png")
    page.click("[data-languages] a[data-language='ur']")  # the switch, before signing in
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("والدین کا صفحہ")
    page.click("[data-languages] a[data-language='pl']")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    _sign_in(page, mail, "Wyślij mi kod", "Zaloguj")
    expect(page.locator("h1")).to_have_text("Dzień dobry, Gemma")
    page.click("a:has-text('Theo Clarke')")
    expect(page.locator("[data-total]")).to_contain_text("3 dni w placówce.")
    expect(page.locator("[data-day]").first).to_contain_text("odebrał(a): Marcus Clarke")
    form = page.locator('[data-form="absence"]')
    today = utc_now().date()
    form.locator("#a-first_day").fill(f"{today:%d/%m/%Y}")
    form.locator("#a-last_day").fill(f"{today + timedelta(days=1):%d/%m/%Y}")
    form.locator("input[value='ill']").check()
    form.locator("button[type=submit]").click()  # not its date fields' calendar buttons
    expect(page.locator("[data-sent-request]")).to_contain_text(
        "2 dni są w dzienniku jako nieobecność."
    )
    expect(page.locator("[data-requests]")).to_contain_text("Nieobecność")
    _looked_at(page, "family-child-pl.png")


def test_an_urdu_parent_reads_the_page_right_to_left_in_urdu(
    browser: Browser, hub: RunningHub, mail: MailServer, sqlite_nursery: str
) -> None:
    _gemma_writes_in(sqlite_nursery, "ur")
    page = phone_at(browser, hub, "en-GB")  # an English phone: the adult's language wins
    page.goto("/family")
    expect(page.locator("h1")).to_have_text("Parents' page")
    _sign_in(page, mail, "Send me a code", "Sign in")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.locator("h1")).to_have_text("السلام علیکم، Gemma")
    _looked_at(page, "family-home-ur.png")
    page.click("a:has-text('Theo Clarke')")
    expect(page.locator("[data-total]")).to_contain_text("نرسری میں 3 دن۔")
    form = page.locator('[data-form="permission"]')
    form.locator("#p-first_day").fill(f"{utc_now().date():%d/%m/%Y}")
    form.locator("#p-name").evaluate("e => e.removeAttribute('required')")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-message]")).to_have_text("براہ کرم لکھیں کہ کون لینے آئے گا۔")
    body = page.locator("main").bounding_box()
    heading = page.locator("main h2").first.bounding_box()
    assert body and heading and heading["x"] + heading["width"] > body["x"] + body["width"] - 40
    _looked_at(page, "family-child-ur.png")
