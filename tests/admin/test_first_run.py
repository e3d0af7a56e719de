"""A new hub's one-time setup code, against ``handover hub`` in its own process: the first
anonymous visitor on the nursery's network must not become the manager."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select

from admin.first_run import SETUP_TRIES
from db.engine import make_engine, session_factory
from db.models import Staff
from tests.admin.conftest import csrf_of
from tests.admin.hub_process import RunningHub
from tests.admin.test_browser import ARGS, CHROMIUM, screenshot

MANAGER = {
    "setting_name": "Bluebells Pre-School",
    "first_name": "Ann",
    "last_name": "Lee",
    "username": "ann",
    "password": "kettle harbour maple",
    "password_again": "kettle harbour maple",
}


@pytest.fixture
def new_hub(tmp_path: Path) -> Iterator[RunningHub]:
    hub = RunningHub(str(tmp_path / "bluebells.db"), tmp_path / "console.log").start()
    yield hub
    hub.stop()


def _set_up(client: httpx.Client, code: str | None) -> httpx.Response:
    form = {**MANAGER, "csrf_token": csrf_of(client.get("/setup"))}
    if code is not None:
        form["setup_code"] = code
    return client.post("/setup", data=form)


def _managers(database: str) -> int:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        count = db.scalar(select(func.count()).select_from(Staff).where(Staff.role == "manager"))
    engine.dispose()
    return int(count or 0)


def test_a_new_hub_prints_a_setup_code_and_nobody_becomes_manager_without_it(
    new_hub: RunningHub,
) -> None:
    [code] = new_hub.setup_codes()
    assert len(new_hub.log_lines("setup_code_issued")) == 1
    assert code not in "\n".join(new_hub.log_lines("setup_code_issued"))
    with new_hub.client() as client:
        page = client.get("/setup")
        assert "Setup code" in page.text
        refused = _set_up(client, None)
        assert refused.status_code == 400 and "Please type it" in refused.text
        assert 'value="Bluebells Pre-School"' in refused.text  # what was typed is kept
    assert _managers(new_hub.database) == 0


def test_wrong_setup_codes_are_counted_and_then_even_the_right_one_must_wait(
    new_hub: RunningHub,
) -> None:
    [code] = new_hub.setup_codes()
    with new_hub.client() as client:
        for left in range(SETUP_TRIES - 1, -1, -1):
            wrong = _set_up(client, "ABCD-EFGH-JKLM")
            assert wrong.status_code == 400 and f"Tries left: {left}." in wrong.text
        locked = _set_up(client, code)
        assert locked.status_code == 429 and "Too many wrong setup codes" in locked.text
    assert _managers(new_hub.database) == 0
    assert len(new_hub.log_lines("setup_code_refused")) == SETUP_TRIES + 1


def test_a_restart_prints_a_new_code_and_the_code_stops_working_once_the_manager_exists(
    new_hub: RunningHub,
) -> None:
    new_hub.stop()
    new_hub.start()
    first, second = new_hub.setup_codes()
    assert first != second
    with new_hub.client() as client:
        assert _set_up(client, first).status_code == 400  # the old process's code is gone
        made = _set_up(client, second.lower().replace("-", " "))
        assert made.status_code == 303 and made.headers["location"] == "/login?next=/welcome"
        token = csrf_of(client.get("/login"))  # /setup itself now sends people to /login
        again = client.post(
            "/setup", data={**MANAGER, "username": "eve", "csrf_token": token, "setup_code": second}
        )
        assert again.status_code == 303 and again.headers["location"] == "/login"
        assert client.get("/setup").headers["location"] == "/login"
    assert _managers(new_hub.database) == 1
    [created] = new_hub.log_lines("first_manager_created")
    assert "Ann" not in created and "ann" not in created.split("event=")[1]
    new_hub.stop()
    new_hub.start()
    assert len(new_hub.setup_codes()) == 2  # a hub with a manager prints no code


def test_the_demo_opens_at_the_login_page_with_no_setup_code(database: str, tmp_path: Path) -> None:
    hub = RunningHub(database, tmp_path / "console.log").start()
    try:
        with hub.client() as client:
            assert client.get("/setup").headers["location"] == "/login"
            assert client.get("/login").status_code == 200
        assert hub.setup_codes() == [] and hub.log_lines("setup_code_issued") == []
    finally:
        hub.stop()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_the_manager_makes_their_account_in_a_browser_with_the_code_from_the_console(
    new_hub: RunningHub,
) -> None:
    [code] = new_hub.setup_codes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(
                base_url=new_hub.url,
                viewport={"width": 1280, "height": 860},
                ignore_https_errors=True,  # the office's CA is trusted by hand (README)
            )
            page.set_default_timeout(15_000)
            page.goto("/today")
            expect(page.locator("h1")).to_have_text("Welcome to Handover")
            for field, value in MANAGER.items():
                page.fill(f"#f-{field}", value)
            page.fill("#f-setup_code", "WXYZ-2345-6789")
            page.click("button:has-text('Create the manager account')")
            expect(page.locator("#e-setup_code")).to_contain_text("not the setup code")
            expect(page.locator("#f-first_name")).to_have_value("Ann")
            screenshot(page, "admin-setup.png")
            page.set_viewport_size({"width": 390, "height": 844})
            screenshot(page, "admin-setup-phone.png")
            page.fill("#f-setup_code", code)
            page.fill("#f-password", MANAGER["password"])
            page.fill("#f-password_again", MANAGER["password"])
            page.click("button:has-text('Create the manager account')")
            page.wait_for_url("**/login?next=/welcome")
            page.fill("#f-username", "ann")
            page.fill("#f-password", MANAGER["password"])
            page.click("button:has-text('Sign in')")
            page.wait_for_url("**/welcome")
            expect(page.locator("body")).to_contain_text("Bluebells Pre-School")
        finally:
            browser.close()
