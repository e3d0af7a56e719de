"""Every kiosk flow, driven by real touches on the rendered app (issue 3)."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from db.models import Event
from db.vocabulary import EventType, Reason
from kiosk.door import ByChosenAdult, ReleasePending
from tests.kiosk.ui.conftest import Kiosk

SASKIA_PIN = "6234"


def _arrive(kiosk: Kiosk, *names: str, by: str) -> None:
    """Set-up only: children already in this morning (the flows under test use touches)."""
    ids = [kiosk.ids[n] for n in names]
    kiosk.app.service.run(
        lambda: kiosk.app.service.arrive(ids, brought_by_adult_id=kiosk.ids[by])
    ).result()
    kiosk.settle()


def _stored(kiosk: Kiosk, kind: EventType) -> int:
    with kiosk.app.service.store.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Event).where(Event.type == kind.value))
            or 0
        )


def _pin(kiosk: Kiosk, staff: str = "Saskia", pin: str = SASKIA_PIN) -> None:
    assert kiosk.screen == "staff_pin"
    kiosk.tap(staff)
    for digit in pin:
        kiosk.tap(digit)
    kiosk.tap("OK")
    kiosk.settle()


def test_mia_arrives_in_three_taps_and_is_told_her_key_person(kiosk: Kiosk) -> None:
    kiosk.tap("Arriving")
    kiosk.screenshot("kiosk-arrival-board")
    kiosk.tap("Mia")
    kiosk.screenshot("kiosk-who-brought")
    kiosk.tap("Kirsty")
    assert kiosk.screen == "done"
    message = " ".join(kiosk.texts())
    assert "Mia is in." in message and "Please take Mia to" in message
    kiosk.screenshot("kiosk-arrived")
    assert _stored(kiosk, EventType.CHILD_ARRIVED) == 1
    assert kiosk.ids["Mia Walsh"] in kiosk.app.snapshot.timeline.on_site


def test_the_okonkwo_children_come_in_together(kiosk: Kiosk) -> None:
    kiosk.tap("Arriving")
    kiosk.tap("Chidi")
    kiosk.tap("Ngozi")
    assert kiosk.screen == "arrival_confirm"
    kiosk.tap("Adaeze")
    kiosk.screenshot("kiosk-siblings")
    kiosk.tap("Sign in (2)")
    assert kiosk.screen == "done"
    on_site = kiosk.app.snapshot.timeline.on_site
    assert kiosk.ids["Chidi Okonkwo"] in on_site and kiosk.ids["Adaeze Okonkwo"] in on_site
    assert kiosk.ids["Ebele Okonkwo"] not in on_site


def test_a_card_at_the_door_collects_with_staff_confirmation(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Kirsty Walsh"))
    assert kiosk.screen == "wait"
    kiosk.screenshot("kiosk-wait")
    kiosk.tap("Staff: confirm the handover")
    assert kiosk.screen == "handover"
    assert "Kirsty Walsh" in kiosk.texts()
    kiosk.screenshot("kiosk-handover")
    kiosk.tap("Confirm with my PIN")
    _pin(kiosk)
    assert kiosk.screen == "done"
    assert "Mia is going home with Kirsty Walsh." in kiosk.texts()
    assert kiosk.ids["Mia Walsh"] not in kiosk.app.snapshot.timeline.on_site
    assert _stored(kiosk, EventType.CHILD_COLLECTED) == 1


def test_a_card_for_several_children_offers_those_here_to_go_home_together(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Chidi Okonkwo", "Ebele Okonkwo", by="Ngozi Okonkwo")
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Ngozi Okonkwo"))
    assert kiosk.screen == "going_home"
    labels = kiosk.texts()
    assert {"Chidi", "Ebele", "Going home (2)"} <= set(labels) and "Mia" not in labels
    kiosk.tap("Ebele")  # Ebele stays for the afternoon session
    kiosk.tap("Going home (1)")
    assert kiosk.screen == "wait"
    (request,) = kiosk.app.snapshot.timeline.pending_collections.values()
    assert request.child_id == kiosk.ids["Chidi Okonkwo"]


def test_dad_chosen_from_the_photos_waits_for_staff(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Theo Clarke", by="Gemma Clarke")
    kiosk.tap("Collecting")
    kiosk.tap("Theo")
    kiosk.tap("Marcus")
    assert kiosk.screen == "wait"
    assert (
        next(iter(kiosk.app.snapshot.timeline.pending_collections.values())).adult_id
        == kiosk.ids["Marcus Clarke"]
    )


def test_an_emergency_collector_with_the_password_shows_id_before_the_handover(
    kiosk: Kiosk,
) -> None:
    _arrive(kiosk, "Łukasz Nowak", by="Anna Nowak")
    kiosk.tap("Collecting")
    kiosk.tap("Łukasz")
    kiosk.tap("Someone else")
    kiosk.type_on_keyboard("Kasia")
    kiosk.tap("Next")
    kiosk.screenshot("kiosk-password")
    kiosk.type_on_keyboard("purple giraffe")
    kiosk.tap("Done")
    assert kiosk.screen == "wait"
    kiosk.tap("Staff: confirm the handover")
    kiosk.tap("Confirm with my PIN")
    assert kiosk.screen == "handover"
    assert "Choose the ID document you checked first." in kiosk.texts()
    kiosk.tap("Passport")
    kiosk.tap("Confirm with my PIN")
    _pin(kiosk)
    assert kiosk.screen == "done"
    with kiosk.app.service.store.sessions() as session:
        collected = session.scalars(
            select(Event).where(Event.type == EventType.CHILD_COLLECTED.value)
        ).one()
    assert collected.payload["id_document"] == "Passport"
    assert collected.payload["collector_name"] == "KASIA"


def test_a_wrong_password_asks_the_adult_to_wait_and_alerts_staff(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Zofia Nowak", by="Anna Nowak")
    kiosk.tap("Collecting")
    kiosk.tap("Zofia")
    kiosk.tap("Someone else")
    kiosk.type_on_keyboard("Tom")
    kiosk.tap("Next")
    kiosk.type_on_keyboard("blue whale")
    kiosk.tap("Done")
    assert kiosk.screen == "wait"
    assert kiosk.app.banner.opacity == 1
    assert [a.reason for a in kiosk.app.snapshot.timeline.open_alerts()] == [Reason.WRONG_PASSWORD]
    assert kiosk.ids["Zofia Nowak"] in kiosk.app.snapshot.timeline.on_site
    assert kiosk.app.snapshot.timeline.pending_collections == {}


def test_three_wrong_passwords_lock_password_collection_for_that_child(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Zofia Nowak", by="Anna Nowak")
    for guess in ("one", "two", "three"):
        kiosk.app.home()
        kiosk.tap("Collecting")
        kiosk.tap("Zofia")
        kiosk.tap("Someone else")
        kiosk.type_on_keyboard("Tom")
        kiosk.tap("Next")
        kiosk.type_on_keyboard(guess)
        kiosk.tap("Done")
    reasons = [a.reason for a in kiosk.app.snapshot.timeline.open_alerts()]
    assert Reason.LOCKED_OUT in reasons and reasons.count(Reason.WRONG_PASSWORD) == 3


def test_an_unknown_card_alerts_staff_and_keeps_the_child(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    forged = kiosk.card("Kirsty Walsh")[:-4] + "AAAA"
    kiosk.scan(forged)
    assert kiosk.screen == "wait"
    assert [a.reason for a in kiosk.app.snapshot.timeline.open_alerts()] == [Reason.UNKNOWN_CARD]
    assert kiosk.ids["Mia Walsh"] in kiosk.app.snapshot.timeline.on_site


def test_a_revoked_card_is_refused_while_the_new_one_works(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Zoë Fletcher", by="Hannah Fletcher")
    kiosk.scan(kiosk.card("Hannah Fletcher", revoked=True))
    assert kiosk.screen == "wait"
    assert [a.reason for a in kiosk.app.snapshot.timeline.open_alerts()] == [Reason.REVOKED_CARD]
    kiosk.app.home()
    kiosk.scan(kiosk.card("Hannah Fletcher"))
    assert kiosk.app.snapshot.timeline.pending_collections


def test_the_restricted_father_is_asked_to_wait_and_no_name_is_shown_in_public(
    kiosk: Kiosk,
) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Darren Cole"))
    assert kiosk.screen == "wait"
    shown = " ".join(kiosk.texts())
    assert "Mia" not in shown and "Darren" not in shown and "Cole" not in shown
    assert kiosk.app.banner.opacity == 1
    kiosk.screenshot("kiosk-critical-wait")
    assert kiosk.app.chime.played[-1] == "critical"
    assert kiosk.app.snapshot.timeline.open_alerts()[0].reason == Reason.RESTRICTED_PERSON


def test_a_written_permission_out_of_its_dates_is_refused(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Theo Clarke", by="Gemma Clarke")
    kiosk.tap("Collecting")
    kiosk.tap("Theo")
    kiosk.tap("Kemi")
    assert kiosk.screen == "wait"
    assert kiosk.app.snapshot.timeline.open_alerts()[0].reason == Reason.PERMISSION_OUT_OF_DATES


def test_grandad_bob_on_his_day_needs_an_id_check_recorded(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Zoë Fletcher", by="Hannah Fletcher")
    kiosk.tap("Collecting")
    kiosk.tap("Zoë")
    kiosk.tap("Bob")
    kiosk.tap("Staff: confirm the handover")
    kiosk.tap("Driving licence")
    kiosk.tap("Confirm with my PIN")
    _pin(kiosk)
    assert kiosk.screen == "done"
    stay = kiosk.app.snapshot.timeline.stays[kiosk.ids["Zoë Fletcher"]][-1]
    assert (
        stay.id_document == "Driving licence"
        and stay.collected_by_adult_id == kiosk.ids["Bob Hughes"]
    )


def test_a_wrong_staff_pin_does_not_confirm(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Kirsty Walsh"))
    kiosk.tap("Staff: confirm the handover")
    kiosk.tap("Confirm with my PIN")
    _pin(kiosk, pin="1111")
    assert kiosk.screen == "staff_pin"
    assert "That PIN is not right. Please try again." in kiosk.texts()
    assert kiosk.ids["Mia Walsh"] in kiosk.app.snapshot.timeline.on_site


def test_five_wrong_pins_pause_the_pad_alert_staff_and_a_staff_card_still_confirms(
    kiosk: Kiosk,
) -> None:
    """Someone who is not Saskia guessing her PIN to release Mia: after five guesses the pad
    stops checking, even the right PIN, and every staff screen hears of it."""
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Kirsty Walsh"))
    kiosk.tap("Staff: confirm the handover")
    kiosk.tap("Confirm with my PIN")
    _pin(kiosk, pin="1111")
    for guess in ("2222", "3333", "4444"):
        assert "That PIN is not right. Please try again." in kiosk.texts()
        for digit in guess:
            kiosk.tap(digit)
        kiosk.tap("OK")
        kiosk.settle()
    assert kiosk.app.banner.opacity == 0, "typos alone do not alarm the hallway"
    for digit in "5555":
        kiosk.tap(digit)
    kiosk.tap("OK")
    kiosk.settle()
    paused = "Too many wrong PINs: PIN entry is paused. Please use a staff card."
    assert paused in kiosk.texts()
    assert kiosk.app.banner.opacity > 0, "staff are called"
    kiosk.screenshot("kiosk-staff-pin-paused")

    for digit in SASKIA_PIN:  # the right PIN, now: still not checked
        kiosk.tap(digit)
    kiosk.tap("OK")
    kiosk.settle()
    assert kiosk.screen == "staff_pin" and paused in kiosk.texts()
    assert kiosk.ids["Mia Walsh"] in kiosk.app.snapshot.timeline.on_site
    (alert,) = kiosk.app.snapshot.timeline.open_alerts()
    assert alert.reason == Reason.STAFF_PIN_LOCKED

    kiosk.scan(kiosk.card("Saskia Brown"))
    assert kiosk.screen == "done"
    assert kiosk.ids["Mia Walsh"] not in kiosk.app.snapshot.timeline.on_site


def test_staff_acknowledge_and_resolve_an_alert_with_a_note(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Hannah Fletcher", revoked=True))
    kiosk.tap(kiosk.app.banner)
    _pin(kiosk)
    kiosk.tap("Alerts (1)")
    kiosk.screenshot("kiosk-staff-alerts")
    kiosk.tap("Acknowledge")
    assert kiosk.app.banner.opacity == 0, "an acknowledged alert leaves the public banner"
    kiosk.tap("Resolve")
    kiosk.type_on_keyboard("Hannah found her new card")
    kiosk.tap("Done")
    assert kiosk.app.snapshot.timeline.open_alerts() == []
    (alert,) = kiosk.app.snapshot.timeline.alerts.values()
    assert alert.resolution == "HANNAH FOUND HER NEW CARD"
    assert alert.resolved_by_staff_id == kiosk.ids["Saskia Brown"]


def test_staff_mode_acknowledges_arrivals_and_runs_a_fire_roll_call(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    _arrive(kiosk, "Theo Clarke", by="Gemma Clarke")
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    kiosk.screenshot("kiosk-staff-on-site")
    kiosk.tap("Acknowledge")
    assert len(kiosk.app.snapshot.timeline.unacknowledged_arrivals()) == 1
    kiosk.tap("Roll call")
    assert "Unaccounted for: 2 of 2" in kiosk.texts()
    kiosk.tap("Here")
    assert "Unaccounted for: 1 of 2" in kiosk.texts()
    kiosk.screenshot("kiosk-roll-call")


def test_a_visitor_signs_in_under_a_supervisor_and_appears_on_site(kiosk: Kiosk) -> None:
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    kiosk.tap("Visitors")
    kiosk.tap("Sign in a visitor")
    for answer in ("Hana Ito", "NHS", "Twos"):
        kiosk.type_on_keyboard(answer)
        kiosk.tap("Next" if answer != "Twos" else "Done")
    (visit,) = kiosk.app.snapshot.timeline.visitors_on_site.values()
    assert visit.name == "HANA ITO" and visit.supervisor_staff_id == kiosk.ids["Saskia Brown"]


def test_idle_time_returns_home_and_clears_the_familys_screen(kiosk: Kiosk) -> None:
    kiosk.tap("Arriving")
    kiosk.tap("Mia")
    assert "Who brought Mia?" in kiosk.texts()
    kiosk.app.last_touch = time.monotonic() - 120
    kiosk.pump(until=lambda: kiosk.screen == "home", timeout=5)
    kiosk.pump()
    assert not any("Mia" in text for text in kiosk.texts()), kiosk.texts()
    assert kiosk.app.screens.get_screen("choose_adult").children == []


def test_with_no_camera_the_kiosk_says_so_and_works_by_scanner(kiosk: Kiosk) -> None:
    from kiosk.devices.camera import NoCamera
    from kiosk.devices.decoder import make_decoder
    from kiosk.devices.scanning import CameraScanner

    scanner = CameraScanner(
        NoCamera(),
        make_decoder("zxing"),
        on_payload=kiosk.app.camera_payload,
        on_unavailable=kiosk.app.camera_unavailable,
    )
    kiosk.app.camera, kiosk.app.camera_ready = scanner, True
    scanner.start()
    kiosk.pump(until=lambda: not kiosk.app.camera_ready)
    kiosk.app.camera = None
    assert "Have a card? Use the scanner." in kiosk.texts()
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Kirsty Walsh"))
    assert kiosk.screen == "wait"


def test_a_usb_scanner_card_at_home_signs_the_family_in(kiosk: Kiosk) -> None:
    kiosk.scan(kiosk.card("Anna Nowak"))
    assert kiosk.screen == "arrival_confirm"
    kiosk.tap("Sign in (2)")
    assert {kiosk.ids["Łukasz Nowak"], kiosk.ids["Zofia Nowak"]} <= set(
        kiosk.app.snapshot.timeline.on_site
    )


def test_a_qr_code_that_is_not_ours_is_explained_without_an_alert(kiosk: Kiosk) -> None:
    kiosk.scan("https://example.org/menu")
    assert kiosk.screen == "home"
    assert "That is not a Handover card." in kiosk.texts()
    assert kiosk.app.snapshot.timeline.open_alerts() == []


def test_a_family_can_switch_the_kiosk_to_polish_or_urdu(kiosk: Kiosk) -> None:
    kiosk.tap("Polski")
    assert "Przyjście" in kiosk.texts() and "Odbiór" in kiosk.texts()
    kiosk.screenshot("kiosk-home-polish")
    kiosk.tap("اردو")
    assert "آمد" in kiosk.texts()
    kiosk.tap("آمد")
    kiosk.screenshot("kiosk-arrival-urdu")
    kiosk.app.home()
    kiosk.tap("English")
    assert "Arriving" in kiosk.texts()


def test_the_door_thread_decides_while_the_screen_stays_responsive(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    future = kiosk.app.service.run(
        lambda: kiosk.app.service.collect(
            kiosk.ids["Mia Walsh"], ByChosenAdult(kiosk.ids["Kirsty Walsh"])
        )
    )
    assert isinstance(future.result(timeout=10), ReleasePending)


def test_a_card_shown_at_an_idle_kiosk_is_not_swept_away_by_the_idle_timer(kiosk: Kiosk) -> None:
    kiosk.app.last_touch = time.monotonic() - 300  # nobody has touched the screen for a while
    kiosk.scan(kiosk.card("Anna Nowak"))
    kiosk.pump(timeout=2)
    time.sleep(1.2)  # past the idle check's next tick
    kiosk.pump()
    assert kiosk.screen == "arrival_confirm"


def test_a_card_held_up_to_the_camera_starts_the_collection(kiosk: Kiosk) -> None:
    from kiosk.devices.camera import FakeCamera
    from kiosk.devices.decoder import make_decoder
    from kiosk.devices.scanning import CameraScanner
    from tests.kiosk.devices.frames import card_frame

    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    camera = FakeCamera([card_frame(kiosk.card("Kirsty Walsh"))])
    scanner = CameraScanner(
        camera,
        make_decoder("zxing"),
        on_payload=kiosk.app.camera_payload,
        on_unavailable=kiosk.app.camera_unavailable,
        fps_limit=0,
    )
    kiosk.app.camera, kiosk.app.camera_ready = scanner, True
    kiosk.app.home()
    scanner.start()
    try:
        kiosk.pump(until=lambda: bool(kiosk.app.snapshot.timeline.pending_collections), timeout=10)
        kiosk.settle()
        assert kiosk.screen == "wait"
        assert len(kiosk.app.snapshot.timeline.pending_collections) == 1, "one card, one request"
    finally:
        scanner.stop()
        kiosk.app.camera, kiosk.app.camera_ready = None, False


def test_the_remaining_screens_are_on_file_for_people_to_look_at(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.tap("Collecting")
    kiosk.screenshot("kiosk-collection-board")
    kiosk.app.home()
    kiosk.pump()
    kiosk.tap("Staff")
    kiosk.screenshot("kiosk-staff-pin")
    kiosk.tap("Saskia")
    kiosk.screenshot("kiosk-staff-pin-pad")
    for digit in SASKIA_PIN:
        kiosk.tap(digit)
    kiosk.tap("OK")
    kiosk.tap("Visitors")
    kiosk.screenshot("kiosk-staff-visitors")
    kiosk.tap("Staff")
    kiosk.screenshot("kiosk-staff-in-and-out")


def test_a_staff_card_confirms_a_handover_instead_of_a_pin(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Kirsty Walsh"))
    kiosk.tap("Staff: confirm the handover")
    kiosk.tap("Confirm with my PIN")
    assert kiosk.screen == "staff_pin"
    kiosk.scan(kiosk.card("Saskia Brown"))
    assert kiosk.screen == "done"
    stay = kiosk.app.snapshot.timeline.stays[kiosk.ids["Mia Walsh"]][-1]
    assert stay.confirmed_by_staff_id == kiosk.ids["Saskia Brown"]


def test_a_handover_left_open_is_cleared_by_the_idle_timer_and_keeps_waiting(kiosk: Kiosk) -> None:
    _arrive(kiosk, "Mia Walsh", by="Kirsty Walsh")
    kiosk.scan(kiosk.card("Kirsty Walsh"))
    kiosk.tap("Staff: confirm the handover")
    assert "Mia Walsh" in kiosk.texts()
    kiosk.app.last_touch = time.monotonic() - 120
    kiosk.pump(until=lambda: kiosk.screen == "home", timeout=5)
    kiosk.pump()
    assert not any("Mia" in text for text in kiosk.texts())
    assert len(kiosk.app.snapshot.timeline.pending_collections) == 1
