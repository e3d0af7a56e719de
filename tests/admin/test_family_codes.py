"""The parents' page's codes and sessions against the office app with a clock the test moves:
a code runs out after ten minutes and five wrong tries, codes are limited per address and per
computer, a parent's session ends after half an hour idle, and neither kind of cookie opens
the other kind of page. The code is read from the queued e-mail, as the parent would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from admin.app import create_app
from admin.config import HubSettings
from db.engine import session_factory
from db.models import FamilyCode, Notice
from tests.admin.conftest import MANAGER, NOW, SECRET, csrf_of, sign_in

GEMMA = "gemma.clarke@example.com"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def family(database: str, clock: Clock) -> Iterator[TestClient]:
    settings = HubSettings(database_url=database, secret_key=SECRET, demo=True, parents_page=True)
    app = create_app(settings, clock=clock)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def _ask(client: TestClient, email: str = GEMMA) -> Response:
    page = client.get("/family")
    answer: Response = client.post(
        "/family/code", data={"email": email, "csrf_token": csrf_of(page)}
    )
    return answer


def _last_code(client: TestClient, email: str = GEMMA) -> str:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with session_factory(engine)() as db:
        notice = db.scalars(
            select(Notice).where(Notice.to_address == email).order_by(Notice.id.desc())
        ).first()
    assert notice is not None, "no code was queued"
    found = re.search(r"\bis (\d{6})\.", notice.text_body)
    assert found
    return found[1]


def _enter(client: TestClient, code: str, email: str = GEMMA) -> Response:
    page = client.get("/family")
    data = {"email": email, "code": code, "csrf_token": csrf_of(page)}
    answer: Response = client.post("/family/sign-in", data=data)
    return answer


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_works_once_and_not_after_ten_minutes(family: TestClient, clock: Clock) -> None:
    _ask(family)
    code = _last_code(family)
    clock.now += timedelta(minutes=10, seconds=1)
    late = _enter(family, code)
    assert late.status_code == 400 and "run out" in late.text
    _ask(family)
    fresh = _last_code(family)
    assert _enter(family, fresh).status_code == 303
    family.cookies.clear()
    assert _enter(family, fresh).status_code == 400  # never twice


def test_five_wrong_tries_use_a_code_up(family: TestClient) -> None:
    _ask(family)
    code = _last_code(family)
    for _ in range(5):
        assert _enter(family, _wrong(code)).status_code == 400
    assert _enter(family, code).status_code == 400


def test_codes_are_limited_per_address_and_per_computer(family: TestClient, clock: Clock) -> None:
    for _ in range(3):
        assert _ask(family).status_code == 200
    refused = _ask(family)
    assert refused.status_code == 429
    assert "Too many codes" in refused.text
    # Someone sweeping a list of addresses from one computer is stopped too.
    answers = [_ask(family, f"guess{n}@example.com").status_code for n in range(8)]
    assert answers.count(429) >= 1
    clock.now += timedelta(minutes=16)
    assert _ask(family).status_code == 200
    engine = family.app.state.engine  # type: ignore[attr-defined]
    with session_factory(engine)() as db:
        stored = db.scalars(select(FamilyCode.code_hash)).all()
    assert stored and all(len(h) == 64 for h in stored)  # kept hashed, never the digits


def test_a_parent_is_signed_out_after_half_an_hour_idle(family: TestClient, clock: Clock) -> None:
    _ask(family)
    assert _enter(family, _last_code(family)).status_code == 303
    assert "data-children" in family.get("/family").text
    clock.now += timedelta(minutes=29)
    assert "data-children" in family.get("/family").text
    clock.now += timedelta(minutes=31)
    assert "data-children" not in family.get("/family").text


def test_a_staff_cookie_opens_no_parents_page_and_a_parents_cookie_no_office_page(
    family: TestClient,
) -> None:
    assert sign_in(family, MANAGER).status_code == 303
    assert "data-children" not in family.get("/family").text
    assert family.get("/family/children/1").status_code == 303
    family.cookies.clear()
    _ask(family)
    assert _enter(family, _last_code(family)).status_code == 303
    assert family.get("/today").status_code == 303  # to the office's login


def test_the_page_answers_404_when_turned_off(database: str) -> None:
    settings = HubSettings(database_url=database, secret_key=SECRET, demo=True)
    app = create_app(settings, clock=lambda: NOW)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        for path in ("/family", "/family/children/1"):
            assert client.get(path).status_code == 404
        for path in ("/family/code", "/family/sign-in", "/family/sign-out"):
            assert client.post(path, data={"email": GEMMA}).status_code == 404


def test_a_code_that_ran_out_is_neither_sent_late_nor_kept(
    family: TestClient, clock: Clock
) -> None:
    _ask(family)  # no mail server here: the code waits in the queue
    code = _last_code(family)
    clock.now += timedelta(minutes=11)
    _ask(family)
    engine = family.app.state.engine  # type: ignore[attr-defined]
    with session_factory(engine)() as db:
        first = db.scalars(select(Notice).order_by(Notice.id)).all()[-2]
    assert first.status == "failed" and "ran out" in first.last_error
    assert code not in first.text_body and code not in first.html_body
    assert _enter(family, _last_code(family)).status_code == 303
