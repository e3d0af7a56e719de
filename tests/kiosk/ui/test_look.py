"""Screenshots of the kiosk for people to look at (docs/), taken from the real app."""

from __future__ import annotations

from tests.kiosk.ui.conftest import Kiosk


def test_the_home_screen_offers_arriving_collecting_and_languages(kiosk: Kiosk) -> None:
    texts = kiosk.texts()
    assert "Arriving" in texts and "Collecting" in texts
    assert {"English", "Polski", "اردو"} <= set(texts)
    kiosk.screenshot("kiosk-home")
