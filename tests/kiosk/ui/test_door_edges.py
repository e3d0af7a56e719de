"""The door's edges (issue 11, points 1-3), driven by real touches on the rendered kiosk: this
kiosk is "door B", which never heard of arrivals made at another door."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import Event
from db.vocabulary import EventType, Reason, Severity
from kiosk.store.local import SyncStatus
from tests.kiosk.ui.conftest import MORNING, Kiosk
from tests.kiosk.ui.test_flows import _arrive, _pin, _stored

OKONKWO = ("Chidi", "Adaeze", "Ebele")


def _stored_payloads(kiosk: Kiosk, kind: EventType) -> list[dict[str, object]]:
    with kiosk.app.service.store.sessions() as session:
        rows = session.scalars(select(Event).where(Event.type == kind.value))
        return [dict(r.payload or {}) for r in rows]


def _out_of_touch(kiosk: Kiosk) -> None:
    """The office hub has not answered for ten minutes."""
    kiosk.app.service.sync_status = SyncStatus(
        hub="http://office.example", last_sync_at=MORNING - timedelta(minutes=10), last_error="x"
    )


def _in_touch(kiosk: Kiosk) -> None:
    kiosk.app.service.sync_status = SyncStatus()


def test_mum_collecting_at_a_door_that_never_saw_the_arrival_is_sent_to_staff_not_to_sign_in(
    kiosk: Kiosk,
) -> None:
    kiosk.tap("Collecting")
    assert "No child is signed in at this door yet." in kiosk.texts()
    kiosk.screenshot("kiosk-collection-empty")

    kiosk.scan(kiosk.card("Kirsty Walsh"))  # Mia came in at the other door this morning

    assert kiosk.screen == "wait", "after Collecting, a card never leads to an arrival"
    assert _stored(kiosk, EventType.CHILD_ARRIVED) == 0
    (notice,) = kiosk.app.snapshot.timeline.open_alerts()
    assert notice.reason == Reason.ARRIVAL_NOT_KNOWN_HERE and "Mia Walsh" in notice.details["text"]
    kiosk.tap("Staff: confirm the handover")
    assert "This door did not see Mia arrive: make sure Mia is with you." in kiosk.texts()
    kiosk.screenshot("kiosk-handover-not-seen-here")
    kiosk.tap("Confirm with my PIN")
    _pin(kiosk)

    assert kiosk.screen == "done" and "Mia is going home with Kirsty Walsh." in kiosk.texts()
    (collected,) = _stored_payloads(kiosk, EventType.CHILD_COLLECTED)
    assert collected["arrival_known_here"] is False


def test_an_empty_collection_board_offers_staff_and_every_staff_screen_hears_of_it(
    kiosk: Kiosk,
) -> None:
    kiosk.tap("اردو")  # a family who reads Urdu is told the same, in Urdu
    kiosk.tap("واپسی")  # Collecting
    assert "اس دروازے پر ابھی کوئی بچہ سائن اِن نہیں ہوا۔" in kiosk.texts()
    kiosk.screenshot("kiosk-collection-empty-urdu")
    kiosk.tap("عملے کو بلائیں")  # Ask a member of staff
    assert kiosk.screen == "wait"
    assert [a.reason for a in kiosk.app.snapshot.timeline.open_alerts()] == [Reason.HELP_ASKED]


def test_a_card_at_a_door_out_of_touch_with_the_office_asks_dropping_off_or_collecting(
    kiosk: Kiosk,
) -> None:
    _out_of_touch(kiosk)
    try:
        kiosk.scan(kiosk.card("Kirsty Walsh"))
        assert kiosk.screen == "drop_or_collect"
        kiosk.screenshot("kiosk-drop-or-collect")
        kiosk.tap("Collecting")
    finally:
        _in_touch(kiosk)
    assert kiosk.screen == "wait" and _stored(kiosk, EventType.CHILD_ARRIVED) == 0
    assert kiosk.app.snapshot.timeline.pending_collections


def test_dropping_off_at_a_door_out_of_touch_still_signs_the_children_in(kiosk: Kiosk) -> None:
    _out_of_touch(kiosk)
    try:
        kiosk.scan(kiosk.card("Kirsty Walsh"))
        kiosk.tap("Dropping off")
    finally:
        _in_touch(kiosk)
    assert kiosk.screen == "arrival_confirm"
    kiosk.tap("Sign in (1)")
    assert kiosk.ids["Mia Walsh"] in kiosk.app.snapshot.timeline.on_site


def test_a_card_at_a_door_in_touch_with_the_office_signs_in_without_asking(kiosk: Kiosk) -> None:
    kiosk.scan(kiosk.card("Kirsty Walsh"))
    assert kiosk.screen == "arrival_confirm"


def test_darren_shows_his_card_while_mia_is_not_in_and_only_the_calm_wait_is_shown(
    kiosk: Kiosk,
) -> None:
    for start in (kiosk.app.home, lambda: kiosk.tap("Collecting"), lambda: kiosk.tap("Arriving")):
        kiosk.app.home()
        kiosk.pump()
        start()
        kiosk.scan(kiosk.card("Darren Cole"))
        assert kiosk.screen == "wait"
        shown = " ".join(kiosk.texts())
        assert "Mia" not in shown and "None of your children" not in shown
    alerts = kiosk.app.snapshot.timeline.open_alerts()
    assert len(alerts) == 3 and {a.severity for a in alerts} == {Severity.CRITICAL}
    assert {a.child_id for a in alerts} == {kiosk.ids["Mia Walsh"]}
    assert kiosk.app.chime.played[-1] == "critical"
    assert _stored(kiosk, EventType.CHILD_ARRIVED) == 0


def test_a_typed_name_matching_a_court_order_holds_the_arrival_for_staff(kiosk: Kiosk) -> None:
    kiosk.tap("Arriving")
    kiosk.tap("Mia")
    kiosk.tap("Someone else")
    kiosk.type_on_keyboard("Darren Cole")
    kiosk.tap("Done")
    assert kiosk.screen == "wait"
    assert kiosk.ids["Mia Walsh"] not in kiosk.app.snapshot.timeline.on_site
    (alert,) = kiosk.app.snapshot.timeline.open_alerts()
    assert alert.reason == Reason.RESTRICTED_PERSON_ARRIVING
    assert alert.severity == Severity.CRITICAL


def test_ngozi_takes_three_children_home_with_one_wait_and_one_pin_in_nine_taps(
    kiosk: Kiosk,
) -> None:
    _arrive(kiosk, *(f"{n} Okonkwo" for n in OKONKWO), by="Ngozi Okonkwo")
    kiosk.taps = 0

    kiosk.scan(kiosk.card("Ngozi Okonkwo"))
    assert kiosk.screen == "going_home"
    kiosk.screenshot("kiosk-going-home-together")
    kiosk.tap("Going home (3)")
    assert kiosk.screen == "wait"
    kiosk.tap("Staff: confirm the handover")
    shown = kiosk.texts()
    assert {f"{n} Okonkwo" for n in OKONKWO} | {"Ngozi Okonkwo"} <= set(shown)
    kiosk.screenshot("kiosk-handover-together")
    kiosk.tap("Confirm with my PIN")
    _pin(kiosk)

    assert kiosk.screen == "done"
    assert {f"{n} is going home with Ngozi Okonkwo." for n in OKONKWO} <= set(kiosk.texts())
    assert not kiosk.app.snapshot.timeline.on_site
    assert kiosk.taps == 9, "one choice, one call for staff, one PIN: 9 taps, not 27"


def test_a_damaged_photo_shows_the_childs_name_and_the_door_stays_open(kiosk: Kiosk) -> None:
    photos = kiosk.app.service.photos
    key = ("child", kiosk.ids["Mia Walsh"])
    kept = photos.get(key)
    photos[key] = b"\x89PNG this photo was cut short"
    try:
        kiosk.tap("Arriving")
        assert kiosk.screen == "arrival" and "Mia" in kiosk.texts()
    finally:
        if kept is None:
            photos.pop(key, None)
        else:
            photos[key] = kept


def test_mum_chosen_from_the_photos_takes_her_children_home_together(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Chidi Okonkwo", "Ebele Okonkwo", by="Ngozi Okonkwo")
    kiosk.tap("Collecting")
    kiosk.tap("Chidi")
    kiosk.tap("Ngozi")
    assert kiosk.screen == "going_home" and "Going home (2)" in kiosk.texts()
    assert "Adaeze" not in kiosk.texts(), "only the children who are here are offered"
    kiosk.tap("Going home (2)")
    assert kiosk.screen == "wait"
    kiosk.tap("Staff: confirm the handover")
    assert {"Chidi Okonkwo", "Ebele Okonkwo", "Ngozi Okonkwo"} <= set(kiosk.texts())
