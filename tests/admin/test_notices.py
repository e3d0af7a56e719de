"""Parents told by e-mail when who may collect their child changes (issue 17), end to end: a
change made in the panel of a real hub process, a real SMTP server on 127.0.0.1 (aiosmtpd),
on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from admin.office.notices import children_collected_by, parents_of
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Adult, Authorisation, Child, Notice
from db.names import full_name
from db.seed import seed_demo
from tests.admin.conftest import MANAGER, NOW, TODAY, csrf_of
from tests.admin.hub_process import RunningHub, signed_in
from tests.admin.mail_server import MailServer, html_of, text_of, wait_for

FROM = "office@little-acorns.example"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nursery(request: pytest.FixtureRequest, seeded_template: Path, tmp_path: Path) -> str:
    """The demo nursery on either database."""
    if request.param == "sqlite":
        shutil.copy(seeded_template, tmp_path / "hub.db")
        return str(tmp_path / "hub.db")
    url: str = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        seed_demo(db, today=TODAY, now=NOW.replace(hour=7))
        db.commit()
    engine.dispose()
    return url


@pytest.fixture
def sqlite_nursery(seeded_template: Path, tmp_path: Path) -> str:
    shutil.copy(seeded_template, tmp_path / "hub.db")
    return str(tmp_path / "hub.db")


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


def start_hub(url: str, mail: MailServer, tmp_path: Path) -> RunningHub:
    env = {
        "HANDOVER_SMTP_URL": mail.url,
        "HANDOVER_SMTP_FROM": FROM,
        "HANDOVER_SMTP_RETRY_SECONDS": "1",
    }
    return RunningHub(url, tmp_path / "console.log", env=env).start()


@pytest.fixture
def hub_for(tmp_path: Path, mail: MailServer) -> Iterator[list[RunningHub]]:
    """Hubs a test starts (with :func:`started`), stopped however the test ends."""
    started: list[RunningHub] = []
    yield started
    for hub in started:
        hub.stop()


def started(
    hubs: list[RunningHub], url: str, mail: MailServer, tmp_path: Path
) -> tuple[RunningHub, httpx.Client, dict[str, Child], dict[str, Adult]]:
    """A hub sending through ``mail``, its manager signed in, and the nursery's people."""
    hubs.append(start_hub(url, mail, tmp_path))
    children, adults = people(url)
    return hubs[-1], signed_in(hubs[-1], MANAGER), children, adults


def people(url: str) -> tuple[dict[str, Child], dict[str, Adult]]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        children = {full_name(c.first_name, c.last_name): c for c in db.scalars(select(Child))}
        adults = {full_name(a.first_name, a.last_name): a for a in db.scalars(select(Adult))}
        db.expunge_all()
    engine.dispose()
    return children, adults


