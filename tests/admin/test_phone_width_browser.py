"""Every office page on a phone (issue 15 §5), in real Chromium against a real hub process:
at 390 px nothing scrolls sideways (the menu folds away, tables read as lists) and every button
and field is big enough for a thumb. The pages are found by following the office's own links
from Today, so a page added later is checked without anyone listing it here."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, ViewportSize, expect

from tests.admin.test_browser import browser, hub, hub_database, page, screenshot, sign_in

__all__ = ["browser", "hub", "hub_database", "page"]  # the fixtures of the browser tests
PHONE: ViewportSize = {"width": 390, "height": 844}
THUMB = 40  # px: the smallest height a button or field may have at phone width
# Pages that change something when opened, or are files rather than pages.
SKIP = ("/logout", "/live", "/static/", "/sound/", "/photo", "/export", "/download")
MOST_PAGES = 60
SHOWN = {"/today": "today", "/register": "register", "/children/#": "child"}


def _links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    origin = urlsplit(page.url).netloc
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        a_file = "." in parts.path.rsplit("/", 1)[-1]  # template.xlsx, register.csv
        if parts.netloc == origin and not a_file and not any(s in parts.path for s in SKIP):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _too_wide(page: Page) -> str:
    """How far the page scrolls sideways, and the innermost elements that stick out."""
    wide = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    if wide <= 0:
        return ""
    culprits = page.eval_on_selector_all(
        "body *",
        """els => els.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                || e.scrollWidth > e.clientWidth + 1)
            .filter(e => ![...e.children].some(c =>
                c.getBoundingClientRect().right > window.innerWidth + 1
                || c.scrollWidth > c.clientWidth + 1))
            .slice(0, 3).map(e => e.tagName + "." + e.className + ": "
                + (e.textContent || "").trim().slice(0, 30))""",
    )
    return f"{wide}px sideways ({culprits})"


def _small_targets(page: Page) -> list[str]:
    """Buttons and fields in the page's main part shorter than a thumb, named for the message."""
    found: list[str] = page.eval_on_selector_all(
        "main button, main .button, main input:not([type=hidden]):not([type=checkbox])"
        ":not([type=radio]):not([type=file]), main select, header button, header .menu-button",
        f"""els => els.filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().height < {THUMB})
            .map(e => (e.textContent || e.name || e.id || e.tagName).trim().slice(0, 40))""",
    )
    return found


def test_every_office_page_fits_a_phone_and_its_buttons_fit_a_thumb(page: Page) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page)
    to_visit, problems = ["/today"], []
    seen: set[str] = set()
    while to_visit and len(seen) < MOST_PAGES:
        path = to_visit.pop(0)
        # One page of each kind: /children/3 stands for every child's page.
        kind = "/".join("#" if part.isdigit() else part for part in path.split("?")[0].split("/"))
        if kind in seen:
            continue
        seen.add(kind)
        answer = page.goto(path)
        if answer is None or "text/html" not in answer.headers.get("content-type", ""):
            continue
        if wide := _too_wide(page):
            problems.append(f"{path} scrolls {wide}")
        if small := _small_targets(page):
            problems.append(f"{path} has targets under {THUMB}px: {small[:5]}")
        if kind in SHOWN:
            screenshot(page, f"admin-{SHOWN[kind]}-phone.png")
        to_visit += _links(page)
    assert len(seen) >= 15, seen  # the crawl really walked the office
    assert not problems, "\n".join(problems)


def test_the_menu_folds_away_on_a_phone_and_opens_with_one_tap(page: Page) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page)
    nav = page.locator("header nav")
    expect(nav).to_be_hidden()
    page.click("text=Menu")
    expect(nav).to_be_visible()
    screenshot(page, "admin-menu-phone.png", full_page=False)
    nav.locator("a", has_text="Register").click()
    page.wait_for_url("**/register")
    page.set_viewport_size({"width": 1280, "height": 860})
    expect(page.locator("header nav")).to_be_visible()  # on a desk, always there
    expect(page.locator("text=Menu")).to_be_hidden()
