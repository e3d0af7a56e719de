"""A hub that bad traffic cannot wear down (issue 14.3), tried against a real ``handover hub``
process on SQLite and PostgreSQL: oversized and endless bodies, JSON a thousand levels deep, a
stranger guessing passwords, a database locked by another writer, and cells that a spreadsheet
would run as formulas."""

from __future__ import annotations

import csv
import io
import socket
import sqlite3
import ssl
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, select, text, update

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Adult, Child, LoginAttempt
from tests.admin.conftest import MANAGER, STAFF, csrf_of
from tests.admin.hub_process import RunningHub, pair_kiosk, seed_demo_for_today, signed_in
from tests.admin.nursery_day import morning

FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hub(database_url: str, tmp_path: Path) -> Iterator[RunningHub]:
    seed_demo_for_today(database_url)
    running = RunningHub(database_url, tmp_path / "console.log").start()
    yield running
    running.stop()


def _raw(hub: RunningHub, head: str, body: bytes = b"", *, pieces: int = 1) -> bytes:
    """Sends a request by hand over the hub's TLS (httpx would send the whole body before
    reading), then reads whatever the hub answers; a hub that refuses early may close before
    the body is sent."""
    parts = urlsplit(hub.url)
    context = hub.verify if isinstance(hub.verify, ssl.SSLContext) else ssl.create_default_context()
    address = (parts.hostname, parts.port)
    with (
        socket.create_connection(address, timeout=30) as plain,
        context.wrap_socket(plain, server_hostname=parts.hostname) as conn,
    ):
        conn.sendall(head.encode())
        try:
            for _ in range(pieces):
                conn.sendall(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except (ConnectionResetError, ssl.SSLError):
            pass
    return answer


def test_an_anonymous_200_mb_upload_to_login_is_refused_on_its_declared_length(
    hub: RunningHub,
) -> None:
    head = (
        "POST /login HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {200 * 1024 * 1024}\r\n\r\n"
    )
    answer = _raw(hub, head, b"username=" + b"a" * 65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"The request is over 256 kB." in answer and b"text/html" in answer


def test_an_endless_chunked_body_is_cut_off_once_it_passes_the_limit(hub: RunningHub) -> None:
    head = (
        "POST /login HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"  # 64 kB at a time, never a last chunk
    answer = _raw(hub, head, chunk, pieces=64)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_signed_in_staff_may_still_send_a_photo_bigger_than_any_form(hub: RunningHub) -> None:
    manager = signed_in(hub, MANAGER)
    page = manager.get("/children/new")
    photo = {"photo": ("big.jpg", _jpeg(1_500_000), "image/jpeg")}
    form = {
        "first_name": "Ayşe",
        "last_name": "Kaya",
        "date_of_birth": "2023-04-02",
        "started_on": "2026-09-01",
        "csrf_token": csrf_of(page),
    }
    answer = manager.post("/children/new", data=form, files=photo)
    assert answer.status_code != 413, answer.text[:300]
    anonymous = hub.client().post("/children/new", data=form, files=photo)
    assert anonymous.status_code == 413


def _jpeg(size: int) -> bytes:
    from PIL import Image

    noise = Image.effect_noise((1600, 1600), 120).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=98)
    data = out.getvalue()
    assert len(data) > size // 2
    return data


def test_json_a_thousand_levels_deep_gets_a_clear_refusal_not_a_500(hub: RunningHub) -> None:
    manager = signed_in(hub, MANAGER)
    kiosk = pair_kiosk(hub, manager, "Front door")
    deep = b"[" * 1000 + b"]" * 1000
    for path, headers in (
        ("/api/v1/events", {"Authorization": f"Bearer {kiosk.token}"}),
        ("/api/v1/pair", {}),
    ):
        answer = hub.client().post(
            path,
            content=deep,
            headers={**headers, "Content-Type": "application/json"},
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "too_deep"
    assert "Traceback" not in hub.output()


def _client_from(hub: RunningHub, address: str) -> httpx.Client:
    """A browser on another machine of the nursery's network: any 127.x address is this
    machine's loopback, and the hub sees it as the client's address."""
    transport = httpx.HTTPTransport(local_address=address, verify=hub.verify)
    return httpx.Client(base_url=hub.url, timeout=30, transport=transport)


def _try(browser: httpx.Client, who: tuple[str, str]) -> httpx.Response:
    form = {"username": who[0], "password": who[1], "next": "/today"}
    return browser.post("/login", data={**form, "csrf_token": csrf_of(browser.get("/login"))})


def _attempts(hub: RunningHub) -> int:
    engine = make_engine(hub.database)
    with session_factory(engine)() as db:
        count = len(db.scalars(select(LoginAttempt.id)).all())
    engine.dispose()
    return count


def test_a_stranger_guessing_cannot_lock_the_manager_out_of_her_own_computer(
    hub: RunningHub,
) -> None:
    office_pc = _client_from(hub, "127.0.0.1")
    assert _try(office_pc, MANAGER).status_code == 303  # she has signed in here before
    office_pc.post("/logout", data={"csrf_token": csrf_of(office_pc.get("/today"))})
    stranger = _client_from(hub, "127.0.0.2")
    for _ in range(5):
        assert _try(stranger, (MANAGER[0], "guess")).status_code == 400
    before = _attempts(hub)
    refused = _try(stranger, MANAGER)  # even the right password, from a stranger's browser
    assert (
        refused.status_code == 429 and "Too many failed attempts for this username" in refused.text
    )
    assert _attempts(hub) == before  # refused before any password check: nothing recorded
    assert _try(_client_from(hub, "127.0.0.3"), MANAGER).status_code == 429  # a new browser
    assert _try(office_pc, MANAGER).status_code == 303  # her own computer still signs her in


def test_one_address_cannot_try_a_password_against_every_username(hub: RunningHub) -> None:
    sprayer = _client_from(hub, "127.0.0.4")
    for n in range(20):
        assert _try(sprayer, (f"someone{n}", "Summer2026!")).status_code == 400
    refused = _try(sprayer, STAFF)
    assert refused.status_code == 429 and "from this computer" in refused.text
    assert _try(_client_from(hub, "127.0.0.5"), STAFF).status_code == 303


@contextmanager
def _locked(database: str) -> Iterator[None]:
    """Another writer holds the database: SQLite's write lock, or PostgreSQL's strongest lock
    on the tables a login and a push write."""
    if database.startswith("postgresql"):
        engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE login_attempts, events IN ACCESS EXCLUSIVE MODE"))
            yield
            conn.rollback()
        engine.dispose()
        return
    writer = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_busy_database_answers_503_with_retry_after_never_a_500(hub: RunningHub) -> None:
    manager = signed_in(hub, MANAGER)
    kiosk = pair_kiosk(hub, manager, "Front door")
    browser = hub.client()
    csrf = csrf_of(browser.get("/login"))
    event = {
        "uuid": "6f7d1c2e-1111-4c3b-9a55-0c4f7b0b2a11",
        "type": "visitor_signed_in",
        "occurred_at": utc_now().isoformat(),
        "device": "front-door",
        "payload": {"name": "Gas engineer"},
    }
    with _locked(hub.database):
        login = browser.post(
            "/login", data={"username": "manager", "password": "x", "csrf_token": csrf}
        )
        push = hub.client().post(
            "/api/v1/events",
            json={"events": kiosk.door.signed_json(event)},
            headers={"Authorization": f"Bearer {kiosk.token}"},
            timeout=30,
        )
    assert login.status_code == 503 and login.headers["retry-after"] == "5"
    assert "busy for a moment" in login.text
    assert push.status_code == 503 and push.headers["retry-after"] == "5"
    assert push.json()["code"] == "database_busy"
    assert "Traceback" not in hub.output()


def test_every_csv_the_hub_writes_neutralises_formulas(hub: RunningHub) -> None:
    engine = make_engine(hub.database)
    with session_factory(engine)() as db:
        morning(db, start=utc_now() - timedelta(minutes=90))
        child = db.scalars(select(Child).order_by(Child.id)).first()
        assert child is not None
        db.execute(update(Child).where(Child.id == child.id).values(first_name="\t=1+2"))
        db.execute(update(Child).where(Child.id == child.id).values(last_name="\r@SUM(A1)"))
        db.execute(update(Adult).values(last_name="-2+3"))
        db.commit()
        child_id = child.id
    engine.dispose()
    manager = signed_in(hub, MANAGER)
    day = manager.get("/register").text
    assert day  # the page renders with the odd names
    texts = [
        manager.get("/register.csv").text,
        manager.get("/register/hours.csv").text,
        manager.get("/children/export.csv").text,
        zipfile.ZipFile(io.BytesIO(manager.get(f"/privacy/export/child/{child_id}").content))
        .read("events.csv")
        .decode("utf-8-sig"),
    ]
    cells = [c for t in texts for row in csv.reader(io.StringIO(t.lstrip("\ufeff"))) for c in row]
    assert "'\t=1+2" in cells or "'\r@SUM(A1)" in cells
    assert not [c for c in cells if c.startswith(FORMULA)]


def _made_up(n: int) -> dict[str, object]:
    return {
        "uuid": f"00000000-0000-4000-8000-{n:012d}",
        "type": "made_up_kind",
        "occurred_at": utc_now().isoformat(),
        "device": "front-door",
        "payload": {"junk": "x" * 3000},
    }


def test_a_kiosk_token_cannot_flood_the_hub_and_the_office_is_told(hub: RunningHub) -> None:
    manager = signed_in(hub, MANAGER)
    kiosk = pair_kiosk(hub, manager, "Front door")
    bearer = {"Authorization": f"Bearer {kiosk.token}"}
    answers = [
        hub.client().post(
            "/api/v1/events",
            json={"events": kiosk.door.signed_json(*(_made_up(b * 100 + n) for n in range(100)))},
            headers=bearer,
            timeout=30,
        )
        for b in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429, 429]
    refused = answers[2]
    assert refused.json()["code"] == "quota_exceeded" and int(refused.headers["retry-after"]) > 0
    assert "kinds this office does not know" in refused.json()["message"]
    history = manager.get("/alerts").text.split("<tr data-history")[1:]
    flood = [row for row in history if "A kiosk sent far more than a door ever does" in row]
    assert len(flood) == 1 and "Front door" in flood[0]  # one alert an hour, not one a push
    honest = {**_made_up(999), "type": "visitor_signed_in", "payload": {"name": "Gas engineer"}}
    accepted = hub.client().post(
        "/api/v1/events",
        json={"events": kiosk.door.signed_json(honest)},
        headers=bearer,
        timeout=30,
    )
    assert accepted.status_code == 200  # known kinds still flow: the door keeps working
