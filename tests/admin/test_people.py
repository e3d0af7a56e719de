"""The manager keeps the people: children, adults who may collect, permissions, restrictions,
agreed passwords and staff PINs. Errors sit beside their field and nothing is half-saved."""

from __future__ import annotations

import io
from datetime import date

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.credentials import check_password
from db.engine import make_engine, session_factory
from db.models import (
    Adult,
    AgreedPassword,
    AuditEntry,
    Authorisation,
    Child,
    OneOffPermission,
    Restriction,
    Staff,
)
from tests.admin.conftest import post_form


def db_of(database: str) -> Session:
    return session_factory(make_engine(database))()


def child_id(database: str, first_name: str) -> int:
    with db_of(database) as db:
        return int(db.scalar(select(Child.id).where(Child.first_name == first_name)) or 0)


def adult_id(database: str, first_name: str) -> int:
    with db_of(database) as db:
        return int(db.scalar(select(Adult.id).where(Adult.first_name == first_name)) or 0)


def jpeg_with_gps() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS position
    Image.new("RGB", (1200, 900), "#c08040").save(out, "JPEG", exif=exif)
    return out.getvalue()


NEW_CHILD = {
    "first_name": "Nguyễn",
    "last_name": "Thị Hoa",
    "date_of_birth": "2024-05-02",
    "room_id": "2",
    "key_person_id": "2",
    "particular_needs": "Peanut allergy",
    "legal_guardians": "Lan Nguyễn (Mother)",
    "consent_sun_cream": "on",
    "book_0_1": "on",
}


def test_adding_a_child_with_a_photo_saves_every_detail_and_strips_the_location(
    manager: TestClient, database: str
) -> None:
    photo = {"photo": ("hoa.jpg", jpeg_with_gps(), "image/jpeg")}
    response = post_form(manager, "/children/new", "/children/new", NEW_CHILD, files=photo)
    assert response.status_code == 303
    page = manager.get(response.headers["location"]).text
    assert "Nguyễn Thị Hoa" in page and "Peanut allergy" in page and "Monday Morning" in page
    with db_of(database) as db:
        hoa = db.scalars(select(Child).where(Child.first_name == "Nguyễn")).one()
        assert hoa.legal_guardians == [{"name": "Lan Nguyễn", "relationship": "Mother"}]
        assert hoa.consents["sun_cream"] and not hoa.consents["local_outings"]
        assert hoa.photo is not None
        image = Image.open(io.BytesIO(hoa.photo))
        assert max(image.size) <= 320 and not image.getexif()


