"""Bringing a nursery's children and carers in from its spreadsheet, as a manager does on her
first morning: a preview first, nothing written until she confirms, and the same file twice
changes nothing."""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from admin.office.spreadsheet import header
from db.engine import make_engine, session_factory
from db.models import Adult, Authorisation, Child, ChildBooking
from tests.admin.conftest import post_form

NAMES = [("Zoë", "Nowak"), ("Łukasz", "Wiśniewski"), ("Minh", "Nguyễn"), ("ياسمين", "حداد")]


def family_row(first: str, last: str, born: str = "14/03/2023", **over: str) -> dict[str, str]:
    row = {
        "Child first name": first,
        "Child last name": last,
        "Date of birth": born,
        "Room": "Twos",
        "Key person": "Saskia Brown",
        "Booked sessions": "Mon Morning; Wed Afternoon",
        "Start date": "01/09/2025",
        "Carer 1 first name": "Amira",
        "Carer 1 last name": last,
        "Carer 1 relationship": "Mother",
        "Carer 1 parental responsibility": "yes",
        "Carer 1 phone": "+44 7700 900123",
        "Carer 1 email": f"amira.{len(first)}@example.org",
        "Carer 1 may collect": "yes",
        "Carer 1 date of birth": "02/05/1990",
        "Carer 2 first name": "Grandad",
        "Carer 2 last name": last,
        "Carer 2 relationship": "Grandfather",
        "Carer 2 phone": "01632 960001",
        "Carer 2 may collect": "no",
    }
    return row | over


