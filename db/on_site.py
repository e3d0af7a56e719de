"""Who is on site now, room by room: one answer for the door's staff mode and fire roll call
and for the office's Today page, so the two can never disagree about where a child is.

Pure Python beside :class:`db.timeline.Timeline`: callers bring the names and the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from db.day_parts import Shift, Stay
from db.timeline import Timeline


@dataclass
class RoomOnSite:
    room_id: int | None
    children: list[Stay] = field(default_factory=list)
    staff: list[Shift] = field(default_factory=list)


def on_site_by_room(
    timeline: Timeline, home_rooms: Mapping[int, int | None]
) -> dict[int | None, RoomOnSite]:
    """Children and staff on site, by room. A child signed in with no room (a door that did not
    know it, an old event) counts in their own room from ``home_rooms`` (child id -> room), so
    a roll call looks for them where they are; a room with nobody in it is left out."""
    rooms: dict[int | None, RoomOnSite] = {}

    def room(room_id: int | None) -> RoomOnSite:
        return rooms.setdefault(room_id, RoomOnSite(room_id))

    for stay in timeline.on_site.values():
        where = stay.room_id if stay.room_id is not None else home_rooms.get(stay.child_id)
        room(where).children.append(stay)
    for shift in timeline.staff_on_site.values():
        room(shift.room_id).staff.append(shift)
    return rooms