def test_a_child_form_with_mistakes_comes_back_with_messages_and_saves_nothing(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        before = db.scalar(select(func.count()).select_from(Child))
    bad = NEW_CHILD | {"last_name": "", "date_of_birth": "2031-01-01", "room_id": "99"}
    response = post_form(manager, "/children/new", "/children/new", bad)
    assert response.status_code == 400
    assert "Please enter the child&#39;s last name." in response.text
    assert "cannot be in the future" in response.text
    assert "Please choose a room from the list." in response.text
    assert 'value="Nguyễn"' in response.text  # what was typed is kept
    with db_of(database) as db:
        assert db.scalar(select(func.count()).select_from(Child)) == before


def test_a_picture_that_is_not_a_picture_is_refused_beside_the_photo_field(
    manager: TestClient,
) -> None:
    files = {"photo": ("notes.jpg", b"not an image at all", "image/jpeg")}
    response = post_form(manager, "/children/new", "/children/new", NEW_CHILD, files=files)
    assert response.status_code == 400
    assert 'id="e-photo"' in response.text and "not a picture" in response.text


def test_a_new_grandad_is_added_and_authorised_for_the_child_in_one_step(
    manager: TestClient, database: str
) -> None:
    zoe = child_id(database, "Zoë")
    form = {
        "child_id": zoe,
        "first_name": "Łukasz",
        "last_name": "Fletcher",
        "date_of_birth": "1958-02-11",
        "relationship": "Grandad",
    }
    response = post_form(manager, f"/adults/new?child={zoe}", "/adults/new", form)
    assert response.status_code == 303
    page = manager.get(response.headers["location"]).text
    assert "Łukasz Fletcher" in page and "Grandad" in page


def test_a_fifteen_year_old_cannot_be_authorised_and_no_stray_adult_is_left(
    manager: TestClient, database: str
) -> None:
    zoe = child_id(database, "Zoë")
    form = {
        "child_id": zoe,
        "first_name": "Jayden",
        "last_name": "Fletcher",
        "date_of_birth": "2011-01-01",
        "relationship": "Cousin",
    }
    response = post_form(manager, f"/adults/new?child={zoe}", "/adults/new", form)
    assert response.status_code == 400
    assert "Jayden is 15. Only adults aged 16 or over" in response.text
    assert adult_id(database, "Jayden") == 0


def test_an_existing_under_age_adult_is_refused_when_authorised(
    manager: TestClient, database: str
) -> None:
    zoe, kacper = child_id(database, "Zoë"), adult_id(database, "Kacper")
    response = post_form(
        manager,
        f"/children/{zoe}",
        f"/children/{zoe}/authorise",
        {"adult_id": kacper, "relationship": "Neighbour"},
    )
    assert response.status_code == 400
    assert "Kacper Nowak is 15" in response.text
    with db_of(database) as db:
        assert (
            db.scalar(
                select(Authorisation).where(
                    Authorisation.adult_id == kacper, Authorisation.child_id == zoe
                )
            )
            is None
        )


def test_a_written_permission_records_its_dates_and_who_took_it(
    manager: TestClient, database: str
) -> None:
    theo, kemi = child_id(database, "Theo"), adult_id(database, "Kemi")
    form = {
        "adult_id": kemi,
        "valid_from": "2026-11-27",
        "valid_to": "2026-11-27",
        "note": "Letter from dad: swimming",
    }
    response = post_form(manager, f"/children/{theo}", f"/children/{theo}/permissions", form)
    assert response.status_code == 303
    page = manager.get(f"/children/{theo}").text
    assert "Fri 27 Nov 2026" in page and "Letter from dad: swimming" in page
    with db_of(database) as db:
        permission = db.scalars(
            select(OneOffPermission).where(OneOffPermission.note == "Letter from dad: swimming")
        ).one()
        taker = db.get(Staff, permission.taken_by_staff_id)
        assert taker is not None and taker.username == "manager"


def test_a_permission_that_ends_before_it_starts_is_explained(
    manager: TestClient, database: str
) -> None:
    theo, kemi = child_id(database, "Theo"), adult_id(database, "Kemi")
    form = {"adult_id": kemi, "valid_from": "2026-11-27", "valid_to": "2026-11-26"}
    response = post_form(manager, f"/children/{theo}", f"/children/{theo}/permissions", form)
    assert response.status_code == 400
    assert "The last day is before the first day." in response.text


def test_a_court_order_restriction_removes_the_persons_authorisation(
    manager: TestClient, database: str
) -> None:
    adaeze = child_id(database, "Adaeze")
    pauline = adult_id(database, "Pauline")
    form = {"restricted_adult_id": pauline, "reason": "Court order 1 Nov 2026"}
    response = post_form(manager, f"/children/{adaeze}", f"/children/{adaeze}/restrictions", form)
    assert response.status_code == 303
    page = manager.get(f"/children/{adaeze}").text
    assert "Pauline Riley" in page.split("Must not collect")[1]
    assert "Pauline Riley" not in page.split("Who may collect")[1].split("Authorise an adult")[0]
    with db_of(database) as db:
        assert db.scalar(select(Restriction.reason).where(Restriction.adult_id == pauline))


def test_the_agreed_password_is_typed_twice_and_never_shown_again(
    manager: TestClient, database: str
) -> None:
    adaeze = child_id(database, "Adaeze")
    url = f"/children/{adaeze}/password"
    mismatch = post_form(
        manager, url, url, {"password": "orange kite", "password_again": "orange kyte"}
    )
    assert mismatch.status_code == 400 and "not the same" in mismatch.text
    assert "orange" not in mismatch.text
    too_long = post_form(manager, url, url, {"password": "x" * 73, "password_again": "x" * 73})
    assert too_long.status_code == 400 and "too long: at most 72 bytes" in too_long.text
    done = post_form(
        manager,
        url,
        url,
        {
            "password": "Orange Kite",
            "password_again": "Orange Kite",
            "sibling_" + str(child_id(database, "Chidi")): "on",
        },
    )
    assert done.status_code == 303
    assert "orange kite" not in manager.get(f"/children/{adaeze}").text.lower()
    with db_of(database) as db:
        adaeze_row, chidi_row = db.get(Child, adaeze), db.get(Child, child_id(database, "Chidi"))
        assert (
            adaeze_row
            and chidi_row
            and adaeze_row.agreed_password_id == chidi_row.agreed_password_id
        )
        stored = db.get(AgreedPassword, adaeze_row.agreed_password_id)
        assert stored and check_password("orange  kite", stored.password_hash, agreed=True)


def test_a_staff_pin_must_be_four_to_eight_digits_and_is_stored_hashed(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        megan = db.scalars(select(Staff).where(Staff.username == "megan")).one().id
    url = f"/staff/{megan}"
    bad = post_form(manager, url, f"{url}/pin", {"pin": "12a4", "pin_again": "12a4"})
    assert bad.status_code == 400 and "A PIN is 4 to 8 digits." in bad.text
    good = post_form(manager, url, f"{url}/pin", {"pin": "5150", "pin_again": "5150"})
    assert good.status_code == 303
    with db_of(database) as db:
        pin_hash = db.get(Staff, megan).pin_hash  # type: ignore[union-attr]
        assert pin_hash and check_password("5150", pin_hash)


def test_opening_a_childs_record_is_written_in_the_audit_log(
    manager: TestClient, database: str
) -> None:
    mia = child_id(database, "Mia")
    manager.get(f"/children/{mia}")
    with db_of(database) as db:
        views = db.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "view",
                AuditEntry.entity == "children",  # her page records the adults it names too
                AuditEntry.entity_id == str(mia),
            )
        ).all()
        manager_id = db.scalar(select(Staff.id).where(Staff.username == "manager"))
    assert views and views[-1].actor == f"staff:{manager_id}"
    assert "particular_needs" in views[-1].changes["fields"]
    audit = manager.get(f"/audit?entity=children&entity_id={mia}").text
    assert "Joanne Whitfield" in audit and "viewed" in audit


