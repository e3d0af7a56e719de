"""Dates in the panel are written the nursery's way (issue 15 §5: dd/mm/yyyy in the UK), not the
browser's: one reading of a typed date for every form and link, and a wrong one answered in
words on the same form with what was typed kept."""

from __future__ import annotations

import html
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.dates import ORDERS, date_order, not_a_date, read_day, show_day, typed_day
from db.models import AuditEntry, Child
from tests.admin.conftest import post_form
from tests.admin.test_import import children_named, confirm, csv_file, family_row, preview
from tests.admin.test_people import NEW_CHILD, child_id, db_of

UK, US, ISO = ORDERS["dmy"], ORDERS["mdy"], ORDERS["ymd"]


@pytest.mark.parametrize(
    ("typed", "order", "meant"),
    [
        ("03/12/2026", UK, date(2026, 12, 3)),
        ("3/12/2026", UK, date(2026, 12, 3)),
        (" 03.12.2026 ", UK, date(2026, 12, 3)),
        ("03-12-2026", UK, date(2026, 12, 3)),
        ("12/03/2026", US, date(2026, 12, 3)),
        ("2026-12-03", UK, date(2026, 12, 3)),  # a link or a bookmark, whatever the order
        ("2026-12-03", US, date(2026, 12, 3)),
        ("2026-12-03", ISO, date(2026, 12, 3)),
        ("29/02/2024", UK, date(2024, 2, 29)),
    ],
)
def test_a_date_typed_in_the_settings_order_or_as_iso_is_read(
    typed: str, order: object, meant: date
) -> None:
    assert read_day(typed, order) == meant  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "order"),
    [
        ("31/02/2023", UK),
        ("29/02/2023", UK),
        ("13/13/2026", UK),
        ("31/12/2026", US),  # month 31
        ("03/12/26", UK),  # a two-digit year is not guessed at
        ("03/12", UK),
        ("03/12/2026", ISO),  # a nursery writing yyyy-mm-dd is not second-guessed
        ("tomorrow", UK),
        ("", UK),
        ("2026-02-30", UK),
    ],
)
def test_what_is_not_a_date_is_none(typed: str, order: object) -> None:
    assert read_day(typed, order) is None  # type: ignore[arg-type]


def test_a_date_is_shown_in_the_settings_order_and_the_message_says_how_to_write_it() -> None:
    day = date(2026, 12, 3)
    assert [show_day(day, o) for o in (UK, US, ISO)] == ["03/12/2026", "12/03/2026", "2026-12-03"]
    assert not_a_date("31/02/2023", UK) == "31/02/2023 is not a date; write it as dd/mm/yyyy."
    assert not_a_date("2/30/2023", US).endswith("write it as mm/dd/yyyy.")
    # What a field shows: a date or a linked ISO date in the order; a mistake as it was typed.
    assert typed_day(day, UK) == typed_day("2026-12-03", UK) == "03/12/2026"
    assert typed_day("31/02/2023", UK) == "31/02/2023"
    assert typed_day(None, UK) == typed_day("", UK) == ""
    assert date_order(None) is UK and date_order("gone") is UK and date_order("mdy") is US


def test_a_child_born_on_a_ddmmyyyy_date_is_saved_on_that_day_and_shown_so(
    manager: TestClient, database: str
) -> None:
    form = NEW_CHILD | {"date_of_birth": "02/05/2024", "started_on": "1/9/2025"}
    response = post_form(manager, "/children/new", "/children/new", form)
    assert response.status_code == 303
    with db_of(database) as db:
        hoa = db.scalars(select(Child).where(Child.first_name == "Nguyễn")).one()
        assert (hoa.date_of_birth, hoa.started_on) == (date(2024, 5, 2), date(2025, 9, 1))
    page = manager.get(f"/children/{hoa.id}/edit").text
    assert 'value="02/05/2024"' in page and 'value="01/09/2025"' in page
    assert "dd/mm/yyyy" in page and 'type="date"' not in page


