"""A written permission that came from the parents' page with a photo (issue 17 §3): at the
door, the handover screen shows that photo for the person collecting under it, since it is of
the person the parent meant; any other collection shows the adult's own photo as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kiosk import views
from kiosk.door import ByChosenAdult, ReleasePending
from tests.factories import MORNING, Nursery, arrive


def test_the_door_shows_the_parents_photo_for_a_collection_under_that_permission() -> None:
    nursery = Nursery()
    mia = nursery.child(first_name="Mia")
    mum = nursery.adult(may_collect=(mia,), has_photo=True)
    nan = nursery.adult(first_name="Nan", has_photo=True)
    permission = nursery.permission(mia, nan, MORNING.date())
    nursery.permissions[-1] = replace(permission, has_photo=True)
    door = nursery.door()
    arrive(door, mia, mum)
    later = MORNING + timedelta(hours=6)
    pending = door.collect(child_id=mia.id, collector=ByChosenAdult(nan.id), now=later)
    assert isinstance(pending, ReleasePending)
    card = views.handover_card(nursery.book(), [pending])
    assert card["collector_photo"] == ("permission", permission.id)

    without = replace(nursery, permissions=[permission]).book()  # sent with no photo
    assert views.handover_card(without, [pending])["collector_photo"] == ("adult", nan.id)
