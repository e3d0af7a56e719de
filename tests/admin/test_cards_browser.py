"""Cards in a real Chromium on a touch screen against ``handover hub`` in its own process
(issue 15.3): the manager ticks people in a list (no Ctrl-click: a tablet has no Ctrl key),
a whole room at once, issues their cards, and every line of every printed card, a long name
with a photo or without, lies inside the card's cut line."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from db import audit
from db.models import Adult, Authorisation, Child, Room
from tests.admin.hub_process import RunningHub
from tests.admin.test_browser import ARGS, CHROMIUM, fits, sign_in
from tests.admin.test_people import db_of

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
LONG_NAME = ("Nguyễn Thị Minh", "Khai-Worthington")
LONGER_NAME = ("Maximiliana-Esperanza", "Featherstonehaugh-Ó Dálaigh")

# Every line of text (each line box of each text node, as Chromium laid it out) and every
# picture on a card, and those that stick out past the inside of its dashed border.
OUTSIDE = """(card) => {
  const box = card.getBoundingClientRect();
  const edge = parseFloat(getComputedStyle(card).borderLeftWidth) || 0;
  const inside = (r) => r.left >= box.left + edge - 0.5 && r.top >= box.top + edge - 0.5 &&
    r.right <= box.right - edge + 0.5 && r.bottom <= box.bottom - edge + 0.5;
  const out = [];
  let lines = 0;
  const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || node.parentElement.closest("svg")) { continue; }
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width === 0) { continue; }
      lines += 1;
      if (!inside(r)) { out.push(node.textContent.trim()); }
    }
  }
  for (const picture of card.querySelectorAll("img, svg")) {
    if (!inside(picture.getBoundingClientRect())) { out.push(picture.tagName); }
  }
  return {lines: lines, outside: out};
}"""


@pytest.fixture
def cards_hub(seeded_template: Path, tmp_path: Path) -> Iterator[tuple[RunningHub, str]]:
    """The demo nursery with two carers whose names are long, one with a photo and one
    without, both collecting a child of the first room."""
    database = str(tmp_path / "hub.db")
    shutil.copy(seeded_template, database)
    audit.install()
    with db_of(database) as db:
        audit.set_actor(db, "test")
        room = db.scalars(select(Room).order_by(Room.id)).first()
        assert room is not None
        child = db.scalars(select(Child).where(Child.room_id == room.id)).first()
        photo = db.scalar(select(Adult.photo).where(Adult.photo.is_not(None)).limit(1))
        assert child is not None and photo is not None
        for (first, last), picture in ((LONG_NAME, photo), (LONGER_NAME, None)):
            adult = Adult(first_name=first, last_name=last, photo=picture, confirmed_adult=True)
            db.add(adult)
            db.flush()
            db.add(Authorisation(child_id=child.id, adult_id=adult.id, relationship="Aunt"))
        db.commit()
        room_name = room.name
    hub = RunningHub(database, tmp_path / "console.log").start()
    yield hub, room_name
    hub.stop()


def _sheet_fits_the_cut_lines(page: Page) -> None:
    cards = page.locator(".qr-card")
    for index in range(cards.count()):
        card = cards.nth(index)
        measured: dict[str, Any] = card.evaluate(OUTSIDE)
        assert measured["lines"] >= 4, card.inner_text()
        assert measured["outside"] == [], f"{card.inner_text()!r}: {measured['outside']}"


def test_the_manager_ticks_a_room_and_a_colleague_and_prints_cards_that_fit(
    cards_hub: tuple[RunningHub, str],
) -> None:
    hub, room = cards_hub
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            base_url=hub.url,
            viewport={"width": 1280, "height": 860},
            ignore_https_errors=True,
            has_touch=True,  # a room tablet: taps, no Ctrl key
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page)
        page.goto("/cards")
        expect(page.locator("select[multiple]")).to_have_count(0)
        group = page.locator("fieldset.tick-group", has_text=room).first
        group.locator("label.tick-all").tap()
        in_room = group.locator("input[name=holder]")
        ticked = in_room.count()
        assert ticked >= 3
        for index in range(ticked):
            expect(in_room.nth(index)).to_be_checked()
        staff = page.locator("fieldset#staff label.tick", has_text="Saskia Brown")
        staff.tap()  # the whole row is the target, not only the box
        expect(staff.locator("input")).to_be_checked()
        people = len(set(page.eval_on_selector_all(
            "input[name=holder]:checked", "boxes => boxes.map(b => b.value)"
        )))  # fmt: skip
        assert people == ticked + 1
        expect(page.locator("[data-tick-count]")).to_have_text(f" ({people})")
        target = staff.bounding_box()
        assert target is not None and target["height"] >= 44  # a thumb's width
        fits(page, "cards")
        page.locator("button:has-text('Issue and print the cards ticked')").tap()
        expect(page.locator(".qr-card")).to_have_count(people)
        for first, last in (LONG_NAME, LONGER_NAME):
            expect(page.locator(".qr-card", has_text=f"{first} {last}")).to_have_count(1)
        expect(page.locator(".qr-card", has_text=LONG_NAME[1]).locator("img.photo")).to_be_visible()
        expect(page.locator(".qr-card", has_text=LONGER_NAME[1]).locator("img")).to_have_count(0)
        _sheet_fits_the_cut_lines(page)  # on screen
        page.emulate_media(media="print")
        expect(page.locator("header.top")).to_be_hidden()
        _sheet_fits_the_cut_lines(page)  # and as printed
        fits(page, "cards-sheet")
        browser.close()
