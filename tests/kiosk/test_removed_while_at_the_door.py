"""A child the office removes (issue 15 §3) while a family is part-way through the door's
screens: the sync brings a book without them, and every screen that names them still shows,
with staff left to decide, instead of the kiosk failing on a name it no longer has."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kiosk import views
from kiosk.door import ByChosenAdult, ReleasePending
from tests.factories import MORNING, Nursery, arrive


def test_a_handover_waiting_for_staff_still_shows_when_the_child_is_removed_meanwhile() -> None:
    nursery = Nursery()
    mia = nursery.child(first_name="Mia")
    mum = nursery.adult(may_collect=(mia,))
    door = nursery.door()
    arrive(door, mia, mum)
    pending = door.collect(
        child_id=mia.id, collector=ByChosenAdult(mum.id), now=MORNING + timedelta(hours=6)
    )
    assert isinstance(pending, ReleasePending)
    removed = replace(nursery, children=[], authorisations=[]).book()  # the next sync's book
    card = views.handover_card(removed, [pending])
    assert card["children"][0]["name"] == views.NO_LONGER_LISTED
    assert card["children"][0]["photo"] is None
    assert card["collector"]  # staff still see who is collecting, and decide
    assert views.first_name(removed, mia.id) == views.NO_LONGER_LISTED
    assert views.first_name(nursery.book(), mia.id) == "Mia"
    assert views.adults_for_child(removed, mia.id, MORNING.date()) == []
