"""The camera worker: each card held up starts one collection, and nothing stops the camera."""

from __future__ import annotations

import threading
import time

import pytest

from kiosk.devices.camera import FakeCamera, Frame, NoCamera, OpenCVCamera
from kiosk.devices.decoder import Decoder, zxing_decoder
from kiosk.devices.scanning import CameraScanner
from tests.factories import Nursery
from tests.kiosk.devices.frames import VGA, blank_frame, card_frame
from tests.kiosk.devices.phone_frames import PhoneFrames, Spoil

FPS = 15
WAIT = 5.0  # generous: the worker finishes these short films in well under a second


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Film(FakeCamera):
    """Frames as a 15 fps camera gives them: each read moves the fake clock on by one frame.
    ``finished`` is set when the film has run out, i.e. every frame has been decoded."""

    def __init__(self, frames: list[Frame], clock: FakeClock) -> None:
        super().__init__(frames, loop=False)
        self.clock = clock
        self.finished = threading.Event()

    def read(self) -> Frame | None:
        frame = super().read()
        if frame is None:
            self.finished.set()
        else:
            self.clock.now += 1 / FPS
        return frame


class Door:
    """Stands in for the app: remembers what the scanner told it."""

    def __init__(self) -> None:
        self.payloads: list[str] = []
        self.unavailable = 0

    def on_payload(self, text: str) -> None:
        self.payloads.append(text)

    def on_unavailable(self) -> None:
        self.unavailable += 1


def _cards(count: int = 1) -> list[str]:
    nursery = Nursery()
    return [nursery.card_for(adult=nursery.adult()) for _ in range(count)]


def _film_through(frames: list[Frame], decoder: Decoder | None = None) -> tuple[Door, Film]:
    clock = FakeClock()
    film = Film(frames, clock)
    door = Door()
    scanner = CameraScanner(
        film,
        decoder or zxing_decoder(),
        on_payload=door.on_payload,
        on_unavailable=door.on_unavailable,
        clock=clock,
        fps_limit=0,  # the fake clock, not real time, says how long the card was held
    )
    scanner.start()
    assert film.finished.wait(WAIT), "the scanner did not get through the film"
    scanner.stop()
    assert not scanner.running and film.closed
    return door, film


def seconds(frame: Frame, duration: float) -> list[Frame]:
    return [frame] * round(duration * FPS)


def test_a_card_held_up_for_two_seconds_starts_one_collection_not_thirty() -> None:
    (payload,) = _cards()
    held = seconds(card_frame(payload), 2)
    assert len(held) == 30
    door, film = _film_through(seconds(blank_frame(), 0.4) + held)
    assert film.reads == 6 + 30
    assert door.payloads == [payload]


def test_a_card_on_a_phone_moved_about_in_the_glare_for_two_seconds_starts_one_collection() -> None:
    (payload,) = _cards()
    phones = PhoneFrames(seed=5)
    everything = Spoil(glare=True, moire=True, angle=True)
    # Each frame a new tilt, glare spot and moiré: the hand moves, the light catches the glass.
    held = [phones.frame(VGA, payload, everything) for _ in range(2 * FPS)]
    door, film = _film_through(seconds(blank_frame(), 0.4) + held)
    assert film.reads == 6 + 30
    assert door.payloads == [payload]


def test_a_card_put_away_and_shown_again_five_seconds_later_is_read_again() -> None:
    (payload,) = _cards()
    card, wall = card_frame(payload), blank_frame()
    door, _ = _film_through(seconds(card, 2) + seconds(wall, 5) + seconds(card, 1))
    assert door.payloads == [payload, payload]


def test_a_card_lowered_for_a_moment_while_choosing_a_child_is_not_read_twice() -> None:
    (payload,) = _cards()
    card, wall = card_frame(payload), blank_frame()
    door, _ = _film_through(seconds(card, 2) + seconds(wall, 2) + seconds(card, 1))
    assert door.payloads == [payload]


def test_a_revoked_card_left_lying_in_view_alerts_staff_once_not_every_four_seconds() -> None:
    (payload,) = _cards()
    door, _ = _film_through(seconds(card_frame(payload), 12))
    assert door.payloads == [payload]


def test_the_next_parent_in_the_queue_is_read_straight_after_the_first() -> None:
    first, second = _cards(2)
    door, _ = _film_through(seconds(card_frame(first), 1) + seconds(card_frame(second), 1))
    assert door.payloads == [first, second]


