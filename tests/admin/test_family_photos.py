"""The photo a parent sends with a written-permission request (issue 17 §3), against a real hub
process: re-encoded without its metadata as every photo is; staff see it on the pending request
and each look is audited; the permission it becomes carries it; a bad or oversized file gets a
clear answer and keeps the rest of the form; no parent, of this family or another, can fetch it."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import httpx
from PIL import Image
from sqlalchemy import select

from admin.office.family_requests import forget_past_photos
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import AuditEntry, FamilyRequest, OneOffPermission, Staff
from tests.admin.conftest import MANAGER, csrf_of
from tests.admin.family_visit import GEMMA, hubs, signed_in_parent, start_family_hub, stored
from tests.admin.hub_process import RunningHub, signed_in
from tests.admin.mail_server import MailServer
from tests.admin.test_notices import mail, nursery, people

__all__ = ["hubs", "mail", "nursery"]  # fixtures

MAKER = "PhoneMakerWithGPS"


def _phone_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = MAKER  # Make: metadata a phone writes, which must not be kept
    out = io.BytesIO()
    Image.new("RGB", (1200, 1600), (180, 120, 90)).save(out, "JPEG", exif=exif.tobytes())
    assert MAKER.encode() in out.getvalue()
    return out.getvalue()


def _ask(
    parent: httpx.Client, child_id: int, photo: tuple[str, bytes] | None, name: str = "Nan Clarke"
) -> httpx.Response:
    page = parent.get(f"/family/children/{child_id}")
    today = utc_now().date()
    data = {
        "adult_name": name,
        "first_day": today.isoformat(),
        "last_day": (today + timedelta(days=1)).isoformat(),
        "csrf_token": csrf_of(page),
    }
    files = {"photo": (photo[0], photo[1], "image/jpeg")} if photo else None
    return parent.post(f"/family/children/{child_id}/permission", data=data, files=files)


def test_a_parents_photo_reaches_the_office_and_the_permission_without_its_metadata(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    children, adults = people(nursery)
    theo, bob = children["Theo Clarke"], adults["Bob Hughes"]
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    parent = signed_in_parent(hubs[0], mail, GEMMA)
    sent = _ask(parent, theo.id, ("nan.jpg", _phone_photo()))
    assert sent.status_code == 303, sent.text
    assert "with a photo" in parent.get(sent.headers["location"]).text
    (asked,) = stored(nursery, FamilyRequest, child_id=theo.id)

    manager = signed_in(hubs[0], MANAGER)
    office = manager.get("/family-requests")
    assert f'src="/family-requests/{asked.id}/photo"' in office.text
    photo = manager.get(f"/family-requests/{asked.id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert MAKER.encode() not in photo.content
    assert not Image.open(io.BytesIO(photo.content)).getexif()
    looks = stored(nursery, AuditEntry, entity="family_requests", entity_id=str(asked.id))
    assert any(e.action == "view" for e in looks), [e.action for e in looks]
    # Never a parent's to fetch: not the office's address, and nothing under /family.
    assert parent.get(f"/family-requests/{asked.id}/photo").status_code in (303, 401, 404)

    accepted = manager.post(
        f"/family-requests/{asked.id}/accept",
        data={"adult_id": str(bob.id), "csrf_token": csrf_of(office)},
    )
    assert accepted.status_code == 303
    (permission,) = stored(nursery, OneOffPermission, child_id=theo.id, adult_id=bob.id)
    assert permission.photo == photo.content
    (decided,) = stored(nursery, FamilyRequest, id=asked.id)
    assert decided.photo is None  # the permission holds the one copy now
    child_page = manager.get(f"/children/{theo.id}").text
    assert f'src="/photos/permission/{permission.id}"' in child_page
    assert manager.get(f"/photos/permission/{permission.id}").content == photo.content
    assert parent.get(f"/photos/permission/{permission.id}").status_code in (303, 401, 404)


def test_a_bad_or_oversized_photo_is_answered_clearly_and_the_rest_of_the_form_is_kept(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    children, _ = people(nursery)
    theo = children["Theo Clarke"]
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    parent = signed_in_parent(hubs[0], mail, GEMMA)
    for upload, words in (
        (("nan.jpg", b"this is a letter, not a photo"), "not a photo we can use"),
        (("nan.jpg", _phone_photo() + bytes(9 * 1024 * 1024)), "too big"),
    ):
        answer = _ask(parent, theo.id, upload, name="Nan Kowalska")
        assert answer.status_code == 400, answer.text[:300]
        assert words in answer.text
        assert 'value="Nan Kowalska"' in answer.text
        assert f'value="{utc_now().date():%d/%m/%Y}"' in answer.text  # as the nursery writes it
    assert stored(nursery, FamilyRequest) == []
    assert _ask(parent, theo.id, None).status_code == 303  # a photo is asked for, not required


def test_a_permissions_photo_is_forgotten_once_its_days_are_over(nursery: str) -> None:
    children, adults = people(nursery)
    theo, bob = children["Theo Clarke"], adults["Bob Hughes"]
    yesterday, later = utc_now().date() - timedelta(days=1), utc_now().date() + timedelta(days=5)
    engine = make_engine(nursery)
    with session_factory(engine)() as db:
        boss = db.scalars(select(Staff)).first()
        assert boss is not None
        for last in (yesterday, later):
            db.add(
                OneOffPermission(
                    child_id=theo.id,
                    adult_id=bob.id,
                    valid_from=yesterday,
                    valid_to=last,
                    taken_by_staff_id=boss.id,
                    taken_at=utc_now(),
                    photo=b"jpeg",
                )
            )
        db.commit()
        assert forget_past_photos(db, utc_now()) == 1
        db.commit()
        held = db.scalars(select(OneOffPermission).where(OneOffPermission.valid_from == yesterday))
        assert {p.valid_to: p.photo for p in held} == {yesterday: None, later: b"jpeg"}
    engine.dispose()
