"""In real Chromium against a real hub process: a child handed over at a door that never saw her
arrive is on the register with "arrival not recorded", and the page says her hours are unknown
and not counted, at desk and phone widths (issue 11, point 1)."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.clock import local_day
from db.engine import make_engine, session_factory
from db.events import append_events
from db.models import Child, Staff
from db.register import daily_register, setting_zone
from tests.admin.test_browser import browser, hub, hub_database, page, screenshot, sign_in
from tests.factories import handed_over_unseen

__all__ = ["browser", "hub", "hub_database", "page"]  # the fixtures of the browser tests


def _handed_over_where_no_arrival_was_seen(database: str) -> str:
    """A child not on today's register, handed over at the back door: her name."""
    engine = make_engine(database)
    with session_factory(engine)() as db:
        now = datetime.now(UTC)
        zone = setting_zone(db)
        here = {row.child_id for row in daily_register(db, local_day(now, zone), zone)}
        child = db.scalars(select(Child).where(Child.id.not_in(here)).order_by(Child.id)).first()
        staff = db.scalars(select(Staff).order_by(Staff.id)).first()
        assert child is not None and staff is not None
        handed = handed_over_unseen(
            child_id=child.id, staff_id=staff.id, now=now, collector_name="Kirsty Walsh"
        )
        append_events(db, [handed])
        db.commit()
        name = f"{child.first_name} {child.last_name}"
    engine.dispose()
    return name


def test_a_stay_with_no_recorded_arrival_is_flagged_on_the_register_not_counted_as_nothing(
    page: Page, hub_database: str
) -> None:
    name = _handed_over_where_no_arrival_was_seen(hub_database)
    sign_in(page, "saskia", "acorns-staff", lands_on="/today")
    page.goto("/register")
    row = page.locator("table.register tr", has_text=name)
    expect(row).to_contain_text("arrival not recorded")
    note = page.locator("p.notice.warning")
    expect(note).to_have_text(
        "1 stay has no recorded arrival: its hours are unknown and not counted in the hours. "
        "The hours CSV names the day; check it against the paper register."
    )
    expect(page.get_by_text("A stay with no recorded arrival has no length")).to_be_visible()
    screenshot(page, "admin-register-hours-unknown.png")
    # The register's ten columns are wider than a phone (as before this change): the note above
    # the hours form still reads at 390 px.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(note).to_be_visible()
    box = note.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    screenshot(page, "admin-register-hours-unknown-phone.png")