def test_changing_a_childs_name_is_audited_with_before_and_after(
    manager: TestClient, database: str
) -> None:
    mia = child_id(database, "Mia")
    form = manager.get(f"/children/{mia}/edit")
    assert form.status_code == 200
    data = NEW_CHILD | {"first_name": "Mía", "last_name": "Walsh"}
    response = post_form(manager, f"/children/{mia}/edit", f"/children/{mia}/edit", data)
    assert response.status_code == 303
    audit = manager.get(f"/audit?entity=children&entity_id={mia}&action=update").text
    assert "first_name: Mia → Mía" in audit


def test_a_date_of_birth_corrected_to_under_age_is_refused_while_she_may_collect(
    manager: TestClient, database: str
) -> None:
    hannah = adult_id(database, "Hannah")
    page = manager.get(f"/adults/{hannah}/edit").text
    assert "Hannah" in page
    form = {"first_name": "Hannah", "last_name": "Fletcher", "date_of_birth": "2012-03-01"}
    response = post_form(manager, f"/adults/{hannah}/edit", f"/adults/{hannah}/edit", form)
    assert response.status_code == 400
    assert "Hannah is 14. Only adults aged 16 or over" in response.text
    assert "is authorised to collect" in response.text and "remove" in response.text
    with db_of(database) as db:
        adult = db.get(Adult, hannah)
        assert adult is not None and adult.date_of_birth != date(2012, 3, 1)
