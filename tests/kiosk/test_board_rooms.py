"""Which rooms the arrival board offers first (issue 11, point 7), as plain data."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk import views
from tests.factories import Nursery, arrive

ROOMS = {1: "Babies", 2: "Twos", 3: "Pre-school"}


def _board(rooms_of_children: Sequence[int | None], *, in_already: int = 0) -> list[views.Tile]:
    nursery = Nursery()
    children = [
        nursery.child(first_name=f"Child {n:02}", room_id=room, has_photo=n % 2 == 0)
        for n, room in enumerate(rooms_of_children)
    ]
    mum = nursery.adult(may_collect=tuple(children))
    door = nursery.door()
    for child in children[:in_already]:
        arrive(door, child, mum)
    return views.child_tiles(
        door.book, door.timeline, privacy_mode="photo_first_name", on_site=False
    )


def test_a_board_that_fits_one_screen_offers_no_rooms() -> None:
    tiles = _board([1, 2, 3] * 9)
    assert len(tiles) == 27
    assert views.rooms_on_board(tiles, ROOMS, fits=28) == []


def test_a_large_setting_offers_its_rooms_in_order_with_their_children_and_faces() -> None:
    tiles = _board([3, 1, 2] * 20)
    colours = {1: "#e3a587", 2: "#8fb996"}  # as the office set them; Pre-school has none
    rooms = views.rooms_on_board(tiles, ROOMS, fits=28, colours=colours)
    assert [(r["label"], r["colour"], r["place"], len(r["children"])) for r in rooms] == [
        ("Babies", "#e3a587", 0, 20),
        ("Twos", "#8fb996", 1, 20),
        ("Pre-school", "", 2, 20),
    ]
    babies = {t["id"] for t in tiles if t["room"] == 1}
    assert set(rooms[0]["children"]) == babies
    assert len(rooms[0]["faces"]) == 3
    assert all(face is not None for room in rooms for face in room["faces"])


def test_children_already_in_leave_the_rooms_and_the_board_shrinks_back_to_one() -> None:
    tiles = _board([1, 2, 3] * 12, in_already=9)
    assert len(tiles) == 27
    assert views.rooms_on_board(tiles, ROOMS, fits=28) == []


def test_a_child_in_no_room_or_a_room_since_closed_is_still_offered_last() -> None:
    tiles = _board([1] * 29 + [None, 9])
    rooms = views.rooms_on_board(tiles, ROOMS, fits=28)
    assert [r["label"] for r in rooms] == ["Babies", ""]
    assert len(rooms[-1]["children"]) == 2
