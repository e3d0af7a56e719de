"""Signing in to the office: passwords, roles, sessions, CSRF, rate limits, the first run."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.config import ConfigError, check_secret, load_settings
from admin.security import SESSION_COOKIE
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Staff, WebSession
from tests.admin.conftest import MANAGER, NOW, STAFF, csrf_of, make_app, post_form, sign_in

PAGES_FOR_EVERYONE = ["/today", "/alerts", "/register", "/register.csv"]
MANAGER_PAGES = [
    "/children",
    "/children/1",
    "/children/1/edit",
    "/children/new",
    "/children/1/password",
    "/adults",
    "/adults/1",
    "/adults/new?child=1",
    "/staff",
    "/staff/1",
    "/staff/new",
    "/cards",
    "/kiosks",
    "/audit",
    "/privacy",
    "/settings",
    "/privacy/export/child/1",
]


@pytest.mark.parametrize("url", PAGES_FOR_EVERYONE + MANAGER_PAGES + ["/photos/child/1"])
def test_a_logged_out_visitor_is_sent_to_the_login_page(client: TestClient, url: str) -> None:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    assert "<h1>Sign in</h1>" in response.text
    assert "Adaeze" not in response.text


@pytest.mark.parametrize("url", PAGES_FOR_EVERYONE + MANAGER_PAGES)
def test_every_page_opens_for_the_manager(manager: TestClient, url: str) -> None:
    response = manager.get(url)
    assert response.status_code == 200, response.text[-500:]


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_a_member_of_staff_cannot_open_the_manager_pages(
    staff_client: TestClient, url: str
) -> None:
    response = staff_client.get(url)
    assert response.status_code == 403
    assert "Only the manager" in response.text


def test_a_member_of_staff_cannot_add_an_adult_even_by_posting_the_form(
    staff_client: TestClient,
) -> None:
    token = csrf_of(staff_client.get("/today"))
    response = staff_client.post(
        "/adults/new", data={"csrf_token": token, "first_name": "Eve", "last_name": "Intruder"}
    )
    assert response.status_code == 403
    assert "Eve" not in staff_client.get("/today").text


def test_staff_see_today_the_register_and_alerts_but_not_the_manager_menu(
    staff_client: TestClient,
) -> None:
    page = staff_client.get("/today").text
    assert 'href="/register"' in page and 'href="/alerts"' in page
    assert 'href="/children"' not in page and 'href="/audit"' not in page


def test_a_wrong_password_is_refused_with_a_clear_message(client: TestClient) -> None:
    response = sign_in(client, ("manager", "acorns-wrong"))
    assert response.status_code == 400
    assert "do not match" in response.text
    assert SESSION_COOKIE not in client.cookies


def test_a_form_without_its_csrf_token_is_refused(manager: TestClient) -> None:
    response = manager.post("/kiosks", data={"name": "Back gate"})
    assert response.status_code == 403
    assert "did not come from Handover" in response.text
    assert "Back gate" not in manager.get("/kiosks").text


def test_a_form_with_another_browsers_csrf_token_is_refused(
    app: object, manager: TestClient
) -> None:
    with TestClient(app, base_url="https://testserver") as other:  # type: ignore[arg-type]
        stolen = csrf_of(other.get("/login"))
    response = manager.post("/kiosks", data={"name": "Back gate", "csrf_token": stolen})
    assert response.status_code == 403


def test_five_wrong_passwords_lock_the_username_for_a_while(client: TestClient) -> None:
    for _ in range(5):
        assert sign_in(client, ("saskia", "guess")).status_code == 400
    locked = sign_in(client, STAFF)  # even the right password waits now
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text and "15 minutes" in locked.text


def test_the_session_cookie_is_secure_http_only_and_strict(client: TestClient) -> None:
    response = sign_in(client, MANAGER)
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie


def test_signing_out_ends_the_session_on_the_server(manager: TestClient, database: str) -> None:
    token = manager.cookies[SESSION_COOKIE]
    post_form(manager, "/today", "/logout", {})
    manager.cookies.set(SESSION_COOKIE, token, domain="testserver.local")
    assert manager.get("/today", follow_redirects=True).url.path == "/login"
    with session_factory(make_engine(database))() as db:
        assert db.scalars(select(WebSession)).all() == []


def test_an_idle_session_expires_and_says_so(manager: TestClient, app: object) -> None:
    later = NOW + timedelta(minutes=31)
    app.state.clock = lambda: later  # type: ignore[attr-defined]
    page = manager.get("/today", follow_redirects=True)
    assert page.url.path == "/login"
    assert "signed out after a while without activity" in page.text


def test_every_page_of_a_demo_database_says_it_is_a_demo(client: TestClient) -> None:
    assert "Demo mode" in client.get("/login").text


def test_the_first_run_asks_for_the_manager_account(tmp_path: Path) -> None:
    database = str(tmp_path / "new.db")
    upgrade_to_head(make_engine(database))
    app = make_app(database, demo=False)
    code = app.state.setup_code.code  # what `handover hub` prints (tests/admin/test_first_run.py)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        setup = client.get("/today", follow_redirects=True)
        assert setup.url.path == "/setup" and "Nursery name" in setup.text
        bad = client.post(
            "/setup",
            data={
                "csrf_token": csrf_of(setup),
                "setting_name": "Bluebells",
                "first_name": "Ann",
                "last_name": "Lee",
                "username": "ann",
                "password": "short",
                "password_again": "short",
            },
        )
        assert bad.status_code == 400 and "too short" in bad.text
        assert "Please type it" in bad.text  # no setup code was given
        assert 'value="Bluebells"' in bad.text and 'value="short"' not in bad.text
        done = client.post(
            "/setup",
            data={
                "csrf_token": csrf_of(bad),
                "setup_code": code.lower(),  # as typed from the console, in either case
                "setting_name": "Bluebells",
                "first_name": "Ann",
                "last_name": "Lee",
                "username": "ann",
                "password": "kettle harbour maple",
                "password_again": "kettle harbour maple",
            },
            follow_redirects=True,
        )
        assert done.url.path == "/login" and "Bluebells" in done.text
        assert "Demo mode" not in done.text
        assert sign_in(client, ("ann", "kettle harbour maple")).headers["location"] == "/today"
    with session_factory(make_engine(database))() as db:
        assert db.scalar(select(Staff.role).where(Staff.username == "ann")) == "manager"


def test_a_real_database_will_not_start_without_a_proper_secret(tmp_path: Path) -> None:
    database = str(tmp_path / "real.db")
    with pytest.raises(ConfigError, match="HANDOVER_SECRET_KEY"):
        load_settings(database, env={})
    with pytest.raises(ConfigError, match="default or too short"):
        load_settings(database, env={"HANDOVER_SECRET_KEY": "changeme"})
    key_file = tmp_path / "secret"
    key_file.write_text("k" * 40 + "\n")
    settings = load_settings(database, env={"HANDOVER_SECRET_KEY_FILE": str(key_file)})
    assert settings.secret_key == "k" * 40 and not settings.demo


def test_a_demo_database_may_run_with_a_generated_secret(database: str) -> None:
    settings = load_settings(database, env={})
    assert settings.demo and len(settings.secret_key) >= 32
    assert check_secret(None, demo=True) != check_secret(None, demo=True)


def test_the_hub_command_refuses_a_real_database_without_a_secret_in_one_line(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    handover = str(Path(sys.executable).with_name("handover"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [handover, "hub", "--db", str(tmp_path / "office.db"), "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "HANDOVER_SECRET_KEY" in result.stderr and result.stderr.count("\n") == 1
