"""Helpers for the parents' page stories: a hub with the page on, sending through a real SMTP
server, a few days of a child's register, and a parent signing in with the code they were sent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.events import append_events
from db.models import Child, ChildBooking, NurserySession
from db.vocabulary import EventType
from tests.admin.conftest import csrf_of
from tests.admin.hub_process import RunningHub
from tests.admin.mail_server import MailServer, text_of, wait_for
from tests.admin.nursery_day import event

FROM = "office@little-acorns.example"
GEMMA = "gemma.clarke@example.com"  # Theo Clarke's mother, with parental responsibility
CODE = re.compile(r"\b(\d{6})\b")  # the only six digits in the mail, in any language


def start_family_hub(url: str, mail: MailServer, tmp_path: Path, *, on: bool = True) -> RunningHub:
    env = {
        "HANDOVER_SMTP_URL": mail.url,
        "HANDOVER_SMTP_FROM": FROM,
        "HANDOVER_SMTP_RETRY_SECONDS": "1",
    }
    if on:
        env["HANDOVER_PARENTS_PAGE"] = "1"
    return RunningHub(url, tmp_path / "console.log", env=env).start()


def recent_days(url: str, child: Child, brought_by: int, collected_by: int, days: int = 3) -> None:
    """The child came on each of the last ``days`` days, 08:00 to 15:30 UTC, as the door
    records it (the hub's clock is the real one, so the register is read from now)."""
    engine = make_engine(url)
    today = utc_now().replace(hour=8, minute=0, second=0, microsecond=0)
    records = []
    for back in range(1, days + 1):
        start: datetime = today - timedelta(days=back)
        records += [
            event(EventType.CHILD_ARRIVED, start, child_id=child.id, adult_id=brought_by),
            event(
                EventType.CHILD_COLLECTED,
                start + timedelta(hours=7, minutes=30),
                child_id=child.id,
                adult_id=collected_by,
            ),
        ]
    with session_factory(engine)() as db:
        append_events(db, records)
        db.commit()
    engine.dispose()


def ask_for_code(client: httpx.Client, email: str) -> httpx.Response:
    page = client.get("/family")
    return client.post("/family/code", data={"email": email, "csrf_token": csrf_of(page)})


def code_sent_to(mail: MailServer, address: str, count: int = 1) -> str:
    messages = wait_for(
        lambda: len(mail.inbox.to(address)) >= count and mail.inbox.to(address),
        what=f"a code for {address}",
    )
    found = CODE.search(text_of(messages[count - 1]))
    assert found, text_of(messages[count - 1])
    return found[1]


def enter_code(
    client: httpx.Client, form_page: httpx.Response, email: str, code: str
) -> httpx.Response:
    data = {"email": email, "code": code, "csrf_token": csrf_of(form_page)}
    return client.post("/family/sign-in", data=data)


def signed_in_parent(hub: RunningHub, mail: MailServer, email: str, count: int = 1) -> httpx.Client:
    client = hub.client()
    form_page = ask_for_code(client, email)
    assert form_page.status_code == 200, form_page.text
    answer = enter_code(client, form_page, email, code_sent_to(mail, email, count))
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def hubs() -> Iterator[list[RunningHub]]:
    """Hubs a test starts, stopped however the test ends."""
    started: list[RunningHub] = []
    yield started
    for hub in started:
        hub.stop()


def stored(url: str, model: type[Any], *where: Any, **equal: object) -> list[Any]:
    """The rows of ``model`` as the hub left them in its database."""
    engine = make_engine(url)
    with session_factory(engine)() as db:
        rows = list(db.scalars(select(model).where(*where).filter_by(**equal)))
        db.expunge_all()
    engine.dispose()
    return rows


def book_every_day_from_midnight(url: str, child_id: int) -> None:
    """The child booked every day into a session from 00:00, so that, whatever the time the
    test runs, they are "not yet arrived" today unless an absence is recorded."""
    engine = make_engine(url)
    with session_factory(engine)() as db:
        early = NurserySession(name="Early bird", starts_at=time(0, 0), ends_at=time(23, 0))
        db.add(early)
        db.flush()
        db.add_all(
            ChildBooking(child_id=child_id, weekday=d, session_id=early.id) for d in range(7)
        )
        db.commit()
    engine.dispose()