def test_one_frame_that_breaks_the_decoder_does_not_leave_the_door_without_a_camera() -> None:
    (payload,) = _cards()
    zxing = zxing_decoder()
    calls = 0

    def flaky(frame: Frame) -> list[str]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("a corrupt frame")
        return zxing(frame)

    door, film = _film_through(seconds(blank_frame(), 0.2) + seconds(card_frame(payload), 1), flaky)
    assert calls == film.reads == 18
    assert door.payloads == [payload]


def test_a_door_without_a_camera_is_told_once_and_the_worker_ends() -> None:
    door = Door()
    scanner = CameraScanner(
        NoCamera(), zxing_decoder(), on_payload=door.on_payload, on_unavailable=door.on_unavailable
    )
    scanner.start()
    assert scanner._thread is not None
    scanner._thread.join(WAIT)
    assert not scanner.running
    assert door.unavailable == 1 and door.payloads == []
    scanner.stop()
    assert door.unavailable == 1


def test_a_kiosk_whose_webcam_is_unplugged_shows_the_other_ways_in_quickly() -> None:
    reported = threading.Event()
    scanner = CameraScanner(
        OpenCVCamera(index=57),
        zxing_decoder(),
        on_payload=lambda text: None,
        on_unavailable=reported.set,
    )
    started = time.perf_counter()
    scanner.start()
    assert reported.wait(2.0)
    assert time.perf_counter() - started < 2.0
    scanner.stop()
    assert not scanner.running


def test_the_preview_shows_the_latest_frame_and_the_staff_screen_the_counts() -> None:
    (payload,) = _cards()
    frames = [*seconds(blank_frame(), 0.4), card_frame(payload)]
    clock = FakeClock()
    film = Film(frames, clock)
    scanner = CameraScanner(
        film,
        zxing_decoder(),
        on_payload=lambda t: None,
        on_unavailable=lambda: None,
        clock=clock,
        fps_limit=0,
    )
    assert scanner.latest_frame() is None
    scanner.start()
    assert film.finished.wait(WAIT)
    scanner.stop()
    assert scanner.latest_frame() is frames[-1]
    stats = scanner.stats()
    assert (stats.frames_read, stats.frames_decoded, stats.payloads_reported) == (7, 7, 1)
    assert stats.frames_missed >= 1 and stats.decode_errors == 0 and not stats.running
    assert stats.last_decode_ms is not None and stats.last_decode_ms > 0


def test_a_screen_that_fails_to_handle_a_card_does_not_stop_the_camera() -> None:
    first, second = _cards(2)
    clock = FakeClock()
    film = Film(seconds(card_frame(first), 1) + seconds(card_frame(second), 1), clock)
    seen: list[str] = []

    def clumsy_screen(text: str) -> None:
        seen.append(text)
        raise KeyError("no such screen")

    scanner = CameraScanner(
        film,
        zxing_decoder(),
        on_payload=clumsy_screen,
        on_unavailable=lambda: None,
        clock=clock,
        fps_limit=0,
    )
    scanner.start()
    assert film.finished.wait(WAIT)
    scanner.stop()
    assert seen == [first, second]


def test_the_camera_is_read_no_faster_than_the_door_needs() -> None:
    camera = FakeCamera([blank_frame()])
    scanner = CameraScanner(
        camera, lambda f: [], on_payload=lambda t: None, on_unavailable=lambda: None, fps_limit=20
    )
    scanner.start()
    time.sleep(0.5)
    scanner.stop()
    assert 2 <= camera.reads <= 0.5 * 20 + 3
    assert camera.closed


@pytest.mark.parametrize("repeat_after", [1.0, 4.0])
def test_how_long_a_card_must_be_away_is_the_settings_choice(repeat_after: float) -> None:
    (payload,) = _cards()
    card, wall = card_frame(payload), blank_frame()
    clock = FakeClock()
    film = Film(seconds(card, 1) + seconds(wall, 2) + seconds(card, 1), clock)
    seen: list[str] = []
    scanner = CameraScanner(
        film,
        zxing_decoder(),
        on_payload=seen.append,
        on_unavailable=lambda: None,
        repeat_after=repeat_after,
        clock=clock,
        fps_limit=0,
    )
    scanner.start()
    assert film.finished.wait(WAIT)
    scanner.stop()
    assert len(seen) == (2 if repeat_after < 2 else 1)
