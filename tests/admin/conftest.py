"""The office under test: a demo nursery seeded once per test process, copied for each test,
served in-process and spoken to over HTTPS (the cookies are Secure)."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from admin.app import create_app
from admin.config import HubSettings
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.seed import seed_demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.admin.hub_process import RunningHub

# Monday 23 November 2026: the demo is seeded for this day, and the office's clock reads 10:00.
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SECRET = "a-test-secret-that-is-long-enough-for-the-hub-0123456789"
MANAGER = ("manager", "acorns-manager")
STAFF = ("saskia", "acorns-staff")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _seed(path: Path) -> None:
    engine = make_engine(str(path))
    upgrade_to_head(engine)
    with session_factory(engine)() as session:
        seed_demo(session, today=TODAY, now=NOW.replace(hour=7))
        session.commit()
    engine.dispose()


@pytest.fixture
def demo_on_postgres(postgres_url: str) -> str:
    """The demo nursery seeded into this test's PostgreSQL database, for the same office
    stories on the other backend."""
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    with session_factory(engine)() as session:
        seed_demo(session, today=TODAY, now=NOW.replace(hour=7))
        session.commit()
    engine.dispose()
    return postgres_url


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeded once for the whole run: the first xdist worker seeds, the others wait for it
    (seeding draws avatars and makes twenty bcrypt hashes: several seconds)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = shared / "little-acorns-template.db"
    lock = shared / "little-acorns-template.lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        deadline = time.monotonic() + 120
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.exists(), "another test process failed to seed the demo nursery"
        return path
    os.close(fd)
    building = shared / "little-acorns-template.building.db"
    _seed(building)
    building.rename(path)  # appears whole, never half-written
    return path


@pytest.fixture
def database(seeded_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "hub.db"
    shutil.copy(seeded_template, copy)
    return str(copy)


def make_app(database: str, *, demo: bool = True) -> FastAPI:
    settings = HubSettings(database_url=database, secret_key=SECRET, demo=demo)
    return create_app(settings, clock=lambda: NOW)


@pytest.fixture
def demo_hub(seeded_template: Path, tmp_path: Path) -> Iterator[RunningHub]:
    """``handover hub`` in its own process on a copy of the demo nursery, before any arrival."""
    from tests.admin.hub_process import RunningHub  # it reads this module's helpers

    shutil.copy(seeded_template, tmp_path / "hub.db")
    hub = RunningHub(str(tmp_path / "hub.db"), tmp_path / "console.log").start()
    yield hub
    hub.stop()


@pytest.fixture
def manager_page(demo_hub: RunningHub) -> Iterator[Page]:
    """Real Chromium, signed in as the manager of ``demo_hub``, at an office screen's size."""
    from playwright.sync_api import sync_playwright

    from tests.admin.test_browser import ARGS, CHROMIUM, sign_in

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(
            base_url=demo_hub.url, viewport={"width": 1280, "height": 860}, ignore_https_errors=True
        )
        page.set_default_timeout(15_000)
        sign_in(page)
        yield page
        browser.close()


@pytest.fixture
def app(database: str) -> FastAPI:
    return make_app(database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def csrf_of(page: Response) -> str:
    match = _CSRF.search(page.text)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, who: tuple[str, str]) -> Response:
    page = client.get("/login")
    response: Response = client.post(
        "/login",
        data={
            "username": who[0],
            "password": who[1],
            "csrf_token": csrf_of(page),
            "next": "/today",
        },
    )
    return response


def post_form(
    client: TestClient,
    page_url: str,
    action: str,
    data: Mapping[str, object],
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> Response:
    """Opens a page as a person would, then submits one of its forms with its CSRF token."""
    token = csrf_of(client.get(page_url))
    response: Response = client.post(action, data={"csrf_token": token, **data}, files=files)
    return response


@pytest.fixture
def manager(client: TestClient) -> TestClient:
    assert sign_in(client, MANAGER).status_code == 303
    return client


@pytest.fixture
def staff_client(client: TestClient) -> TestClient:
    assert sign_in(client, STAFF).status_code == 303
    return client
