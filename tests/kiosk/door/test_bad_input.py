"""Whatever a camera decodes or a scanner types, the door answers clearly and loses nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.credentials import MalformedCard, parse_card
from db.vocabulary import EventType, Reason
from kiosk.door import CardHolder, Refused
from tests.factories import MORNING, Nursery, arrive

NURSERY = Nursery()
AMARA = NURSERY.child()
MUM = NURSERY.adult(may_collect=(AMARA,))
GOOD_CARD = NURSERY.card_for(adult=MUM)


def _door():
    door = NURSERY.door()
    arrive(door, AMARA, MUM)
    return door


@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_random_scans_are_refused_with_a_reason_and_alert_during_collection(raw: str) -> None:
    door = _door()
    decision = door.read_card(raw, now=MORNING + timedelta(hours=3), collecting=True)
    assert isinstance(decision, Refused)
    assert decision.reason in (Reason.MALFORMED_CARD, Reason.UNKNOWN_CARD)
    assert [e.type for e in decision.events] == [
        EventType.COLLECTION_REFUSED,
        EventType.ALERT_RAISED,
    ]
    assert AMARA.id in door.timeline.on_site


NOT_OUR_CARDS = {
    "empty": "",
    "a web address": "https://example.org/menu",
    "a future card format": "HOV2." + GOOD_CARD[5:],
    "sql": "'; DROP TABLE children; --",
    "a card with sql after it": GOOD_CARD + "' OR '1'='1",
    "ten thousand characters": "HOV1." + "A" * 10_000,
    "cyrillic look-alikes": "Н" + "О" + GOOD_CARD[2:],
    "one-dot leaders for full stops": GOOD_CARD.replace(".", "\u2024"),
    "full-width prefix": "\uff28\uff2f\uff36\uff11" + GOOD_CARD[4:],
    "one character short": GOOD_CARD[:-1],
    "one character long": GOOD_CARD + "A",
    "a doubled dot": GOOD_CARD.replace("HOV1.", "HOV1.."),
    "nul bytes": "\x00" * 50,
}


@pytest.mark.parametrize("raw", NOT_OUR_CARDS.values(), ids=NOT_OUR_CARDS.keys())
def test_things_that_are_not_our_cards_are_refused_and_alert_only_while_collecting(
    raw: str,
) -> None:
    door = _door()
    at_home = door.read_card(raw, now=MORNING)
    collecting = door.read_card(raw, now=MORNING, collecting=True)
    assert isinstance(at_home, Refused) and isinstance(collecting, Refused)
    assert at_home.reason == Reason.MALFORMED_CARD
    assert at_home.events == ()  # a QR code on a cereal box at the home screen is no incident
    assert any(e.type == EventType.ALERT_RAISED for e in collecting.events)
    with pytest.raises(MalformedCard) as error:
        parse_card(raw)
    assert "Handover card" in str(error.value)


def test_what_a_usb_scanner_types_is_accepted_with_its_enter_and_caps_lock() -> None:
    door = _door()
    for typed in (GOOD_CARD + "\r\n", GOOD_CARD.lower(), "  " + GOOD_CARD + "\t"):
        assert isinstance(door.read_card(typed, now=MORNING), CardHolder)


def test_the_alert_for_a_refused_scan_records_what_was_shown_but_no_secret() -> None:
    door = _door()
    stranger = Nursery().card_for(adult=MUM)
    decision = door.read_card(stranger, now=MORNING, collecting=True)
    assert isinstance(decision, Refused)
    secret = stranger.rsplit(".", 1)[1]
    assert secret not in repr(decision.events)
    assert decision.alert is not None
    assert decision.alert.payload["presented"]["card_id"] == stranger.split(".")[1]
