"""Frame sources: a kiosk with no camera says so at once, and the setting picks the camera."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.devices.camera import (
    FakeCamera,
    NoCamera,
    OpenCVCamera,
    PiCamera,
    camera_from_setting,
)
from kiosk.devices.decoder import zxing_decoder
from tests.factories import Nursery
from tests.kiosk.devices.frames import blank_frame, card_frame


def test_a_kiosk_with_no_webcam_plugged_in_learns_it_at_once_without_crashing() -> None:
    camera = OpenCVCamera(index=57)
    started = time.perf_counter()
    assert camera.open() is False
    assert time.perf_counter() - started < 2.0
    assert camera.read() is None
    camera.close()
    camera.close()  # closing twice, as a screen change and a shutdown may, is harmless


def test_the_any_camera_index_that_crashes_opencv_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        OpenCVCamera(index=-1)
    with pytest.raises(ValueError, match="v4l2:<index>"):
        camera_from_setting("v4l2:-1")


def test_a_pi_without_picamera2_reports_no_csi_camera(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "picamera2", None)  # as on any machine but a Pi
    camera = PiCamera()
    assert camera.open() is False
    assert camera.read() is None
    camera.close()


def test_a_kiosk_set_to_no_camera_never_offers_one() -> None:
    camera = camera_from_setting("none")
    assert isinstance(camera, NoCamera)
    assert camera.open() is False
    assert camera.read() is None


def test_the_fake_camera_shows_its_pictures_in_turn_and_loops() -> None:
    first, second = blank_frame(level=10), blank_frame(level=20)
    looping = FakeCamera([first, second])
    assert looping.open()
    assert [looping.read() is f for f in (first, second, first)] == [True, True, True]
    once = FakeCamera([first], loop=False)
    assert once.open()
    assert once.read() is first
    assert once.read() is None
    assert FakeCamera([]).open() is False


def test_a_laptop_demo_camera_shows_a_card_picture_from_disk(tmp_path: Path) -> None:
    nursery = Nursery()
    payload = nursery.card_for(adult=nursery.adult())
    picture = tmp_path / "card.png"
    assert cv2.imwrite(str(picture), card_frame(payload))
    camera = camera_from_setting(f"fake:{picture}")
    assert camera.open()
    frame = camera.read()
    assert frame is not None and frame.shape == (480, 640, 3) and frame.dtype == np.uint8
    assert zxing_decoder()(frame) == [payload]


def test_a_folder_of_pictures_plays_in_name_order(tmp_path: Path) -> None:
    for name, level in (("2-later.png", 200), ("1-first.png", 40), ("notes.txt", 0)):
        if name.endswith(".png"):
            cv2.imwrite(str(tmp_path / name), blank_frame(level=level))
        else:
            (tmp_path / name).write_text("not a picture")
    camera = camera_from_setting(f"fake:{tmp_path}")
    assert camera.open()
    levels = []
    for _ in range(3):
        frame = camera.read()
        assert frame is not None
        levels.append(int(frame[0, 0, 0]))
    assert levels == [40, 200, 40]


@pytest.mark.parametrize(
    ("setting", "kind", "name"),
    [
        ("v4l2:0", OpenCVCamera, "v4l2:0"),
        ("v4l2", OpenCVCamera, "v4l2:0"),
        (" V4L2:2 ", OpenCVCamera, "v4l2:2"),
        ("picamera", PiCamera, "picamera"),
    ],
)
def test_the_camera_setting_names_the_camera_fitted(setting: str, kind: type, name: str) -> None:
    camera = camera_from_setting(setting)
    assert isinstance(camera, kind)
    assert camera.name == name


@pytest.mark.parametrize("setting", ["webcam", "", "fake:", "v4l2:front", "none:1"])
def test_a_mistyped_camera_setting_is_refused_with_the_choices(setting: str) -> None:
    with pytest.raises(ValueError, match="v4l2:<index>"):
        camera_from_setting(setting)


def test_a_demo_camera_pointing_at_missing_pictures_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Cannot read a picture"):
        camera_from_setting(f"fake:{tmp_path / 'nothing.png'}")
    with pytest.raises(ValueError, match="no pictures"):
        camera_from_setting(f"fake:{tmp_path}")
