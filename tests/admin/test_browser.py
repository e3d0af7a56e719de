"""The office in a real Chromium (Debian's, driven by Playwright) against a real hub server.

Screenshots of the main pages are saved to docs/ for the README."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.models import Adult, Child
from tests.admin.nursery_day import morning, unknown_card_alert

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"
)
ROOT = Path(__file__).parents[2]
# Screenshots for the README land in docs/ only when asked (scripts/screenshots); an ordinary
# test run writes them to a scratch folder and leaves the checkout as it found it.
DOCS = Path(
    os.environ.get("HANDOVER_SCREENSHOTS") or Path(tempfile.gettempdir()) / "handover-shots"
)
HANDOVER = str(Path(sys.executable).with_name("handover"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LONDON = ZoneInfo("Europe/London")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _morning_start(now: datetime) -> datetime:
    """An hour and a half ago, but never before today's local midnight."""
    local = now.astimezone(LONDON)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    return max(now - timedelta(minutes=90), midnight + timedelta(minutes=1))


@pytest.fixture(scope="module")
def hub_database(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seeded demo nursery, with this morning's arrivals happening in real time."""
    path = tmp_path_factory.mktemp("browser") / "hub.db"
    shutil.copy(seeded_template, path)
    engine = make_engine(str(path))
    with session_factory(engine)() as db:
        morning(db, start=_morning_start(datetime.now(UTC)))
    engine.dispose()
    return str(path)


@pytest.fixture(scope="module")
def hub(hub_database: str) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOVER_")}
    env["HANDOVER_NOT_ARRIVED_CHECK_SECONDS"] = "0"  # alerts by the hour the test runs: off
    # A file, not a pipe: the hub logs every request, and a pipe nobody reads fills and stops it.
    console = Path(hub_database).with_name("console.log")
    with console.open("ab") as output:
        process = subprocess.Popen(
            [HANDOVER, "hub", "--db", hub_database, "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"the hub did not start: {console.read_text()!r}")
            time.sleep(0.2)
    yield f"https://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, hub: str) -> Iterator[Page]:
    # The office's CA is trusted by hand on a real office PC (README); here it is waved through.
    context = browser.new_context(
        base_url=hub, viewport={"width": 1280, "height": 860}, ignore_https_errors=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / name), full_page=full_page)


def fits(page: Page, name: str) -> None:
    """Screenshots at office and phone width; at the phone's, nothing scrolls sideways."""
    page.set_viewport_size({"width": 1280, "height": 860})
    screenshot(page, f"admin-{name}.png")
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{name} scrolls {wide}px sideways at 390 px"
    screenshot(page, f"admin-{name}-phone.png")
    page.set_viewport_size({"width": 1280, "height": 860})


def sign_in(
    page: Page,
    username: str = "manager",
    password: str = "acorns-manager",  # noqa: S107
    *,
    lands_on: str = "/today",
    already_there: bool = False,
) -> None:
    if not already_there:  # else the login page a redirect opened, with its ?next= kept
        page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"**{lands_on}")


def test_the_manager_signs_in_and_sees_who_is_on_site(page: Page) -> None:
    page.goto("/today")
    expect(page.locator("h1")).to_have_text("Sign in")
    screenshot(page, "admin-login.png", full_page=False)
    sign_in(page)
    expect(page.locator(".summary")).to_contain_text("14 children")
    expect(page.locator(".ratio.breached")).to_have_count(1)
    screenshot(page, "admin-today.png")


def test_the_manager_adds_a_child_then_an_authorised_adult(page: Page) -> None:
    sign_in(page)
    page.goto("/children/new")
    page.fill("#f-first_name", "Zoë")
    page.fill("#f-last_name", "Ó Briain")
    page.fill("#f-date_of_birth", "29/02/2024")  # as a UK nursery writes it
    page.select_option("#f-room_id", label="Twos")
    page.select_option("#f-key_person_id", label="Saskia Brown")
    page.check("input[name=book_0_1]")
    page.click("button:has-text('Save')")
    expect(page.locator("h1")).to_have_text("Zoë Ó Briain")
    page.click("text=add a new adult for Zoë")
    page.fill("#f-first_name", "Siobhán")
    page.fill("#f-last_name", "Ó Briain")
    page.fill("#f-date_of_birth", "01/06/1990")
    page.fill("#f-relationship", "Mother")
    page.check("input[name=parental_responsibility]")
    page.click("button:has-text('Save')")
    expect(page.locator("#authorised")).to_contain_text("Siobhán Ó Briain")
    expect(page.locator("#authorised")).to_contain_text("Mother")


def test_the_manager_sets_an_agreed_password_typed_twice(page: Page, hub_database: str) -> None:
    sign_in(page)
    mia = _child_id(hub_database, "Mia")
    page.goto(f"/children/{mia}/password")
    page.fill("#f-password", "blue lighthouse")
    page.fill("#f-password_again", "blue lighthouse")
    page.click("button:has-text('Save the agreed password')")
    expect(page.locator("#password")).to_contain_text("It is never shown.")
    expect(page.locator("body")).not_to_contain_text("blue lighthouse")
    page.goto(f"/children/{mia}")
    screenshot(page, "admin-child.png")


def test_the_manager_issues_and_prints_a_card(page: Page, hub_database: str) -> None:
    sign_in(page)
    page.goto(f"/adults/{_adult_id(hub_database, 'Bob')}")
    page.click("button:has-text('Issue and print a card')")
    expect(page.locator(".qr-card")).to_have_count(1)
    expect(page.locator(".qr-card svg")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".once")).to_be_hidden()
    width = page.locator(".qr-card").bounding_box()["width"]  # type: ignore[index]
    assert 300 < width < 340  # 85.6 mm at 96 dpi is 323 px: a bank-card size
    screenshot(page, "admin-cards-print.png")


def test_an_alert_appears_on_an_open_page_without_a_reload(page: Page, hub_database: str) -> None:
    sign_in(page, "saskia", "acorns-staff")
    page.goto("/today")
    marker = page.evaluate("() => (window.__untouched = 'yes')")
    engine = make_engine(hub_database)
    with session_factory(engine)() as db:
        unknown_card_alert(db, at=datetime.now(UTC), child_id=_child_id(hub_database, "Theo"))
    engine.dispose()
    banner = page.locator("#live-banner")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("An unknown card was shown: Theo Clarke")
    expect(page.locator("#today .alert.high")).to_contain_text("Theo Clarke", timeout=10_000)
    assert page.evaluate("() => window.__untouched") == marker  # the page was never reloaded
    page.goto("/alerts")
    screenshot(page, "admin-alerts.png")


def test_the_register_prints_without_the_menus(page: Page) -> None:
    sign_in(page, "saskia", "acorns-staff")
    page.goto("/register")
    expect(page.locator("table.register tr[data-child]")).to_have_count(14)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("form.filters").first).to_be_hidden()
    expect(page.locator(".print-only").first).to_be_visible()
    screenshot(page, "admin-register.png")


def _child_id(database: str, first_name: str) -> int:
    with session_factory(make_engine(database))() as db:
        return int(db.scalar(select(Child.id).where(Child.first_name == first_name)) or 0)


def _adult_id(database: str, first_name: str) -> int:
    with session_factory(make_engine(database))() as db:
        return int(db.scalar(select(Adult.id).where(Adult.first_name == first_name)) or 0)
