"""The parents' page (issue 17 §3) against a real hub process and a real SMTP server on
127.0.0.1: a parent signs in with an e-mailed code and sees only their own child's register
and who may collect them; an address the office does not hold learns nothing; another
family's child is never shown, whatever number is asked for."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from db.models import Adult, AuditEntry, Authorisation, FamilyRequest
from tests.admin.conftest import MANAGER, csrf_of
from tests.admin.family_visit import (
    GEMMA,
    ask_for_code,
    code_sent_to,
    hubs,
    recent_days,
    signed_in_parent,
    start_family_hub,
    stored,
)
from tests.admin.hub_process import RunningHub, signed_in
from tests.admin.mail_server import MailServer, wait_for
from tests.admin.test_notices import mail, nursery, other_children_named, people

__all__ = ["hubs", "mail", "nursery"]  # fixtures


def test_a_parent_signs_in_with_an_emailed_code_and_sees_their_childs_register(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    children, adults = people(nursery)
    theo, gemma, marcus = children["Theo Clarke"], adults["Gemma Clarke"], adults["Marcus Clarke"]
    recent_days(nursery, theo, brought_by=gemma.id, collected_by=marcus.id)
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    parent = signed_in_parent(hubs[0], mail, GEMMA)

    (message,) = mail.inbox.to(GEMMA)
    assert not re.search(r"\d{6}", message["Subject"])  # the code is never in a subject line
    home = parent.get("/family")
    assert home.status_code == 200
    assert re.findall(r'data-child="(\d+)"', home.text) == [str(theo.id)]

    page = parent.get(f"/family/children/{theo.id}")
    assert page.status_code == 200
    assert page.text.count("data-day=") == 3
    assert page.text.count("brought by Gemma Clarke") == 3
    assert page.text.count("collected by Marcus Clarke") == 3
    assert "22 h 30 min in all" in page.text
    assert "Marcus Clarke" in page.text.split("data-collectors")[1]
    assert other_children_named(page.text, theo, children) == []
    seen = {
        (e.entity, e.entity_id) for e in stored(nursery, AuditEntry, actor=f"parent:{gemma.id}")
    }
    assert ("children", str(theo.id)) in seen and ("adults", str(marcus.id)) in seen

    cookie = next(c for c in parent.cookies.jar if c.name == "handover_family")
    assert cookie.secure and cookie.path == "/family"
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert parent.get("/today").status_code == 303  # a parent's cookie opens no office page


def test_an_address_the_office_does_not_hold_gets_the_same_answer_and_no_mail(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    _, adults = people(nursery)
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    client = hubs[0].client()
    stranger = ask_for_code(client, "someone@elsewhere.example")
    # An adult the office holds, but with no parental responsibility for any child.
    collector = next(a for a in adults.values() if a.email and not _is_parent(nursery, a))
    not_parent = ask_for_code(client, collector.email or "")
    known = ask_for_code(client, GEMMA)
    code_sent_to(mail, GEMMA)  # sent in order: anything queued before it has gone too

    def sentence(page: str) -> str:
        told = page.split("data-sent>")[1].split("</p>")[0]
        return re.sub(r"If \S+ belongs", "If … belongs", told)

    assert stranger.status_code == not_parent.status_code == known.status_code == 200
    assert sentence(stranger.text) == sentence(not_parent.text) == sentence(known.text)
    assert [m["To"] for m in mail.inbox.messages] == [GEMMA]


def _is_parent(url: str, adult: Adult) -> bool:
    return bool(stored(url, Authorisation, adult_id=adult.id, parental_responsibility=True))


def test_a_parent_can_never_see_another_familys_child_whatever_number_is_asked(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    children, adults = people(nursery)
    theo = children["Theo Clarke"]
    other = next(c for c in children.values() if c.id != theo.id)
    gemma = adults["Gemma Clarke"].id  # she brought a friend's child once: not hers to see
    recent_days(nursery, other, brought_by=gemma, collected_by=gemma, days=1)
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    parent = signed_in_parent(hubs[0], mail, GEMMA)
    others = [c for c in children.values() if c.id != theo.id]
    assert others
    for child in others:
        page = parent.get(f"/family/children/{child.id}")
        assert page.status_code == 404, child.id
        assert child.first_name not in page.text and child.last_name not in page.text
    # Nor act on one: an absence or a permission for another family's child is refused.
    form = csrf_of(parent.get(f"/family/children/{theo.id}"))
    today = date.today().isoformat()
    asks = {
        "absence": {"first_day": today, "reason": "Ill", "csrf_token": form},
        "permission": {"first_day": today, "adult_name": "Nan", "csrf_token": form},
    }
    for child in others:
        for kind, data in asks.items():
            answer = parent.post(f"/family/children/{child.id}/{kind}", data=data)
            assert answer.status_code == 404, (child.id, kind)
            assert child.first_name not in answer.text
    assert stored(nursery, FamilyRequest) == []
    for nonsense in ("999999", "0", "-1"):
        assert parent.get(f"/family/children/{nonsense}").status_code == 404
    assert parent.get("/family/children/x").status_code in (404, 422)
    assert parent.get(f"/family/children/{theo.id}").status_code == 200
    # The office's own child pages stay shut to a parent's cookie.
    assert parent.get(f"/children/{theo.id}").status_code == 303
    entries = stored(nursery, AuditEntry, actor=f"parent:{adults['Gemma Clarke'].id}")
    assert {e.entity_id for e in entries if e.entity == "children"} == {str(theo.id)}


def test_the_office_ends_a_parents_sessions(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    _, adults = people(nursery)
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    phone = signed_in_parent(hubs[0], mail, GEMMA)
    assert "data-children" in phone.get("/family").text
    manager = signed_in(hubs[0], MANAGER)
    gemma = adults["Gemma Clarke"]
    adult_page = manager.get(f"/adults/{gemma.id}")
    assert "data-parents-page" in adult_page.text
    token = csrf_of(adult_page)
    ended = manager.post(f"/adults/{gemma.id}/parents-page/sign-out", data={"csrf_token": token})
    assert ended.status_code == 303 and "parent_signed_out=1" in ended.headers["location"]
    after = phone.get("/family")
    assert "data-children" not in after.text and 'name="email"' in after.text
    assert wait_for(lambda: hubs[0].log_lines("parent_sessions_ended"), what="the log line")
    done = manager.get(ended.headers["location"])
    assert "Signed out of the parents' page on 1 device(s)." in done.text
    actions = {
        (e.actor, e.action)
        for e in stored(nursery, AuditEntry, entity="adults", entity_id=str(gemma.id))
    }
    assert (f"parent:{gemma.id}", "family_sign_in") in actions
    assert any(a == "family_sign_out" and who.startswith("staff:") for who, a in actions)


def test_the_parents_page_is_not_there_unless_the_nursery_turns_it_on(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    children, _ = people(nursery)
    hubs.append(start_family_hub(nursery, mail, tmp_path, on=False))
    client = hubs[0].client()
    assert client.get("/family").status_code == 404
    assert client.get(f"/family/children/{children['Theo Clarke'].id}").status_code == 404
    assert client.post("/family/code", data={"email": GEMMA}).status_code == 404
    assert client.post("/family/sign-in", data={"email": GEMMA, "code": "1"}).status_code == 404
    assert client.post("/family/sign-out").status_code == 404
