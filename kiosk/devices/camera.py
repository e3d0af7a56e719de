"""Where the kiosk's frames come from.

Every source answers the same three calls, so the scanner, the preview and the tests never care
which camera is fitted: ``open()`` (False when there is no camera), ``read()`` (a BGR or grey
``uint8`` frame, or None when none is ready) and ``close()``. The setting ``camera`` picks one:

    none                   no camera: the kiosk offers the USB scanner and the other ways in
    fake:<png or folder>   pictures on disk, looped (laptops, demos, tests)
    v4l2:<index>           a USB webcam through OpenCV's V4L2 back end (``v4l2`` alone is 0)
    picamera               a Raspberry Pi CSI camera through picamera2 / libcamera
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Frame = npt.NDArray[np.uint8]
"""One picture: height x width (grey) or height x width x 3 (BGR), ``uint8``."""

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


class FrameSource(Protocol):
    name: str

    def open(self) -> bool:
        """Start the camera. False means there is none (or it gives no picture)."""
        ...

    def read(self) -> Frame | None:
        """The next frame, or None when the camera has none to give right now."""
        ...

    def close(self) -> None:
        """Release the camera. Safe to call twice, or without a successful open."""
        ...


class NoCamera:
    """The setting says there is no camera; the kiosk still works with cards typed by a USB
    scanner and with the choose-your-child screens."""

    name = "none"

    def open(self) -> bool:
        return False

    def read(self) -> Frame | None:
        return None

    def close(self) -> None:
        return None


class FakeCamera:
    """Gives the frames it was handed, in order; loops by default like a camera that never
    stops. With ``loop=False`` it runs dry and then reads None."""

    def __init__(self, frames: Sequence[Frame], *, loop: bool = True, name: str = "fake") -> None:
        self._frames = list(frames)
        self._loop = loop
        self._next = 0
        self.name = name
        self.reads = 0
        self.opened = False
        self.closed = False

    def open(self) -> bool:
        self.opened = bool(self._frames)
        return self.opened

    def read(self) -> Frame | None:
        if not self.opened:
            return None
        if self._next >= len(self._frames):
            if not self._loop:
                return None
            self._next = 0
        frame = self._frames[self._next]
        self._next += 1
        self.reads += 1
        return frame

    def close(self) -> None:
        self.opened = False
        self.closed = True


class OpenCVCamera:
    """A USB webcam through V4L2. A missing camera is reported at once by ``isOpened()``; some
    drivers open but never deliver, so the first frame is read here too before saying yes."""

    def __init__(self, index: int = 0, width: int = 640, height: int = 480) -> None:
        if index < 0:
            # cv2.VideoCapture(-1) ("any camera") segfaults on these machines (PLATFORM.md).
            raise ValueError(f"A camera index is 0 or more, not {index}.")
        self.index = index
        self.width = width
        self.height = height
        self.name = f"v4l2:{index}"
        self._capture: cv2.VideoCapture | None = None
        self._first: Frame | None = None

    def open(self) -> bool:
        self.close()
        capture = cv2.VideoCapture(self.index, cv2.CAP_V4L2)
        if not capture.isOpened():
            capture.release()
            log.info("no camera at %s", self.name)
            return False
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        ok, frame = capture.read()
        if not ok or frame is None:
            capture.release()
            log.warning("camera %s opened but gave no picture", self.name)
            return False
        self._capture = capture
        self._first = np.asarray(frame, dtype=np.uint8)  # not thrown away: show it
        return True

    def read(self) -> Frame | None:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        if self._capture is None:
            return None
        ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        return np.asarray(frame, dtype=np.uint8)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
        self._capture = None
        self._first = None


class PiCamera:
    """A Raspberry Pi CSI camera through picamera2 (libcamera), which V4L2 cannot drive.

    Unverified here: picamera2 is not installable on these machines, so this class has only been
    checked to report "unavailable" without it. On Raspberry Pi OS install ``python3-picamera2``
    with apt and create the virtualenv with ``--system-site-packages`` so it can be imported.
    picamera2's "RGB888" format is laid out B, G, R in memory, i.e. OpenCV's BGR.
    """

    name = "picamera"

    def __init__(self, width: int = 640, height: int = 480) -> None:
        self.width = width
        self.height = height
        self._camera: Any = None

    def open(self) -> bool:
        self.close()
        try:
            # Imported here, not at the top: it exists only on a Pi, and loading libcamera on
            # a kiosk configured for a webcam would be wasted start-up time.
            picamera2 = importlib.import_module("picamera2")
        except ImportError:
            log.info("picamera2 is not installed: no CSI camera")
            return False
        try:
            camera = picamera2.Picamera2()
            size = (self.width, self.height)
            camera.configure(
                camera.create_preview_configuration(main={"size": size, "format": "RGB888"})
            )
            camera.start()
        except Exception:  # no camera cable, camera busy, libcamera errors: all "unavailable"
            log.warning("the CSI camera could not be started", exc_info=True)
            return False
        self._camera = camera
        return True

    def read(self) -> Frame | None:
        if self._camera is None:
            return None
        return np.asarray(self._camera.capture_array("main"), dtype=np.uint8)

    def close(self) -> None:
        if self._camera is not None:
            try:
                self._camera.stop()
                self._camera.close()
            except Exception:
                log.warning("the CSI camera did not close cleanly", exc_info=True)
        self._camera = None


def load_frames(path: Path) -> list[Frame]:
    """Pictures for a :class:`FakeCamera`: one image file, or every image in a folder by name."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    else:
        files = [path]
    frames = []
    for file in files:
        image = cv2.imread(str(file), cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f"Cannot read a picture from {file}.")
        frames.append(np.asarray(image, dtype=np.uint8))
    if not frames:
        raise ValueError(f"There are no pictures in {path}.")
    return frames


def camera_from_setting(spec: str, *, width: int = 640, height: int = 480) -> FrameSource:
    """The frame source a kiosk's ``camera`` setting names (see the module's docstring)."""
    kind, _, argument = spec.strip().partition(":")
    kind = kind.lower()
    if kind == "none" and not argument:
        return NoCamera()
    if kind == "fake" and argument:
        return FakeCamera(load_frames(Path(argument)), name=f"fake:{argument}")
    if kind == "v4l2":
        text = argument.strip() or "0"
        if not text.isdigit():
            raise ValueError(f"'{spec}': a V4L2 camera is v4l2:<index>, index 0 or more.")
        return OpenCVCamera(int(text), width, height)
    if kind == "picamera" and not argument:
        return PiCamera(width, height)
    raise ValueError(
        f"Unknown camera setting '{spec}': use none, fake:<picture or folder>, v4l2:<index> "
        "or picamera."
    )
