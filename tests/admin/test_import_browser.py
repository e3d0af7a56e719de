"""The spreadsheet import in a real Chromium against ``handover hub`` in its own process: a file
with a bad row is refused row by row, the fixed file is previewed and confirmed, and both
previews fit an office screen and a phone (390 px, no sideways scrolling)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.admin.test_browser import CHROMIUM, fits
from tests.admin.test_import import NAMES, family_row, xlsx_file

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")


def _upload(page: Page, path: Path) -> None:
    page.goto("/children/import")
    page.set_input_files("#f-file", str(path))
    page.click("button:has-text('Preview')")


def test_the_manager_previews_a_spreadsheet_fixes_a_row_and_confirms(
    manager_page: Page, tmp_path: Path
) -> None:
    page = manager_page
    rows = [family_row(first, last) for first, last in NAMES]
    rows[1] = family_row("Łukasz", "Wiśniewski", "31/02/2023")
    bad, good = tmp_path / "children.xlsx", tmp_path / "children-fixed.xlsx"
    bad.write_bytes(xlsx_file(rows))
    good.write_bytes(xlsx_file([family_row(first, last) for first, last in NAMES]))
    page.goto("/children")
    page.click("a:has-text('Import from a spreadsheet')")
    fits(page, "children-import")
    _upload(page, bad)
    expect(page.locator(".error-summary")).to_contain_text(
        "row 3: date of birth 31/02/2023 is not a date"
    )
    expect(page.locator("button:has-text('Import')")).to_have_count(0)
    fits(page, "children-import-problems")
    _upload(page, good)
    expect(page.locator(".notice")).to_contain_text("4 children to add")
    expect(page.locator(".import-plan")).to_contain_text("ياسمين حداد")
    fits(page, "children-import-preview")
    page.click("button:has-text('Import: add and update as shown')")
    page.wait_for_url("**/children?imported=4*")
    expect(page.locator(".notice")).to_contain_text("Imported: 4 children added")
    expect(page.locator("table")).to_contain_text("Minh Nguyễn")
