"""Parents' requests from the parents' page (issue 17 §3) against a real hub process and a real
SMTP server: an absence arrives in the office with its reason; a written permission asked for
by a parent is nothing at the door until a manager accepts it, and then it is recorded as taken
by that manager, and both parents are told."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from functools import partial
from pathlib import Path

import httpx

from db.clock import utc_now
from db.models import Child, FamilyRequest, OneOffPermission, Staff
from tests.admin.conftest import MANAGER, STAFF, csrf_of
from tests.admin.family_visit import GEMMA, hubs, signed_in_parent, start_family_hub, stored
from tests.admin.hub_process import RunningHub, signed_in
from tests.admin.mail_server import MailServer, text_of, wait_for
from tests.admin.test_notices import mail, nursery, people

__all__ = ["hubs", "mail", "nursery"]  # fixtures

MARCUS = "marcus.clarke@example.com"


def _send(parent: httpx.Client, child_id: int, kind: str, data: dict[str, str]) -> httpx.Response:
    page = parent.get(f"/family/children/{child_id}")
    return parent.post(
        f"/family/children/{child_id}/{kind}", data={**data, "csrf_token": csrf_of(page)}
    )


def _theos_mother(
    url: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> tuple[Child, httpx.Client]:
    """Theo Clarke, and his mother signed in to the parents' page of a hub started for it."""
    children, _ = people(url)
    hubs.append(start_family_hub(url, mail, tmp_path))
    return children["Theo Clarke"], signed_in_parent(hubs[0], mail, GEMMA)


def _told_of(mail: MailServer, address: str, words: str) -> list[EmailMessage]:
    return [m for m in mail.inbox.to(address) if words in text_of(m)]


def test_a_requested_permission_counts_only_once_the_manager_accepts_it_and_parents_are_told(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    children, adults = people(nursery)
    theo, bob = children["Theo Clarke"], adults["Bob Hughes"]
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    parent = signed_in_parent(hubs[0], mail, GEMMA)
    today = utc_now().date()
    days = {"first_day": today.isoformat(), "last_day": (today + timedelta(days=2)).isoformat()}
    sent = _send(parent, theo.id, "permission", {"adult_name": "Bob Hughes", **days})
    assert sent.status_code == 303
    assert "waiting for the office" in parent.get(sent.headers["location"]).text
    assert stored(nursery, OneOffPermission, child_id=theo.id, adult_id=bob.id) == []

    manager = signed_in(hubs[0], MANAGER)
    office = manager.get("/family-requests")
    assert "Bob Hughes</strong> to collect" in office.text and "Gemma Clarke" in office.text
    (asked,) = stored(nursery, FamilyRequest, child_id=theo.id)
    accepted = manager.post(
        f"/family-requests/{asked.id}/accept",
        data={"adult_id": str(bob.id), "csrf_token": csrf_of(office)},
    )
    assert accepted.status_code == 303

    (permission,) = stored(nursery, OneOffPermission, child_id=theo.id, adult_id=bob.id)
    (boss,) = stored(nursery, Staff, username=MANAGER[0])
    assert permission.taken_by_staff_id == boss.id
    assert (permission.valid_from, permission.valid_to) == (today, today + timedelta(days=2))
    (decided,) = stored(nursery, FamilyRequest, id=asked.id)
    assert (decided.status, decided.decided_by_staff_id) == ("accepted", boss.id)
    assert decided.permission_id == permission.id and decided.decided_at is not None
    for address in (GEMMA, MARCUS):
        told = wait_for(partial(_told_of, mail, address, "Bob Hughes"), what=f"{address} told")
        assert "A written permission was recorded for Bob Hughes to collect Theo" in text_of(
            told[0]
        )
    page = parent.get(f"/family/children/{theo.id}").text
    assert 'data-request-status="accepted"' in page
    assert "Bob Hughes" in page.split("data-permissions")[1]


def test_an_absence_arrives_in_the_office_with_its_reason_and_staff_mark_it_seen(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    theo, parent = _theos_mother(nursery, mail, tmp_path, hubs)
    tomorrow = (utc_now().date() + timedelta(days=1)).isoformat()
    sent = _send(parent, theo.id, "absence", {"first_day": tomorrow, "reason": "Chickenpox"})
    assert sent.status_code == 303

    staff = signed_in(hubs[0], STAFF)
    office = staff.get("/family-requests")
    assert "Away: Chickenpox" in office.text
    assert "Accept" not in office.text  # nothing for a member of staff to accept
    (asked,) = stored(nursery, FamilyRequest, child_id=theo.id)
    seen = staff.post(f"/family-requests/{asked.id}/decline", data={"csrf_token": csrf_of(office)})
    assert seen.status_code == 303
    assert "Chickenpox" not in staff.get("/family-requests").text
    assert 'data-request-status="acknowledged"' in parent.get(f"/family/children/{theo.id}").text


def test_a_request_with_days_out_of_order_or_over_is_refused_with_a_reason(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    theo, parent = _theos_mother(nursery, mail, tmp_path, hubs)
    today = utc_now().date()
    backwards = {
        "first_day": today.isoformat(),
        "last_day": (today - timedelta(days=1)).isoformat(),
    }
    answer = _send(parent, theo.id, "permission", {"adult_name": "Nan", **backwards})
    assert answer.status_code == 400 and "before the first day" in answer.text
    past = {"first_day": date(2020, 1, 1).isoformat(), "reason": "Ill"}
    answer = _send(parent, theo.id, "absence", past)
    assert answer.status_code == 400 and "over" in answer.text
    answer = _send(parent, theo.id, "permission", {"first_day": today.isoformat()})
    assert answer.status_code == 400 and "Please enter who will collect" in answer.text
    # A day that is not one, typed as the nursery writes dates: said in a parent's words (which
    # a catalog translates) beside the absence form's field, what was typed kept there and not
    # in the other form.
    answer = _send(parent, theo.id, "absence", {"first_day": "31/02/2026", "reason": "Ill"})
    assert answer.status_code == 400
    assert "Please give the first day as a date." in answer.text
    assert "Please check the dates below." in answer.text
    assert answer.text.count('value="31/02/2026"') == 1 and 'id="a-first_day"' in answer.text
    assert stored(nursery, FamilyRequest) == []