def csv_file(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header())
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_file(rows: Sequence[Mapping[str, object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header())
    for row in rows:
        sheet.append([row.get(title) for title in header()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(client: TestClient, data: bytes, name: str = "children.csv"):
    return post_form(
        client, "/children/import", "/children/import", {}, files={"file": (name, data, "text/csv")}
    )


def hidden(page_text: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page_text)
    assert found, f"the preview has no hidden {name}"
    return found.group(1)


def confirm(client: TestClient, page_text: str, **override: str):
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found, "the preview has no form"
    token = found.group(1)
    data = {
        "csrf_token": token,
        "file": hidden(page_text, "file"),
        "digest": hidden(page_text, "digest"),
    } | override
    return client.post("/children/import/confirm", data=data)


def count(database: str, model: Any) -> int:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        found = db.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None)))
    engine.dispose()
    return int(found or 0)


def children_named(database: str, last: str, first: str | None = None) -> list[Child]:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        named = select(Child).where(Child.last_name == last, Child.deleted_at.is_(None))
        if first is not None:
            named = named.where(Child.first_name == first)
        found = list(db.scalars(named))
    engine.dispose()
    return found


def test_a_csv_is_previewed_and_nothing_is_written_until_the_manager_confirms(
    manager: TestClient, database: str
) -> None:
    before = count(database, Child)
    page = preview(manager, csv_file([family_row(f, last) for f, last in NAMES]))
    assert page.status_code == 200, page.text
    assert "Nothing has been written yet. 4 children to add" in page.text
    assert "Zoë" in page.text and "ياسمين" in page.text
    assert count(database, Child) == before
    done = confirm(manager, page.text)
    assert done.status_code == 303 and "imported=4" in done.headers["location"]
    assert count(database, Child) == before + 4
    listing = manager.get(done.headers["location"]).text
    assert "Imported: 4 children added, 0 updated." in listing


def test_names_in_four_scripts_survive_the_import_letter_for_letter(
    manager: TestClient, database: str
) -> None:
    # Zoë typed with a combining diaeresis is the same Zoë once read (NFC).
    rows = [family_row(f, last) for f, last in NAMES]
    rows[0]["Child first name"] = "Zoe\u0308"
    confirm(manager, preview(manager, xlsx_file(rows), "children.xlsx").text)
    for first, last in NAMES:
        (child,) = children_named(database, last, first)
        assert (child.first_name, child.last_name) == (first, last)


def test_an_xlsx_with_real_date_cells_is_imported_with_carers_and_bookings(
    manager: TestClient, database: str
) -> None:
    row: dict[str, object] = family_row("Ola", "Kowalska") | {"Date of birth": date(2023, 3, 14)}
    page = preview(manager, xlsx_file([row]), "children.xlsx")
    assert page.status_code == 200, page.text
    assert "Amira Kowalska</bdi> (Mother): new adult who may collect" in page.text
    assert "Grandad Kowalska</bdi> (Grandfather): kept as a contact (does not collect)" in page.text
    confirm(manager, page.text)
    (child,) = children_named(database, "Kowalska")
    assert child.date_of_birth == date(2023, 3, 14) and child.started_on == date(2025, 9, 1)
    assert child.emergency_contacts[0]["name"] == "Grandad Kowalska"
    engine = make_engine(database)
    with session_factory(engine)() as db:
        auth = db.scalar(select(Authorisation).where(Authorisation.child_id == child.id))
        assert auth is not None
        adult = db.get(Adult, auth.adult_id)
        assert adult is not None
        booked = db.scalars(select(ChildBooking.weekday).where(ChildBooking.child_id == child.id))
        assert (adult.first_name, adult.phone) == ("Amira", "+44 7700 900123")
        assert auth.relationship == "Mother" and auth.parental_responsibility
        assert sorted(booked) == [0, 2]
    engine.dispose()


def test_every_problem_is_reported_per_row_in_words_and_nothing_can_be_confirmed(
    manager: TestClient, database: str
) -> None:
    rows = [
        family_row("Ada", "Okafor"),
        family_row("Ben", "Okafor", "31/02/2023"),
        family_row("Cleo", "Okafor", **{"Room": "Rabbits", "Key person": "Nobody Here"}),
        family_row(
            "Dev", "Okafor", **{"Carer 1 date of birth": "01/01/2012", "Carer 1 relationship": ""}
        ),
        family_row(
            "", "Okafor", **{"Carer 1 may collect": "maybe", "Booked sessions": "Sunday Brunch"}
        ),
        family_row("Eve", "Okafor", **{"Carer 1 date of birth": ""}),
    ]
    page = preview(manager, csv_file(rows))
    assert page.status_code == 400
    text = page.text.replace("&#34;", '"')
    for problem in [
        "row 3: date of birth 31/02/2023 is not a date",
        "row 4: room “Rabbits” is not one of this nursery&#39;s",
        "row 4: key person “Nobody Here” is not one of this nursery&#39;s",
        "row 5: carer 1 (Amira Okafor) may collect, so their relationship is needed",
        "row 5: carer 1 (Amira Okafor) is 14. Only adults aged 16 or over",
        "row 6: child first name is missing",
        "row 6: carer 1 may collect “maybe” should be yes or no",
        "row 6: booked session “Sunday Brunch” should be a weekday and a session",
        "row 7: carer 1 (Amira Okafor) may collect but has no date of birth",
    ]:
        assert problem in text, problem
    assert "Nothing was imported." in text and "/children/import/confirm" not in text
    assert children_named(database, "Okafor") == []
    # A confirmation forged from such a preview is refused too.
    forged = {"file": base64.b64encode(csv_file(rows)).decode(), "digest": "0" * 64}
    assert confirm(manager, preview(manager, csv_file(rows[:1])).text, **forged).status_code == 409
    assert children_named(database, "Okafor") == []


def test_a_file_that_is_not_a_spreadsheet_or_has_unknown_columns_is_explained(
    manager: TestClient,
) -> None:
    latin1 = "Child first name,Child last name,Date of birth\nZoë,Nowak,14/03/2023\n".encode(
        "latin-1"
    )
    assert "save it as “CSV UTF-8”" in preview(manager, latin1).text
    odd = b"Child first name,Child last name,Date of birth,Shoe size\nZo,Nowak,14/03/2023,9\n"
    assert "column “Shoe size” is not one Handover knows" in preview(manager, odd).text
    broken = preview(manager, b"PK\x03\x04 not really a workbook", "children.xlsx")
    assert broken.status_code == 400 and "cannot be opened" in broken.text
    assert "has a header but no children" in preview(manager, csv_file([])).text


def test_importing_the_same_file_again_changes_nothing(manager: TestClient, database: str) -> None:
    data = csv_file([family_row(f, last) for f, last in NAMES])
    confirm(manager, preview(manager, data).text)
    counts = [count(database, m) for m in (Child, Adult, Authorisation, ChildBooking)]
    again = preview(manager, data)
    assert "0 children to add, 0 to update, 4 unchanged" in again.text
    assert "Nothing to change: confirm" in again.text
    assert confirm(manager, again.text).status_code == 303
    assert [count(database, m) for m in (Child, Adult, Authorisation, ChildBooking)] == counts


def test_an_updated_file_updates_the_people_it_matches(manager: TestClient, database: str) -> None:
    confirm(manager, preview(manager, csv_file([family_row("Zoë", "Nowak")])).text)
    adults = count(database, Adult)
    moved = family_row(
        "Zoë",
        "Nowak",
        **{
            "Room": "Pre-school",
            "Carer 1 phone": "07700 900999",
            "Carer 1 may collect": "yes",
            "Booked sessions": "Fri Full day",
        },
    )
    page = preview(manager, csv_file([moved]))
    assert "0 children to add, 1 to update" in page.text
    assert (
        "room Pre-school, sessions Fri Full day" in page.text
        and "update: phone 07700 900999" in page.text
    )
    confirm(manager, page.text)
    (child,) = children_named(database, "Nowak", "Zoë")
    assert count(database, Adult) == adults  # matched by names and email: no second Amira
    engine = make_engine(database)
    with session_factory(engine)() as db:
        amira = db.scalar(
            select(Adult).where(Adult.first_name == "Amira", Adult.last_name == "Nowak")
        )
        assert amira is not None and amira.phone == "07700 900999"
        booked = db.scalars(
            select(ChildBooking.weekday).where(
                ChildBooking.child_id == child.id, ChildBooking.deleted_at.is_(None)
            )
        )
        assert list(booked) == [4]
    engine.dispose()


def test_a_confirmation_is_refused_when_the_records_or_the_file_changed_since_the_preview(
    manager: TestClient, database: str
) -> None:
    data = csv_file([family_row("Zoë", "Nowak")])
    page = preview(manager, data)
    # Meanwhile someone adds Zoë by hand: confirming the old preview would make a second Zoë.
    confirm(manager, preview(manager, data).text)
    refused = confirm(manager, page.text)
    assert refused.status_code == 409
    assert "changed since that preview, so nothing was imported" in refused.text
    assert len(children_named(database, "Nowak", "Zoë")) == 1
    other = base64.b64encode(csv_file([family_row("Zoë", "Nowak", "15/03/2023")])).decode()
    swapped = confirm(manager, preview(manager, data).text, file=other)
    assert swapped.status_code == 409 and len(children_named(database, "Nowak", "Zoë")) == 1


def test_the_template_and_the_export_use_the_import_columns(manager: TestClient) -> None:
    template = manager.get("/children/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]][:8] == header()[:8]
    assert "Carer 3 may collect" in manager.get("/children/import/template.csv").text
    exported = manager.get("/children/export.csv").text
    assert exported.startswith("\ufeffChild first name,Child last name,Date of birth")
    assert "Mia" in exported


def test_staff_who_are_not_managers_cannot_import_or_export(staff_client: TestClient) -> None:
    assert staff_client.get("/children/import").status_code == 403
    assert staff_client.get("/children/export.csv").status_code == 403


def test_an_exported_name_or_phone_never_runs_as_a_formula_and_imports_back_unchanged(
    manager: TestClient,
) -> None:
    row = family_row("=1+2", "Formula", **{"Carer 1 phone": "+44 7700 900123"})
    confirm(manager, preview(manager, csv_file([row])).text)
    sheet = load_workbook(io.BytesIO(manager.get("/children/export.xlsx").content)).active
    (found,) = [r for r in sheet.iter_rows() if r[1].value == "Formula"]
    assert (found[0].value, found[0].data_type) == ("=1+2", "s")
    assert (found[11].value, found[11].data_type) == ("+44 7700 900123", "s")
    exported = manager.get("/children/export.csv").content
    assert b"'=1+2,Formula" in exported and b"'+44 7700 900123" in exported
    again = preview(manager, exported, "children-and-carers.csv")
    assert "0 children to add, 0 to update" in again.text, again.text[-3000:]


def test_siblings_sharing_a_carer_get_one_adult_who_may_collect_both(
    manager: TestClient, database: str
) -> None:
    twins = [family_row("Ada", "Lovelace"), family_row("Byron", "Lovelace")]
    for row in twins:
        row["Carer 1 email"] = "amira@example.org"
        row["Carer 2 may collect"] = "yes"  # no email or phone: one adult per row
        row["Carer 2 phone"] = ""
        row["Carer 2 confirmed adult"] = "yes"
    page = preview(manager, csv_file(twins))
    assert "new adult who may collect (the same adult as on row 2)" in page.text
    adults = count(database, Adult)
    assert confirm(manager, page.text).status_code == 303
    assert count(database, Adult) == adults + 3
    engine = make_engine(database)
    with session_factory(engine)() as db:
        amira = db.scalar(select(Adult).where(Adult.email == "amira@example.org"))
        assert amira is not None
        kids = db.scalars(select(Authorisation.child_id).where(Authorisation.adult_id == amira.id))
        assert len(list(kids)) == 2
    engine.dispose()
    again = preview(manager, csv_file(twins)).text
    assert "0 children to add, 0 to update, 2 unchanged" in again
    assert "Nothing to change: confirm" in again
