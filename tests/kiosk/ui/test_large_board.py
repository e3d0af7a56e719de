"""The arrival board of a large setting (issue 11, point 7): sixty children, and a child still
finds their own picture in three taps, choosing their room first; the demo's twenty-five are
on one screen without scrolling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, select

from db.models import Adult, Authorisation, Child, Event, Outbox, Room
from db.seed_families import avatar
from tests.kiosk.ui.conftest import Kiosk

FIRST = [
    "Alfie", "Bella", "Caleb", "Daisy", "Elijah", "Freya", "George", "Hana", "Isaac",
    "Jasmine", "Kai", "Lily", "Mohammed", "Nia", "Oscar", "Poppy", "Rayan", "Sofia",
    "Tomasz", "Uma", "Vihaan", "Willow", "Xander", "Yara", "Zain", "Aisha", "Bruno",
    "Chloé", "Dawid", "Esme", "Femi", "Grace", "Harvey", "Ines", "Jude",
]  # fmt: skip


@pytest.fixture
def sixty_children(kiosk: Kiosk) -> Iterator[Kiosk]:
    """The demo nursery grown to sixty: 35 more children, each brought by their own mum."""
    service = kiosk.app.service
    added: list[tuple[int, int]] = []
    with service.store.sessions.begin() as session:
        rooms = list(session.scalars(select(Room).order_by(Room.id)))
        for number, first in enumerate(FIRST):
            child = Child(
                first_name=first,
                last_name="Large",
                date_of_birth=date(2023, 1 + number % 12, 1),
                room_id=rooms[number % len(rooms)].id,
                photo=avatar(first, "Large"),
            )
            mum = Adult(first_name=f"Mum of {first}", last_name="Large", confirmed_adult=True)
            session.add_all([child, mum])
            session.flush()
            session.add(Authorisation(child_id=child.id, adult_id=mum.id, relationship="Mother"))
            added.append((child.id, mum.id))
            service.photos[("child", child.id)] = child.photo or b""
    _reload_people(kiosk)
    try:
        yield kiosk
    finally:

        def forget() -> None:
            with service.store.sessions.begin() as session:
                session.execute(delete(Event))
                session.execute(delete(Outbox))
                children, adults = zip(*added, strict=True)
                session.execute(delete(Authorisation).where(Authorisation.child_id.in_(children)))
                session.execute(delete(Child).where(Child.id.in_(children)))
                session.execute(delete(Adult).where(Adult.id.in_(adults)))
            service.pulled([], people_changed=True)
            service.reload_day()

        service.run(forget).result(timeout=10)
        for child_id, _ in added:
            service.photos.pop(("child", child_id), None)
        kiosk.app.home()
        kiosk.pump()


def _reload_people(kiosk: Kiosk) -> None:
    service = kiosk.app.service
    service.run(lambda: service.pulled([], people_changed=True)).result(timeout=10)
    kiosk.app.home()
    kiosk.pump()


def _count_touches(kiosk: Kiosk) -> list[Any]:
    """Every finger that lands on the kiosk's window from now on."""
    from kivy.core.window import Window

    touches: list[Any] = []
    Window.bind(on_touch_down=lambda _window, touch: touches.append(touch))
    return touches


def _room_button_colour(kiosk: Kiosk, name: str) -> list[float]:
    button = kiosk.find(name)
    return [round(c, 3) for c in button.background]


def _office_colour(kiosk: Kiosk, name: str) -> list[float]:
    from kivy.utils import get_color_from_hex

    with kiosk.app.service.store.sessions() as session:
        colour = session.scalars(select(Room.colour).where(Room.name == name)).one()
    return [round(c, 3) for c in get_color_from_hex(colour)]


def _tiles_on_board(kiosk: Kiosk) -> list[Any]:
    from kiosk.ui.widgets import Tile

    kiosk.pump()
    return [w for w in kiosk.app.screens.current_screen.walk() if isinstance(w, Tile)]


def _scrolls(kiosk: Kiosk) -> bool:
    from kivy.uix.scrollview import ScrollView

    views = [w for w in kiosk.app.screens.current_screen.walk() if isinstance(w, ScrollView)]
    return any(v.children and v.children[0].height > v.height + 1 for v in views)


def test_a_child_of_sixty_finds_her_room_then_her_picture_in_three_taps(
    sixty_children: Kiosk,
) -> None:
    kiosk = sixty_children
    texts = kiosk.texts()
    assert {"Babies", "Twos", "Pre-school"} <= set(texts), "the rooms are on the home screen"
    assert _room_button_colour(kiosk, "Twos") == _office_colour(kiosk, "Twos")
    kiosk.screenshot("kiosk-home-sixty-children")
    touches = _count_touches(kiosk)
    kiosk.tap("Twos")
    assert kiosk.screen == "arrival"
    shown = {tile.person_label for tile in _tiles_on_board(kiosk)}
    assert "Mia" in shown and "Theo" in shown, "the Twos' own children"
    assert "Chidi" not in shown and "Ebele" not in shown, "Pre-school and Babies are elsewhere"
    assert not _scrolls(kiosk), "a room of the large setting fits on one screen"
    kiosk.screenshot("kiosk-arrival-board-sixty-children")
    kiosk.tap("Mia")
    kiosk.tap("Kirsty")
    assert kiosk.screen == "done"
    assert len(touches) == 3
    assert kiosk.ids["Mia Walsh"] in kiosk.app.snapshot.timeline.on_site


def test_a_child_in_the_wrong_room_goes_back_and_finds_the_right_one(
    sixty_children: Kiosk,
) -> None:
    kiosk = sixty_children
    kiosk.tap("Babies")
    assert "Chidi" not in {tile.person_label for tile in _tiles_on_board(kiosk)}
    kiosk.tap("Back")
    kiosk.tap("Pre-school")
    kiosk.tap("Chidi")
    assert kiosk.screen == "choose_adult"


def test_the_demo_nurserys_twenty_five_children_fit_one_board_without_scrolling(
    kiosk: Kiosk,
) -> None:
    assert "Arriving" in kiosk.texts() and "Twos" not in kiosk.texts()
    kiosk.tap("Arriving")
    assert len(_tiles_on_board(kiosk)) == 25
    assert not _scrolls(kiosk)  # its picture is test_flows' kiosk-arrival-board
