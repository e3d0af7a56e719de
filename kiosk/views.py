"""What each screen shows, as plain dicts: turned from the door's records without Kivy, and
unit-tested on their own. A screen only lays these out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from db.names import sort_key
from db.timeline import Timeline
from db.vocabulary import Check
from kiosk.door.book import AdultInfo, PeopleBook
from kiosk.door.decisions import ReleasePending

Tile = dict[str, Any]


def tile_label(first_name: str, last_name: str, privacy_mode: str) -> str:
    """What the public board says of a child (R12): first name, or first name and initial."""
    if privacy_mode == "first_name_initial":
        return f"{first_name} {last_name[:1]}." if last_name else first_name
    return first_name


def child_tiles(
    book: PeopleBook, timeline: Timeline, *, privacy_mode: str, on_site: bool
) -> list[Tile]:
    """The self-registration board: children not yet in (arrival) or on site (collection).
    In card-first mode the board shows no child at all: a card starts everything."""
    if privacy_mode == "card_first":
        return []
    tiles: list[Tile] = []
    for child in book.children.values():
        if (child.id in timeline.on_site) != on_site:
            continue
        tiles.append(
            {
                "id": child.id,
                "label": tile_label(child.first_name, child.last_name, privacy_mode),
                "photo": ("child", child.id)
                if child.has_photo and privacy_mode != "first_name_initial"
                else None,
                "order": sort_key(child.first_name, child.last_name),
                "room": child.room_id,
            }
        )
    tiles.sort(key=lambda t: t["order"])
    return tiles


def rooms_on_board(
    tiles: list[Tile], rooms: dict[int, str], *, fits: int, colours: dict[int, str] | None = None
) -> list[Tile]:
    """The rooms a child picks first when more children are to come than fit on one board
    (R1: still three taps): name, colour (the office's, else by the room's place), its
    children, three faces. None when every child fits on one screen; children in no room
    come last, unnamed."""
    if len(tiles) <= fits:
        return []
    groups: list[Tile] = []
    for place, room_id in enumerate([*sorted(rooms), None]):
        members = [t for t in tiles if (t["room"] if t["room"] in rooms else None) == room_id]
        if members:
            group: Tile = {"id": room_id, "place": place, "children": [t["id"] for t in members]}
            group["label"] = rooms[room_id] if room_id is not None else ""
            group["colour"] = (colours or {}).get(room_id, "") if room_id is not None else ""
            group["faces"] = [t["photo"] for t in members if t["photo"] is not None][:3]
            groups.append(group)
    return groups


def adults_for_child(book: PeopleBook, child_id: int, today: date) -> list[Tile]:
    """Who can be chosen as the collector (or who brought the child): standing authorised
    adults, then adults with a written permission that has not long expired; choosing one
    outside their dates is refused by the door, with an alert."""
    chosen: dict[int, str] = {
        adult_id: auth.relationship for adult_id, auth in book.authorised.get(child_id, {}).items()
    }
    for permission in book.permissions.get(child_id, ()):
        if permission.adult_id not in chosen and (today - permission.valid_to).days <= 7:
            chosen[permission.adult_id] = "Written permission"
    tiles: list[Tile] = []
    for adult_id, relationship in chosen.items():
        adult = book.adults.get(adult_id)
        if adult is None:
            continue
        tiles.append(
            {
                "id": adult.id,
                "label": adult.first_name,
                "detail": relationship,
                "photo": ("adult", adult.id) if adult.has_photo else None,
                "order": sort_key(adult.first_name, adult.last_name),
            }
        )
    tiles.sort(key=lambda t: t["order"])
    return tiles


def family_tiles(book: PeopleBook, child_ids: Iterable[int]) -> list[Tile]:
    """A carer's own children, as the arrival and going-home choices show them."""
    tiles: list[Tile] = []
    for child_id in child_ids:
        child = book.children.get(child_id)
        if child is None:
            continue
        tiles.append(
            {
                "id": child.id,
                "label": child.first_name,
                "photo": ("child", child.id) if child.has_photo else None,
                "order": sort_key(child.first_name, child.last_name),
            }
        )
    tiles.sort(key=lambda t: t["order"])
    return tiles


def siblings_to_bring(
    book: PeopleBook, timeline: Timeline, adult_id: int, already: int
) -> list[Tile]:
    """The carer's other children not yet in: offered so siblings arrive together."""
    others = book.children_of_adult.get(adult_id, ())
    return family_tiles(book, (c for c in others if c != already and c not in timeline.on_site))


def siblings_going_home(
    book: PeopleBook, timeline: Timeline, adult_id: int, chosen: int
) -> list[int]:
    """The collector's other children on site: offered so brothers and sisters go together."""
    others = book.children_of_adult.get(adult_id, ())
    return sorted(c for c in others if c != chosen and c in timeline.on_site)


def key_person_name(book: PeopleBook, child_id: int) -> str:
    child = book.children.get(child_id)
    staff = book.staff.get(child.key_person_id) if child and child.key_person_id else None
    return staff.first_name if staff else ""


# A child the office removed after the door decided (a sync arrived between the decision and
# this screen): the screen still shows, with this in place of a name, and staff decide.
NO_LONGER_LISTED = "(no longer on this door's list)"


def first_name(book: PeopleBook, child_id: int | None) -> str:
    child = book.children.get(child_id) if child_id is not None else None
    return child.first_name if child else NO_LONGER_LISTED


def _collector_photo(
    book: PeopleBook, pending: ReleasePending, adult: AdultInfo | None
) -> tuple[str, int] | None:
    """Under a written permission that came with a parent's photo, that photo: it is of the
    person the parent meant. Otherwise the adult's own, if the nursery has one."""
    permission_id = pending.request.payload.get("permission_id")
    for permission in book.permissions.get(pending.child_id, ()):
        if permission.id == permission_id and permission.has_photo:
            return ("permission", permission.id)
    return ("adult", adult.id) if adult is not None and adult.has_photo else None


def handover_card(book: PeopleBook, pendings: list[ReleasePending]) -> dict[str, Any]:
    """What the member of staff sees before one confirmation: every child going home with this
    collector, what to check (R5), and each child this door never saw arrive."""
    first = pendings[0]
    adult = book.adults.get(first.adult_id) if first.adult_id is not None else None
    checks = {c.value for p in pendings for c in p.checks}
    children = []
    for pending in pendings:
        child = book.children.get(pending.child_id)
        children.append(
            {
                "name": child.full_name if child else NO_LONGER_LISTED,
                "first_name": child.first_name if child else NO_LONGER_LISTED,
                "photo": ("child", child.id) if child and child.has_photo else None,
                "not_seen_here": Check.SEE_THE_CHILD in pending.checks,
            }
        )
    return {
        "children": children,
        "collector": first.collector_name,
        "collector_photo": _collector_photo(book, first, adult),
        "method": first.method.value,
        "checks": sorted(checks),
        "needs_id": Check.CHECK_ID_DOCUMENT.value in checks,
    }


def staff_tiles(book: PeopleBook, timeline: Timeline | None = None) -> list[Tile]:
    on_site = timeline.staff_on_site if timeline else {}
    tiles: list[Tile] = [
        {
            "id": s.id,
            "label": s.first_name,
            "detail": s.last_name,
            "photo": ("staff", s.id),
            "on_site": s.id in on_site,
            "order": sort_key(s.first_name, s.last_name),
        }
        for s in book.staff.values()
        if s.active
    ]
    tiles.sort(key=lambda t: t["order"])
    return tiles
