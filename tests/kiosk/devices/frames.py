"""Camera frames with real QR cards in them, made the way the office prints cards (segno)."""

from __future__ import annotations

import io

import cv2
import numpy as np
import segno

from kiosk.devices.camera import Frame

VGA = (640, 480)


def qr_image(payload: str, *, module_px: int = 5, border: int = 4) -> Frame:
    """The card's code as a grey image, quiet zone included, black on white."""
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=module_px, border=border)
    image = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    return np.asarray(image, dtype=np.uint8)


def blank_frame(size: tuple[int, int] = VGA, *, level: int = 150) -> Frame:
    """An empty hallway: a flat grey wall."""
    width, height = size
    return np.full((height, width), level, np.uint8)


def paste(canvas: Frame, image: Frame, at: tuple[int, int]) -> Frame:
    x, y = at
    out = canvas.copy()
    out[y : y + image.shape[0], x : x + image.shape[1]] = image
    return out


def card_frame(
    payload: str,
    *,
    size: tuple[int, int] = VGA,
    at: tuple[int, int] = (180, 120),
    module_px: int = 5,
    bgr: bool = True,
) -> Frame:
    """A card held up to the camera: the code pasted onto a grey wall, BGR like a webcam."""
    frame = paste(blank_frame(size), qr_image(payload, module_px=module_px), at)
    return np.asarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), np.uint8) if bgr else frame