def test_a_date_that_is_not_one_comes_back_in_words_with_what_was_typed(
    manager: TestClient, database: str
) -> None:
    form = NEW_CHILD | {"date_of_birth": "31/02/2023"}
    response = post_form(manager, "/children/new", "/children/new", form)
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "31/02/2023 is not a date; write it as dd/mm/yyyy." in page
    assert 'value="31/02/2023"' in page and 'value="Nguyễn"' in page
    assert child_id(database, "Nguyễn") == 0


def test_the_register_is_asked_for_a_day_as_typed_and_a_bad_one_is_answered_on_its_form(
    manager: TestClient,
) -> None:
    page = manager.get("/register", params={"day": "03/12/2026"})
    assert page.status_code == 200 and "Thu 03 Dec 2026" in page.text
    assert 'value="03/12/2026"' in page.text
    assert "Thu 03 Dec 2026" in manager.get("/register?day=2026-12-03").text  # old links
    bad = manager.get("/register", params={"day": "32/12/2026"})
    assert bad.status_code == 400
    assert "32/12/2026 is not a date; write it as dd/mm/yyyy." in html.unescape(bad.text)
    assert 'value="32/12/2026"' in bad.text
    # The audit log's and the alerts' filters used to ignore or refuse a bad date elsewhere.
    for url in ("/audit", "/alerts", "/attendance", "/funding"):
        key = "week" if url == "/funding" else "start"
        shown = manager.get(url, params={key: "31/02/2026"})
        assert shown.status_code == 400, url
        assert "31/02/2026 is not a date" in html.unescape(shown.text), url


def test_a_nursery_that_writes_month_first_sees_and_types_dates_so(
    manager: TestClient, database: str
) -> None:
    settings = manager.get("/settings").text
    assert 'name="date_order"' in settings
    form = {"name": "Little Acorns", "time_zone": "Europe/London", "date_order": "mdy"}
    assert post_form(manager, "/settings", "/settings", form).status_code == 303
    with db_of(database) as db:
        changed = db.scalars(
            select(AuditEntry).where(AuditEntry.entity == "settings", AuditEntry.action == "update")
        ).all()
        assert any("mdy" in str(entry.changes) for entry in changed)
    page = manager.get("/register", params={"day": "2026-12-03"}).text
    assert 'value="12/03/2026"' in page and "mm/dd/yyyy" in page
    typed = NEW_CHILD | {"date_of_birth": "05/02/2024"}
    assert post_form(manager, "/children/new", "/children/new", typed).status_code == 303
    with db_of(database) as db:
        hoa = db.scalars(select(Child).where(Child.first_name == "Nguyễn")).one()
        assert hoa.date_of_birth == date(2024, 5, 2)


def test_a_month_first_nursery_imports_its_spreadsheet_month_first(
    manager: TestClient, database: str
) -> None:
    """The import reads a file's dates as the panel reads a typed one: one reading, one order."""
    form = {"name": "Little Acorns", "time_zone": "Europe/London", "date_order": "mdy"}
    assert post_form(manager, "/settings", "/settings", form).status_code == 303
    row = {"Start date": "09/01/2025", "Carer 1 date of birth": "05/02/1990"}
    good = family_row("Ada", "Okafor", "03/14/2023", **row)
    page = preview(manager, csv_file([good, family_row("Ben", "Okafor", "14/03/2023", **row)]))
    assert "row 3: date of birth 14/03/2023 is not a date; write it as mm/dd/yyyy" in page.text
    assert confirm(manager, preview(manager, csv_file([good])).text).status_code == 303
    (ada,) = children_named(database, "Okafor", "Ada")
    assert (ada.date_of_birth, ada.started_on) == (date(2023, 3, 14), date(2025, 9, 1))
    exported = manager.get("/children/export.csv").text  # read back by the same import
    assert "03/14/2023" in exported and "09/01/2025" in exported
