"""A USB scanner types a card in a burst and presses Enter; a person at the keyboard does not."""

from __future__ import annotations

from kiosk.devices.keyboard_scanner import KeyboardScanner
from tests.factories import Nursery

SCANNER_GAP = 0.008  # a USB scanner types a character every few milliseconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def _payload() -> str:
    nursery = Nursery()
    return nursery.card_for(adult=nursery.adult())


def _type(scanner: KeyboardScanner, clock: FakeClock, text: str, gap: float) -> None:
    for char in text:
        clock.now += gap
        assert scanner.feed_text(char) is None


def _scanner() -> tuple[KeyboardScanner, FakeClock]:
    clock = FakeClock()
    return KeyboardScanner(clock=clock), clock


def test_a_card_scanned_at_the_door_gives_its_payload_on_enter() -> None:
    scanner, clock = _scanner()
    payload = _payload()
    _type(scanner, clock, payload, SCANNER_GAP)
    clock.now += SCANNER_GAP
    assert scanner.feed_enter() == payload


def test_two_parents_scanning_one_after_the_other_are_both_read() -> None:
    scanner, clock = _scanner()
    first, second = _payload(), _payload()
    _type(scanner, clock, first, SCANNER_GAP)
    assert scanner.feed_enter() == first
    clock.now += 3
    _type(scanner, clock, second, SCANNER_GAP)
    assert scanner.feed_enter() == second


def test_a_parent_typing_a_card_number_slowly_is_not_a_scan() -> None:
    scanner, clock = _scanner()
    _type(scanner, clock, _payload(), 0.8)
    clock.now += 0.1  # however briskly Enter follows the last key
    assert scanner.feed_enter() is None


def test_enter_on_its_own_is_not_a_scan() -> None:
    scanner, _ = _scanner()
    assert scanner.feed_enter() is None
    assert scanner.feed_enter() is None


def test_enter_pressed_long_after_a_quick_burst_is_not_a_scan() -> None:
    scanner, clock = _scanner()
    _type(scanner, clock, _payload(), SCANNER_GAP)
    clock.now += 2.0
    assert scanner.feed_enter() is None


def test_fumbling_on_the_keys_before_a_scan_does_not_spoil_the_card() -> None:
    scanner, clock = _scanner()
    _type(scanner, clock, "asdf", 0.3)
    clock.now += 1.5  # the child wanders off; a parent scans a card
    payload = _payload()
    _type(scanner, clock, payload, SCANNER_GAP)
    assert scanner.feed_enter() == payload


def test_a_short_burst_of_keys_is_not_a_card() -> None:
    scanner, clock = _scanner()
    _type(scanner, clock, "12345", SCANNER_GAP)
    assert scanner.feed_enter() is None


def test_a_child_leaning_on_the_keyboard_is_dropped_and_the_next_card_still_reads() -> None:
    scanner, clock = _scanner()
    _type(scanner, clock, "j" * 600, SCANNER_GAP)
    assert scanner.feed_enter() is None
    clock.now += 1
    payload = _payload()
    _type(scanner, clock, "x" * 400 + payload, SCANNER_GAP)  # long but allowed: passed on
    assert scanner.feed_enter() == "x" * 400 + payload


def test_the_tail_of_an_over_long_burst_is_not_taken_for_a_card() -> None:
    scanner, clock = _scanner()
    _type(scanner, clock, "k" * 513 + _payload(), SCANNER_GAP)
    assert scanner.feed_enter() is None


def test_a_scanner_that_ends_with_a_carriage_return_is_read_once() -> None:
    scanner, clock = _scanner()
    payload = _payload()
    _type(scanner, clock, payload, SCANNER_GAP)
    clock.now += SCANNER_GAP
    assert scanner.feed_text("\r") == payload
    assert scanner.feed_enter() is None  # the Enter key event that follows the "\r"


def test_a_whole_card_arriving_in_one_piece_with_a_line_end_is_read() -> None:
    scanner, _ = _scanner()
    payload = _payload()
    assert scanner.feed_text(payload + "\r\n") == payload
    assert scanner.feed_enter() is None


def test_a_scan_with_spaces_around_it_is_passed_on_without_them() -> None:
    scanner, clock = _scanner()
    payload = _payload()
    _type(scanner, clock, f"  {payload} ", SCANNER_GAP)
    assert scanner.feed_enter() == payload
