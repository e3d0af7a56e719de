"""A carer's e-mail language comes in and goes out with the children-and-carers spreadsheet
(issue 17): by code or by name, a language the kiosk lacks refused with the ones it has."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.models import Adult
from tests.admin.test_import import confirm, csv_file, family_row, preview


def _language_of(database: str, email: str) -> str:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        language = db.scalar(select(Adult.language).where(Adult.email == email))
    engine.dispose()
    assert language is not None
    return language


def test_a_carers_language_is_imported_by_name_and_exported_as_its_code(
    manager: TestClient, database: str
) -> None:
    row = family_row("Zoë", "Nowak", **{"Carer 1 language": "Polski"})
    page = preview(manager, csv_file([row]))
    confirm(manager, page.text)
    assert _language_of(database, row["Carer 1 email"]) == "pl"
    exported = manager.get("/children/export.csv").text
    assert "Carer 1 language" in exported.splitlines()[0]
    (line,) = [x for x in exported.splitlines() if row["Carer 1 email"] in x]
    assert line.split(",")[16] == "pl"
    assert "0 children to add, 0 to update" in preview(manager, exported.encode()).text
    changed = preview(manager, csv_file([row | {"Carer 1 language": "urdu"}])).text
    assert "e-mails in ur" in changed


def test_a_language_the_kiosk_does_not_have_is_refused_with_the_ones_it_has(
    manager: TestClient,
) -> None:
    row = family_row("Łukasz", "Wiśniewski", **{"Carer 1 language": "Klingon"})
    page = preview(manager, csv_file([row])).text
    assert "carer 1 language “Klingon” is not one of the kiosk" in page.replace("&#39;", "'")
    assert "Polski (Polish)" in page
