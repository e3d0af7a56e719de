"""Parents in the loop by e-mail (issue 17): the mail server set in Settings with a test
message, the script's settings winning, arrivals, departures and late collections to the
carers who opted in and in their language, and a card e-mailed to a carer's phone that the
door refuses once revoked. A real hub process, a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import io
import re
import stat
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import zxingcpp
from babel.messages.pofile import read_po
from PIL import Image
from sqlalchemy import select

from admin.notice_language import LANGUAGES, notice_messages
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Adult, AuditEntry, Notice
from db.timeline import EventRecord
from db.vocabulary import EventType, Reason
from kiosk.door.decisions import CardHolder, Refused
from kiosk.service import KioskService
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient
from tests.admin import test_notices as shared
from tests.admin.conftest import MANAGER, csrf_of
from tests.admin.hub_process import RunningHub, pair_kiosk, register_kiosk, signed_in
from tests.admin.mail_server import MailServer, html_of, text_of, wait_for
from tests.admin.test_notices import FROM, authorise, people, post, start_hub, started
from tests.sync.events import Door, pair_door

ADMIN = Path(__file__).parents[2] / "admin"
# The notices' fixtures: a seeded nursery (both databases), the SMTP server, the hubs started.
nursery, sqlite_nursery, mail, hub_for = (
    shared.nursery,
    shared.sqlite_nursery,
    shared.mail,
    shared.hub_for,
)


def _no_env_hub(url: str, tmp_path: Path, hubs: list[RunningHub]) -> RunningHub:
    hubs.append(RunningHub(url, tmp_path / "console.log").start())
    return hubs[-1]


def _save_mail(manager: httpx.Client, **fields: str) -> httpx.Response:
    data = {"csrf_token": csrf_of(manager.get("/settings/mail")), **fields}
    return manager.post("/settings/mail", data=data)


def _test_to(manager: httpx.Client, address: str) -> str:
    token = csrf_of(manager.get("/settings/mail"))
    return manager.post("/settings/mail/test", data={"to": address, "csrf_token": token}).text


def _result(page: str) -> str:
    found = re.search(r"data-test-result=\"[^\"]+\"[^>]*>([^<]+)<", page)
    assert found, page
    return found[1].replace("&#39;", "'")


def test_the_mail_server_set_in_settings_answers_a_test_message_in_words_and_keeps_its_password(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    hub = _no_env_hub(sqlite_nursery, tmp_path, hub_for)
    manager = signed_in(hub, MANAGER)
    assert "No mail server is set up" in manager.get("/settings/mail").text
    host = {"host": "127.0.0.1", "port": str(mail.port), "tls": "none", "sender": FROM}

    bad = _save_mail(manager, **host | {"host": "smtp://x", "port": "0", "sender": "office"})
    assert bad.status_code == 400
    assert "Just the server's name" in bad.text.replace("&#39;", "'")
    assert "from 1 to 65535" in bad.text and "One e-mail address" in bad.text

    saved = _save_mail(manager, **host, user="office", password="s3cret-Pa55")
    assert saved.status_code == 303
    page = manager.get("/settings/mail").text
    assert "s3cret-Pa55" not in page and "A password is stored" in page
    secret = tmp_path / "smtp-password"
    assert secret.read_text() == "s3cret-Pa55"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    # This server offers no sign-in: the manager reads why, not a traceback.
    said = _result(_test_to(manager, "manager@little-acorns.example"))
    assert said.startswith("Not sent. The server at 127.0.0.1:") and "does not offer" in said

    assert _save_mail(manager, **host, user="", forget_password="on").status_code == 303
    assert not secret.exists()
    said = _result(_test_to(manager, "manager@little-acorns.example"))
    assert re.fullmatch(
        r"The server at 127\.0\.0\.1:\d+ took the test message and answered: 250 .+", said
    )
    (message,) = mail.inbox.to("manager@little-acorns.example")
    assert message["From"] == FROM
    mail.stop()
    said = _result(_test_to(manager, "manager@little-acorns.example"))
    assert "Nothing answers at 127.0.0.1:" in said and "connection refused" in said
    _assert_audited_without_password(sqlite_nursery)


def test_notices_queued_before_any_mail_server_go_once_one_is_set_in_settings(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    hub = _no_env_hub(sqlite_nursery, tmp_path, hub_for)
    manager = signed_in(hub, MANAGER)
    children, adults = people(sqlite_nursery)
    authorise(manager, children["Theo Clarke"], adults["Bob Hughes"], "Neighbour")
    assert "Waiting: <strong>2</strong>" in manager.get("/notices").text
    host = {"host": "127.0.0.1", "port": str(mail.port), "tls": "none", "sender": FROM}
    assert _save_mail(manager, **host).status_code == 303
    parents = ["gemma.clarke@example.com", "marcus.clarke@example.com"]
    wait_for(lambda: all(mail.inbox.to(p) for p in parents), what="the waiting notices")
    wait_for(lambda: "Sent: <strong>2</strong>" in manager.get("/notices").text, what="marked sent")


def _assert_audited_without_password(url: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        rows = db.scalars(select(AuditEntry).where(AuditEntry.entity == "mail_settings")).all()
    engine.dispose()
    assert len(rows) == 2 and all("s3cret" not in str(r.changes) for r in rows)


def test_a_mail_server_set_by_the_start_up_script_wins_and_the_page_says_so(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    other = MailServer().start()  # what the form names: not used while the script's is set
    try:
        hub_for.append(start_hub(sqlite_nursery, mail, tmp_path))
        manager = signed_in(hub_for[-1], MANAGER)
        fields = {"host": "127.0.0.1", "port": str(other.port), "tls": "none", "sender": FROM}
        assert _save_mail(manager, **fields).status_code == 303
        page = manager.get("/settings/mail").text
        assert 'data-mail-in-use="environment"' in page
        assert "Set by the hub’s start-up script" in page
        assert f"127.0.0.1:{mail.port}" in page
        assert "took the test message" in _result(_test_to(manager, "head@acorns.example"))
        assert mail.inbox.to("head@acorns.example") and not other.inbox.messages
    finally:
        other.stop()


# --- arrivals, departures and late collections, to the carers who opted in -------------------


def _opt_in(manager: httpx.Client, adult: Adult, *, language: str, late: bool) -> None:
    form = {
        "first_name": adult.first_name,
        "last_name": adult.last_name,
        "date_of_birth": adult.date_of_birth.isoformat() if adult.date_of_birth else "",
        "confirmed_adult": "on" if adult.confirmed_adult else "",
        "phone": adult.phone or "",
        "email": adult.email or "",
        "language": language,
        "notices_shown": "1",
        "notify_arrivals": "on",
        **({"notify_late": "on"} if late else {}),
    }
    page = f"/adults/{adult.id}/edit"
    post(manager, page, page, form)
    shown = manager.get(f"/adults/{adult.id}").text
    assert f"E-mails in {LANGUAGES[language]}" in shown and "arrivals and departures" in shown


def _push(hub: RunningHub, door: Door, *events: EventRecord) -> float:
    with hub.client() as client:
        answer = client.post("/api/v1/events", json=door.batch(*events), headers=door.auth)
    assert answer.status_code == 200, answer.text
    return answer.elapsed.total_seconds()


def _at_door(
    kind: EventType, child_id: int, at: datetime, adult_id: int | None = None, ref: str = ""
) -> EventRecord:
    return EventRecord(
        uuid=str(uuid4()),
        type=kind,
        occurred_at=at,
        device="front-door",
        child_id=child_id,
        adult_id=adult_id,
        ref=ref or None,
    )


def test_carers_who_opted_in_hear_of_arrival_home_time_and_one_late_collection_in_their_language(
    nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    hub, manager, children, adults = started(hub_for, nursery, mail, tmp_path)
    theo, gemma, marcus = children["Theo Clarke"], adults["Gemma Clarke"], adults["Marcus Clarke"]
    _opt_in(manager, gemma, language="pl", late=True)  # Marcus did not opt in
    door = pair_kiosk(hub, manager, "Front door").door

    now = utc_now()
    came = _at_door(EventType.CHILD_ARRIVED, theo.id, now - timedelta(minutes=2), marcus.id)
    late = _at_door(EventType.ALERT_RAISED, theo.id, now - timedelta(minutes=1), ref=came.uuid)
    late = replace(late, payload={"reason": Reason.LATE_COLLECTION.value, "session_ended": "15:00"})
    # The other door raises the same alert for the same stay: one e-mail, not two.
    again = replace(late, uuid=str(uuid4()), occurred_at=now)
    assert _push(hub, door, came, late, again) < 2  # the door never waits on e-mail
    asked = _at_door(EventType.COLLECTION_REQUESTED, theo.id, now, marcus.id)
    went = _at_door(EventType.CHILD_COLLECTED, theo.id, now, marcus.id, ref=asked.uuid)
    _push(hub, door, asked, replace(went, staff_id=theo.key_person_id))

    box = "gemma.clarke@example.com"
    wait_for(lambda: len(mail.inbox.to(box)) >= 3, what="arrival, late and home time")
    texts = [text_of(m) for m in mail.inbox.to(box)]
    assert len(texts) == 3
    arrival, home = _one(texts, "przyjście do placówki"), _one(texts, "wyjście do domu")
    assert "Przyprowadza: Marcus Clarke." in arrival and "Opiekun kluczowy: " in arrival
    assert "Odbiera: Marcus Clarke." in home
    assert "zajęcia skończyły się o 15:00" in _one(texts, "nie zostało jeszcze odebrane")
    for message in mail.inbox.to(box):
        assert "Theo" not in message["Subject"] and "Little Acorns" in message["Subject"]
        assert 'lang="pl"' in html_of(message)
    assert not [m for m in mail.inbox.messages if m["To"] == marcus.email]
    _assert_kinds(nursery, {"arrival": 1, "late_collection": 1, "departure": 1})


def _one(texts: list[str], words: str) -> str:
    (found,) = [t for t in texts if words in t]
    return found


def _assert_kinds(url: str, expected: dict[str, int]) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        kinds = [n.kind for n in db.scalars(select(Notice))]
    engine.dispose()
    assert {k: kinds.count(k) for k in expected} == expected


# --- the card on the phone --------------------------------------------------------------------


def test_a_carer_gets_their_card_by_email_and_once_revoked_the_door_refuses_it(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    hub, manager, _, adults = started(hub_for, sqlite_nursery, mail, tmp_path)
    bob = adults["Bob Hughes"]
    page = f"/adults/{bob.id}"
    sent = post(manager, page, f"/adults/{bob.id}/card-by-email", {})
    shown = manager.get(sent.headers["location"]).text
    card_id = re.search(r"data-card-mail=\"sent\">Card <code>([^<]+)</code>", shown)
    assert card_id, shown

    (message,) = wait_for(lambda: mail.inbox.to(bob.email or ""), what="the card")
    html = html_of(message)
    inline = re.search(r'src="cid:([^"]+)"', html)
    assert inline and "show it at the door to collect" in html
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert {p["Content-ID"] for p in images} >= {f"<{inline[1]}>"}
    attached = [p for p in images if p.get_filename() == f"card-{card_id[1]}.png"]
    assert len(attached) == 1
    payload = _decoded(attached[0].get_content())
    assert payload.startswith(f"HOV1.{card_id[1]}.")
    assert payload not in str(_notice_bodies(sqlite_nursery))  # the secret was never queued

    with _door_of(hub, manager, tmp_path) as (door, client):
        client.sync_once()
        door.run(lambda: door.pulled([], people_changed=True)).result()
        assert isinstance(
            door.run(lambda: door.scan(payload, collecting=True)).result(), CardHolder
        )
        revoke = f"/cards/{card_id[1]}/revoke"
        post(manager, f"/cards?holder=adult:{bob.id}", revoke, {"reason": "phone lost"})
        client.sync_once()
        door.run(lambda: door.pulled([], people_changed=True)).result()
        refused = door.run(lambda: door.scan(payload, collecting=True)).result()
        assert isinstance(refused, Refused) and refused.reason == Reason.REVOKED_CARD


def test_a_card_the_mail_server_refuses_is_never_issued_and_the_office_reads_why(
    sqlite_nursery: str, mail: MailServer, tmp_path: Path, hub_for: list[RunningHub]
) -> None:
    _, manager, _, adults = started(hub_for, sqlite_nursery, mail, tmp_path)
    bob = adults["Bob Hughes"]
    mail.inbox.refuse[bob.email or ""] = "550 5.1.1 bob.hughes: no such mailbox"
    before = manager.get(f"/adults/{bob.id}").text
    token = csrf_of(manager.get(f"/adults/{bob.id}"))
    answer = manager.post(f"/adults/{bob.id}/card-by-email", data={"csrf_token": token})
    assert answer.status_code == 502
    assert "no card was issued. The mail server: 550 5.1.1 bob.hughes: no such mailbox" in (
        answer.text
    )
    after = manager.get(f"/adults/{bob.id}").text
    assert after.count("<code>") == before.count("<code>")  # no new card on the page
    assert not mail.inbox.messages


def _decoded(png: bytes) -> str:
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    return str(found.text)


def _notice_bodies(url: str) -> list[str]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        bodies = [n.text_body + n.html_body for n in db.scalars(select(Notice))]
    engine.dispose()
    return bodies


class _door_of:  # used as a context manager, named as what it gives
    """A real kiosk store paired with the hub, with its door service and sync client."""

    def __init__(self, hub: RunningHub, manager: httpx.Client, folder: Path) -> None:
        code, _ = register_kiosk(manager, "Hall")
        kiosk_db = folder / "kiosk.db"
        pairing = pair_door(hub.url, code=code, device="hall", db_file=kiosk_db)
        self.store = KioskStore(str(kiosk_db), device="hall")
        self.http = hub.client()
        self.client = SyncClient(self.store, hub.url, pairing.token, clock=utc_now, http=self.http)
        self.door = KioskService(self.store, device="hall")

    def __enter__(self) -> tuple[KioskService, SyncClient]:
        return self.door, self.client

    def __exit__(self, *_: object) -> None:
        self.door.shutdown()
        self.store.close()
        self.http.close()


@pytest.mark.parametrize("language", [c for c in LANGUAGES if c != "en"])
def test_every_notice_message_is_translated(language: str) -> None:
    po = ADMIN / "locale" / language / "LC_MESSAGES" / "notices.po"
    with po.open("rb") as text:
        catalog = {str(m.id): str(m.string) for m in read_po(text) if m.id and m.string}
    missing = [m for m in notice_messages() if m not in catalog]
    assert missing == []
    for message in notice_messages():  # the names and dates go where the translation says
        wanted = set(re.findall(r"\{\w+\}", message))
        assert set(re.findall(r"\{\w+\}", catalog[message])) == wanted, message