def post(client: httpx.Client, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    answer = client.post(action, data={**data, "csrf_token": csrf_of(client.get(page))})
    assert answer.status_code == 303, answer.text
    return answer


def authorise(manager: httpx.Client, child: Child, adult: Adult, relationship: str) -> None:
    page = f"/children/{child.id}"
    data = {"adult_id": str(adult.id), "relationship": relationship}
    post(manager, page, f"/children/{child.id}/authorise", data)


def other_children_named(text: str, child: Child, children: dict[str, Child]) -> list[str]:
    """Any other child's name in a notice about ``child``."""
    found = []
    for name, other in children.items():
        if other.id == child.id or other.first_name == child.first_name:
            continue
        if re.search(rf"\b{re.escape(other.first_name)}\b", text) or name in text:
            found.append(name)
    return found


def test_a_new_collector_is_told_to_each_parent_with_who_made_it_and_nothing_else(
    nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    _, manager, children, adults = started(hub_for, nursery, mail, tmp_path)
    theo, bob = children["Theo Clarke"], adults["Bob Hughes"]
    authorise(manager, theo, bob, "Neighbour")

    parents = ["gemma.clarke@example.com", "marcus.clarke@example.com"]
    wait_for(lambda: all(mail.inbox.to(p) for p in parents), what="both parents' notices")
    for address in parents:
        (message,) = mail.inbox.to(address)
        text, html = text_of(message), html_of(message)
        assert (
            message["Subject"] == "A change at Little Acorns Pre-School"
        )  # nothing about the child
        assert message["From"] == FROM
        for body in (text, html):
            assert "Bob Hughes (Neighbour) may now collect Theo." in body
            assert "If you did not ask for this, please call the nursery" in body
            assert "Made in the office by: " in body
            assert re.search(r"When: \w+day \d+ \w+ 20\d\d at \d\d:\d\d", body)
            assert other_children_named(body, theo, children) == []
    assert not [m for m in mail.inbox.messages if m["To"] not in parents]

    page = manager.get("/notices").text
    assert "Sent: <strong>2</strong>" in page
    assert "Bob Hughes (Neighbour) may now collect Theo." in page


def test_the_mail_server_away_for_a_while_then_back_gets_each_notice_once(
    nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    hub, manager, children, adults = started(hub_for, nursery, mail, tmp_path)
    mail.stop()  # the nursery's broadband is down
    post(
        manager,
        f"/children/{children['Amara Osei'].id}",
        f"/children/{children['Amara Osei'].id}/permissions",
        {
            "adult_id": str(adults["Bob Hughes"].id),
            "valid_from": "2026-12-03",
            "valid_to": "2026-12-04",
            "note": "Mum's letter",
        },
    )
    # The page answered at once; the notice waits, tried again and again, with the reason.
    waiting = wait_for(
        lambda: (
            re.search(r'data-status="waiting".*?data-reason>([^<]+)<', _notices(manager), re.S)
            and _tries(manager) >= 2
        ),
        what="a second failed try",
    )
    assert waiting
    assert "Refused" in _notices(manager) or "refused" in _notices(manager)

    mail.start()  # back again
    parents = ["abena.osei@example.com", "kwame.osei@example.com"]
    wait_for(lambda: all(mail.inbox.to(p) for p in parents), what="the notices after the outage")
    wait_for(lambda: "Sent: <strong>2</strong>" in _notices(manager), what="both marked sent")
    hub.stop()  # and a restart sends nothing again
    hub.start()
    time.sleep(4)
    for address in parents:
        (message,) = mail.inbox.to(address)
        assert "Bob Hughes to collect Amara from 3 December 2026 to 4 December 2026" in (
            text_of(message)
        )
    assert len(mail.inbox.messages) == 2


def _notices(manager: httpx.Client) -> str:
    return manager.get("/notices").text


def _tries(manager: httpx.Client) -> int:
    counts = re.findall(r"<td>(\d+)</td>\s*<td class=\"muted\" data-reason>", _notices(manager))
    return max((int(c) for c in counts), default=0)


def test_a_mailbox_the_server_refuses_is_shown_to_the_manager_with_the_servers_reason(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    mail.inbox.refuse["gemma.clarke@example.com"] = "550 5.1.1 gemma.clarke: no such mailbox"
    _, manager, children, _ = started(hub_for, sqlite_nursery, mail, tmp_path)
    theo = children["Theo Clarke"]
    page = f"/children/{theo.id}/password"
    post(manager, page, page, {"password": "blue balloon 7", "password_again": "blue balloon 7"})

    wait_for(lambda: mail.inbox.to("marcus.clarke@example.com"), what="the other parent's notice")
    failed = wait_for(lambda: 'data-status="failed"' in _notices(manager), what="the failure")
    assert failed
    page_text = _notices(manager)
    assert "550 5.1.1 gemma.clarke: no such mailbox" in page_text
    assert "Failed: <strong>1</strong>" in page_text
    assert "The new one is never sent by e-mail." in text_of(
        mail.inbox.to("marcus.clarke@example.com")[0]
    )
    assert "blue balloon" not in str(mail.inbox.messages[0])


def test_a_childminders_new_card_tells_each_family_only_of_their_own_child(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    _, manager, children, _ = started(hub_for, sqlite_nursery, mail, tmp_path)
    minder = _childminder(sqlite_nursery)
    printed = manager.post(
        "/cards/issue",
        data={"holder": f"adult:{minder.id}", "csrf_token": csrf_of(manager.get("/cards"))},
    )
    assert printed.status_code == 200, printed.text

    expected = _parents_by_child(sqlite_nursery, minder)
    total = sum(len(p) for p in expected.values())
    wait_for(lambda: len(mail.inbox.messages) >= total, what=f"{total} notices")
    for child, addresses in expected.items():
        for address in addresses:
            mine = mail.inbox.to(address)
            about = [m for m in mine if f"collect {child.first_name}." in text_of(m)]
            assert len(about) == 1, (address, child.first_name)
            assert other_children_named(text_of(about[0]), child, children) == []
    assert len(mail.inbox.messages) == total


def _childminder(url: str) -> Adult:
    """The adult authorised for children of more than one family."""
    engine = make_engine(url)
    with session_factory(engine)() as db:
        counts: dict[int, set[str]] = {}
        for auth, child in db.execute(
            select(Authorisation, Child).join(Child, Child.id == Authorisation.child_id)
        ):
            counts.setdefault(auth.adult_id, set()).add(child.last_name)
        adult_id = max(counts, key=lambda a: len(counts[a]))
        adult = db.get(Adult, adult_id)
        assert adult is not None and len(counts[adult_id]) >= 2
        db.expunge_all()
    engine.dispose()
    return adult


def _parents_by_child(url: str, collector: Adult) -> dict[Child, list[str]]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        found = {
            child: [p.email or "" for p in parents_of(db, child)]
            for child in children_collected_by(db, db.get(Adult, collector.id))  # type: ignore[arg-type]
        }
        db.expunge_all()
    engine.dispose()
    return found


def test_a_notice_the_hub_stopped_while_sending_is_not_sent_again_and_the_manager_is_told(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    hub, manager, children, adults = started(hub_for, sqlite_nursery, mail, tmp_path)
    authorise(manager, children["Harper Evans"], adults["Bob Hughes"], "Neighbour")
    wait_for(lambda: mail.inbox.to("rhian.evans@example.com"), what="the first notice")
    hub.stop()
    # As if the hub had stopped after the server took the message but before marking it sent.
    engine = make_engine(sqlite_nursery)
    with session_factory(engine)() as db:
        db.execute(update(Notice).values(status="sending"))
        db.commit()
    engine.dispose()
    hub.start()
    manager = signed_in(hub, MANAGER)
    page = wait_for(lambda: 'data-status="failed"' in _notices(manager) and _notices(manager))
    assert "The hub stopped while sending this notice, so it may have arrived" in page
    time.sleep(3)
    assert len(mail.inbox.to("rhian.evans@example.com")) == 1


def test_the_manager_sends_a_test_message_and_sees_the_servers_answer(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    mail.inbox.refuse["nobody@little-acorns.example"] = "550 5.1.1 nobody: no such mailbox"
    _, manager, _, _ = started(hub_for, sqlite_nursery, mail, tmp_path)

    def test_to(address: str) -> httpx.Response:
        token = csrf_of(manager.get("/notices"))
        return manager.post("/notices/test", data={"to": address, "csrf_token": token})

    took = test_to("manager@little-acorns.example")
    assert "The mail server took a test message for manager@little-acorns.example." in took.text
    (message,) = mail.inbox.to("manager@little-acorns.example")
    assert message["Subject"] == "A test message from Little Acorns Pre-School"
    refused = test_to("nobody@little-acorns.example")
    assert "Not sent. The server: 550 5.1.1 nobody: no such mailbox" in refused.text
    mail.stop()
    away = test_to("manager@little-acorns.example")
    assert "Not sent. The server:" in away.text and "efused" in away.text
    assert test_to("not an address").status_code == 400
    assert len(mail.inbox.messages) == 1


def test_a_mail_server_that_never_answers_keeps_no_page_of_the_office_waiting(
    sqlite_nursery: str, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    """A server that takes the connection and then says nothing (a half-dead router): the
    sender waits for it, in its own thread, and the office answers as fast as ever."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections queue up; no greeting ever comes
        mail = MailServer()
        mail.port = silent.getsockname()[1]
        _, manager, children, adults = started(hub_for, sqlite_nursery, mail, tmp_path)
        for name in ("Arlo Bennett", "Harper Evans"):
            began = time.monotonic()
            authorise(manager, children[name], adults["Bob Hughes"], "Neighbour")
            assert time.monotonic() - began < 3
        began = time.monotonic()
        assert manager.get("/today").status_code == 200
        assert manager.get("/notices").status_code == 200
        assert time.monotonic() - began < 3
        assert 'data-status="sent"' not in manager.get("/notices").text
