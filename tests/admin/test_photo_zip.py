"""Children's photos in bulk from a zip named after the children, and one at a time from a
tablet's camera on the child's page: previewed, said in words per file, and audited."""

from __future__ import annotations

import base64
import io
import re
import zipfile

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from admin.office.photo_zip import fold_name
from db.engine import make_engine, session_factory
from db.models import AuditEntry, Child
from tests.admin.conftest import NOW, post_form

NAMES = ["Zoë Fletcher", "Chidi Okonkwo", "Adaeze Okonkwo", "Ebele Okonkwo", "Łukasz Nowak"]


def picture(colour: str = "red", size: tuple[int, int] = (900, 1200), kind: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(client: TestClient, data: bytes, name: str = "photos.zip"):
    return post_form(
        client,
        "/children/photos",
        "/children/photos",
        {},
        files={"file": (name, data, "application/zip")},
    )


def carried(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(photo_\d+)" value="([^"]*)"', page))


def test_names_are_matched_whatever_their_case_accents_or_separators() -> None:
    assert fold_name("zoe_fletcher") == fold_name("Zoë Fletcher")
    assert fold_name("MINH-ANH NGUYEN") == fold_name("Minh Anh Nguyễn")
    assert fold_name("ياسمين حداد") == "ياسمين حداد"


def test_a_zip_is_previewed_per_file_and_saved_only_when_confirmed(
    manager: TestClient, database: str
) -> None:
    files = {
        "class photos/zoe_fletcher.JPG": picture("red"),
        "Chidi Okonkwo.png": picture("blue", kind="PNG"),
        "Nobody Here.jpg": picture(),
        "Łukasz Nowak.jpg": b"this is not a picture",
        "__MACOSX/._Chidi Okonkwo.png": b"resource fork",
    }
    page = upload(manager, zip_of(files))
    assert page.status_code == 200
    text = page.text
    assert "2 photos to add; 2 files cannot be used" in text
    assert "no child here is called “Nobody Here”" in text
    assert "Łukasz Nowak.jpg</bdi>: not a picture we can read" in text
    assert "Zoë Fletcher" in text and "replaces the photo on record" in text
    assert "__MACOSX" not in text
    photos = carried(text)
    assert set(photos) == {"photo_1", "photo_2"}
    with session_factory(make_engine(database))() as db:
        before = db.get(Child, 1)
        assert before is not None and before.photo is not None
        old = before.photo
    saved = post_form(manager, "/children/photos", "/children/photos/confirm", photos)
    assert saved.headers["location"] == "/children/photos?saved=2"
    assert "Saved: 2 photos" in manager.get(saved.headers["location"]).text
    with session_factory(make_engine(database))() as db:
        zoe = db.get(Child, 1)
        assert zoe is not None and zoe.photo != old
        image = Image.open(io.BytesIO(zoe.photo or b""))
        assert image.format == "JPEG" and max(image.size) <= 320 and not image.info.get("exif")
        audited = db.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "children", AuditEntry.action == "update", AuditEntry.at >= NOW
            )
        ).all()
        assert {e.entity_id for e in audited if "photo" in (e.changes or {})} >= {"1", "2"}


def test_two_children_of_one_name_and_two_photos_of_one_child_are_explained(
    manager: TestClient, database: str
) -> None:
    with session_factory(make_engine(database))() as db:
        zoe = db.get(Child, 1)
        assert zoe is not None
        db.add(Child(first_name="Chidi", last_name="Okonkwo", date_of_birth=zoe.date_of_birth))
        db.commit()
    files = {
        "Chidi Okonkwo.jpg": picture(),
        "Zoë Fletcher.jpg": picture(),
        "zoe fletcher (2).jpg": picture(),
        "ZOË FLETCHER.png": picture(kind="PNG"),
    }
    text = upload(manager, zip_of(files)).text
    assert "2 children are called Chidi Okonkwo: add this photo on the right child’s page" in text
    assert "Zoë Fletcher has another photo in the zip too (ZOË FLETCHER.png)" in text
    assert "no child here is called “zoe fletcher (2)”" in text
    assert not carried(text)


def test_a_zip_bomb_or_a_zip_over_the_limit_is_refused_in_words(manager: TestClient) -> None:
    bomb = zip_of({"Zoë Fletcher.jpg": b"\0" * (16 * 1024 * 1024)})  # 16 MB of zeros: 16 kB
    assert len(bomb) < 100_000
    assert "over 15 MB unpacked" in upload(manager, bomb).text
    zeros = {f"{name}.jpg": b"\0" * (14 * 1024 * 1024) for name in NAMES}
    layered = upload(manager, zip_of(zeros)).text
    assert layered.count("not a picture we can read") == 4  # 56 MB read, then no more
    assert layered.count("not read: the files before it already unpacked to over 50 MB") == 1
    many = upload(manager, zip_of({f"child {n}.jpg": b"x" for n in range(201)}))
    assert "at most 200 can be read at once" in many.text
    too_big = upload(manager, b"PK" + bytes(11 * 1024 * 1024))
    assert too_big.status_code == 413 and "over 10 MB" in too_big.text
    not_a_zip = upload(manager, picture(), name="photo.jpg")
    assert not_a_zip.status_code == 400 and "That file is not a zip" in not_a_zip.text


def test_a_tampered_preview_saves_nothing(manager: TestClient, database: str) -> None:
    bad = base64.b64encode(b"<script>not a photo</script>").decode()
    answer = post_form(manager, "/children/photos", "/children/photos/confirm", {"photo_1": bad})
    assert answer.status_code == 400 and "nothing was saved" in answer.text
    with session_factory(make_engine(database))() as db:
        zoe = db.get(Child, 1)
        assert zoe is not None and zoe.photo is not None
        Image.open(io.BytesIO(zoe.photo)).verify()  # still the picture it was


def test_the_child_page_takes_a_photo_from_a_tablets_camera(
    manager: TestClient, database: str
) -> None:
    page = manager.get("/children/1").text
    assert 'accept="image/*" capture="environment"' in page
    assert 'accept="image/*" capture="environment"' in manager.get("/children/1/edit").text
    photo = {"photo": ("camera.jpg", picture("green", (3000, 4000)), "image/jpeg")}
    saved = post_form(manager, "/children/1", "/children/1/photo", {}, files=photo)
    assert saved.headers["location"] == "/children/1?saved=1"
    with session_factory(make_engine(database))() as db:
        zoe = db.get(Child, 1)
        assert zoe is not None and max(Image.open(io.BytesIO(zoe.photo or b"")).size) <= 320
    wrong = {"photo": ("notes.jpg", b"not a picture", "image/jpeg")}
    refused = post_form(manager, "/children/1", "/children/1/photo", {}, files=wrong)
    assert refused.status_code == 400 and "not a picture we can read" in refused.text


def test_staff_who_are_not_managers_cannot_add_photos_in_bulk(staff_client: TestClient) -> None:
    assert staff_client.get("/children/photos").status_code == 403
