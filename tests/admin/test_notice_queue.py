"""Which changes queue a notice, for whom, saying what (issue 17), in the panel served
in-process; and the SMTP settings a hub refuses to start with. Sending is in test_notices.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.config import ConfigError, load_settings
from admin.mail import MailConfigError, parse_smtp_url
from admin.notice_sender import backoff
from db.engine import make_engine, session_factory
from db.models import Adult, Authorisation, Card, Child, Notice, OneOffPermission, Restriction
from db.names import full_name
from tests.admin.conftest import post_form


def _queued(database: str) -> list[tuple[str, str, str]]:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        rows = [(n.to_address, n.summary, n.text_body) for n in db.scalars(select(Notice))]
    engine.dispose()
    return rows


def _ids(database: str) -> dict[str, int]:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        found = {full_name(c.first_name, c.last_name): c.id for c in db.scalars(select(Child))}
        found |= {full_name(a.first_name, a.last_name): a.id for a in db.scalars(select(Adult))}
        found["auth:Marcus"] = (
            db.scalar(
                select(Authorisation.id).where(Authorisation.adult_id == found["Marcus Clarke"])
            )
            or 0
        )
        found["permission:Zoë"] = (
            db.scalar(
                select(OneOffPermission.id).where(
                    OneOffPermission.child_id == found["Zoë Fletcher"]
                )
            )
            or 0
        )
        found["restriction:Mia"] = (
            db.scalar(select(Restriction.id).where(Restriction.child_id == found["Mia Walsh"])) or 0
        )
        found["card:Hannah"] = db.scalar(
            select(Card.id).where(
                Card.holder_adult_id == found["Hannah Fletcher"], Card.revoked_at.is_(None)
            )
        )
    engine.dispose()
    return found


CLARKES = {"gemma.clarke@example.com", "marcus.clarke@example.com"}
FLETCHERS = {"hannah.fletcher@example.com", "sam.fletcher@example.com"}


def test_each_parent_is_told_of_a_new_collector_a_removal_and_a_permission(
    manager: TestClient, database: str
) -> None:
    ids = _ids(database)
    theo, bob = ids["Theo Clarke"], ids["Bob Hughes"]
    post_form(manager, f"/children/{theo}", f"/children/{theo}/authorise",
              {"adult_id": bob, "relationship": "Neighbour"})  # fmt: skip
    post_form(manager, f"/children/{theo}",
              f"/children/{theo}/authorisations/{ids['auth:Marcus']}/remove", {})  # fmt: skip
    post_form(manager, f"/children/{theo}", f"/children/{theo}/permissions",
              {"adult_id": bob, "valid_from": "2026-11-24", "valid_to": "2026-11-24"})  # fmt: skip
    queued = _queued(database)
    said = {(to, what) for to, what, _ in queued}
    for parent in CLARKES:  # Marcus too: it was his own authorisation that ended
        assert (parent, "Bob Hughes (Neighbour) may now collect Theo.") in said
        assert (parent, "Marcus Clarke may no longer collect Theo.") in said
    # Once removed, Marcus is no longer a parent the nursery writes to about Theo.
    assert [to for to, what in said if "written permission" in what] == ["gemma.clarke@example.com"]
    assert all("call the nursery" in body for _, _, body in queued)
    assert len(queued) == 5


def test_a_withdrawn_permission_a_lifted_restriction_and_a_revoked_card_are_told(
    manager: TestClient, database: str
) -> None:
    ids = _ids(database)
    zoe, mia = ids["Zoë Fletcher"], ids["Mia Walsh"]
    post_form(manager, f"/children/{zoe}",
              f"/children/{zoe}/permissions/{ids['permission:Zoë']}/withdraw", {})  # fmt: skip
    post_form(manager, f"/children/{mia}",
              f"/children/{mia}/restrictions/{ids['restriction:Mia']}/remove", {})  # fmt: skip
    post_form(manager, "/cards", f"/cards/{ids['card:Hannah']}/revoke", {"reason": "lost"})
    queued = _queued(database)
    said = {(to, what) for to, what, _ in queued}
    for parent in FLETCHERS:
        assert any(to == parent and "Bob Hughes" in w and "withdrawn" in w for to, w in said)
        assert (parent, "A collection card was cancelled for Hannah Fletcher, "
                        "who may collect Zoë.") in said  # fmt: skip
    lifted = [(to, body) for to, what, body in queued if "restriction" in what]
    assert [to for to, _ in lifted] == ["kirsty.walsh@example.com"]
    # Neither the restricted person nor the court order leaves the office.
    assert "Darren" not in lifted[0][1] and "Court order" not in lifted[0][1]


def test_a_reset_password_is_told_once_per_child_and_never_said(
    manager: TestClient, database: str
) -> None:
    ids = _ids(database)
    chidi = ids["Chidi Okonkwo"]
    page = f"/children/{chidi}/password"
    siblings = {f"sibling_{ids[n]}": "on" for n in ("Adaeze Okonkwo", "Ebele Okonkwo")}
    typed = {"password": "kite harbour", "password_again": "kite harbour"}
    answer = post_form(manager, page, page, {**typed, **siblings})
    assert answer.status_code == 303, answer.text
    queued = _queued(database)
    assert len(queued) == 6  # three children, two parents each
    assert {what.split("collecting ")[1].split(" ")[0] for _, what, _ in queued} == {
        "Chidi",
        "Adaeze",
        "Ebele",
    }
    assert not any("kite harbour" in body for _, _, body in queued)


def test_a_new_adult_added_for_a_child_is_told_and_a_refused_form_queues_nothing(
    manager: TestClient, database: str
) -> None:
    ids = _ids(database)
    amara = ids["Amara Osei"]
    refused = post_form(manager, f"/adults/new?child_id={amara}", "/adults/new",
                        {"child_id": amara, "first_name": "Kofi", "last_name": "Mensah",
                         "relationship": "Uncle", "email": "not-an-address"})  # fmt: skip
    assert refused.status_code == 400
    assert _queued(database) == []
    added = post_form(manager, f"/adults/new?child_id={amara}", "/adults/new",
                      {"child_id": amara, "first_name": "Kofi", "last_name": "Mensah",
                       "relationship": "Uncle", "confirmed_adult": "on"})  # fmt: skip
    assert added.status_code == 303, added.text
    assert {(to, w) for to, w, _ in _queued(database)} == {
        (p, "Kofi Mensah (Uncle) may now collect Amara.")
        for p in ("abena.osei@example.com", "kwame.osei@example.com")
    }


def test_the_notices_page_is_for_the_manager_only(
    client: TestClient, staff_client: TestClient
) -> None:
    assert staff_client.get("/notices").status_code in (303, 403)


@pytest.mark.parametrize(
    ("url", "sender", "problem"),
    [
        ("http://mail.example", "a@b.example", "smtp:// or smtps://"),
        ("smtp://", "a@b.example", "no server name"),
        ("smtp://user:hunter2@mail.example", "a@b.example", "must not hold the password"),
        ("smtp://mail.example:port", "a@b.example", "port that is not a number"),
        ("smtp://mail.example", "", "HANDOVER_SMTP_FROM"),
        ("smtp://mail.example", "Office <a@b.example>", "HANDOVER_SMTP_FROM"),
        ("smtp://mail.example", "a@b.example\r\nBcc: x@y", "HANDOVER_SMTP_FROM"),
    ],
)
def test_smtp_settings_that_cannot_work_are_refused_with_what_to_fix(
    url: str, sender: str, problem: str
) -> None:
    with pytest.raises(MailConfigError, match=problem):
        parse_smtp_url(url, sender=sender)


def test_smtp_urls_say_how_the_connection_is_protected(database: str, tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n", encoding="utf-8")
    env = {
        "HANDOVER_SMTP_URL": "smtp://office%40acorns@mail.example:587?starttls=1",
        "HANDOVER_SMTP_FROM": "office@acorns.example",
        "HANDOVER_SMTP_PASSWORD_FILE": str(secret),
    }
    starttls = load_settings(database, env).smtp
    assert starttls is not None
    assert (starttls.host, starttls.port, starttls.tls) == ("mail.example", 587, "starttls")
    assert (starttls.user, starttls.password) == ("office@acorns", "s3cret")
    assert "s3cret" not in repr(starttls)
    tls = parse_smtp_url("smtps://mail.example", sender="office@acorns.example")
    assert (tls.port, tls.tls) == (465, "tls")


def test_a_hub_with_an_unreadable_password_file_or_bad_retry_does_not_start(
    database: str, tmp_path: Path
) -> None:
    base = {"HANDOVER_SMTP_URL": "smtp://mail.example", "HANDOVER_SMTP_FROM": "o@a.example"}
    missing = base | {"HANDOVER_SMTP_PASSWORD_FILE": str(tmp_path / "nowhere")}
    with pytest.raises(ConfigError, match="cannot read HANDOVER_SMTP_PASSWORD_FILE"):
        load_settings(database, missing)
    with pytest.raises(ConfigError, match="HANDOVER_SMTP_RETRY_SECONDS"):
        load_settings(database, base | {"HANDOVER_SMTP_RETRY_SECONDS": "soon"})
    assert load_settings(database, base).smtp is not None
    assert load_settings(database, {}).smtp is None


def test_a_test_message_without_a_mail_server_says_how_to_set_one_up(manager: TestClient) -> None:
    page = manager.get("/notices").text
    assert "No mail server is set up" in page and "HANDOVER_SMTP_URL" in page
    tried = post_form(manager, "/notices", "/notices/test", {"to": "office@acorns.example"})
    assert tried.status_code == 400
    assert "No mail server is set up for this hub (Settings → Mail)." in tried.text


def test_the_wait_after_each_failed_try_doubles_and_never_passes_an_hour() -> None:
    smtp = parse_smtp_url("smtp://mail.example", sender="o@a.example", retry_seconds=60)
    waits = [backoff(smtp, attempts).total_seconds() for attempts in (1, 2, 3, 7, 40)]
    assert waits == [60, 120, 240, 3600, 3600]
