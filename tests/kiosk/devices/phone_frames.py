"""Camera frames of a collection card shown on a phone (issue 17): the code on a lit screen in a
dark bezel, and what a webcam makes of it. Synthetic, like the printed cards in frames.py:

- bright: the screen gives its own light, so at the room's exposure its white clips at 255 and
  its "black" glows grey, with a little bloom from the lens;
- glare: a ceiling light's reflection, a bright spot on the glass that can wash modules out;
- moiré: the screen's pixel grid, finer than the camera's but not a multiple of it, beats with
  the sensor into bands; made by drawing the grid at four times the camera's resolution and
  sampling it down without averaging, as a sensor does;
- angle: the phone tilted towards the camera, the corners pulled in by up to 30% of its side.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.devices.camera import Frame
from tests.kiosk.devices.frames import qr_image

Light = npt.NDArray[np.float32]  # light reaching the sensor, before it is clipped to 0..255
FINE = 4  # the moiré is drawn at this many times the camera's resolution
QUIET_ZONE = 4


@dataclass(frozen=True)
class Spoil:
    glare: bool = False
    moire: bool = False
    angle: bool = False


class PhoneFrames:
    """Makes phone-screen frames from a seed: the same seed, the same frames."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)

    def frame(self, size: tuple[int, int], payload: str, spoil: Spoil = Spoil()) -> Frame:
        width, height = size
        wall = np.full((height, width), float(self.rng.randint(60, 170)), np.float32)
        phone = self._phone(payload, moire=spoil.moire)
        shape = self._outline(phone, wall, tilt=0.3 if spoil.angle else 0.04)
        frame = self._laid_on(wall, phone, shape)
        if spoil.glare:
            frame += self._glare(shape, frame.shape)
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), 0.7), np.float32)  # the lens: bloom
        frame += self.np_rng.normal(0, 4, frame.shape).astype(np.float32)
        return np.clip(frame, 0, 255).astype(np.uint8)

    def _phone(self, payload: str, *, moire: bool) -> Light:
        """The phone as the camera sees it, straight on: bezel, lit screen, the code."""
        code = qr_image(payload, module_px=self.rng.choice((4, 5, 6)), border=QUIET_ZONE)
        margin, bezel = self.rng.randint(6, 20), self.rng.randint(8, 16)
        screen = np.full((code.shape[0] + 2 * margin,) * 2, 255, np.float32)
        screen[margin : margin + code.shape[0], margin : margin + code.shape[1]] = code
        if moire:
            screen = self._pixel_grid(screen)
        # The exposure set for the room: the screen's white clips, its black glows grey.
        black = self.rng.uniform(55, 110)
        lit = np.clip(black + screen * self.rng.uniform(1.1, 1.6), 0, 255).astype(np.float32)
        side = lit.shape[0] + 2 * bezel
        phone = np.full((side + 2 * bezel, side), float(self.rng.randint(15, 40)), np.float32)
        phone[2 * bezel : 2 * bezel + lit.shape[0], bezel : bezel + lit.shape[1]] = lit
        return phone

    def _pixel_grid(self, screen: Light) -> Light:
        fine = cv2.resize(screen, None, fx=FINE, fy=FINE, interpolation=cv2.INTER_NEAREST)
        period = self.rng.uniform(3.3, 4.7)  # screen pixels per 4 camera pixels: never whole
        turn = np.deg2rad(self.rng.uniform(-4, 4))
        ys, xs = np.mgrid[0 : fine.shape[0], 0 : fine.shape[1]].astype(np.float32)
        across = (xs * np.cos(turn) + ys * np.sin(turn)) / period
        down = (ys * np.cos(turn) - xs * np.sin(turn)) / period
        # Between sub-pixels and rows the glass is dark: a grid of lit cells.
        cells = (np.modf(across)[0] < 0.7) & (np.modf(np.abs(down))[0] < 0.8)
        fine = fine * np.where(cells, 1.0, 0.35).astype(np.float32)
        small = (screen.shape[1], screen.shape[0])
        return np.asarray(cv2.resize(fine, small, interpolation=cv2.INTER_NEAREST), np.float32)

    def _outline(self, phone: Light, wall: Light, *, tilt: float) -> Light:
        """Where the phone's four corners land in the frame."""
        h, w = phone.shape
        pull = tilt * w
        x = self.rng.randint(0, wall.shape[1] - w)
        y = self.rng.randint(0, wall.shape[0] - h)

        def inwards() -> float:
            return self.rng.uniform(0, pull)

        return np.array(
            [
                [x + inwards(), y + inwards()],
                [x + w - inwards(), y + inwards()],
                [x + w - inwards(), y + h - inwards()],
                [x + inwards(), y + h - inwards()],
            ],
            np.float32,
        )

    def _laid_on(self, wall: Light, phone: Light, outline: Light) -> Light:
        h, w = phone.shape
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        matrix = cv2.getPerspectiveTransform(corners, outline)
        size = (wall.shape[1], wall.shape[0])
        seen = cv2.warpPerspective(phone, matrix, size, flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones_like(phone), matrix, size, flags=cv2.INTER_LINEAR)
        return np.asarray(wall * (1 - mask) + seen * mask, np.float32)

    def _glare(self, outline: Light, shape: tuple[int, ...]) -> Light:
        """A light's reflection: a soft bright spot somewhere on the screen."""
        side = float(np.linalg.norm(outline[1] - outline[0]))
        across, down = self.rng.uniform(0.25, 0.75), self.rng.uniform(0.25, 0.75)
        top = outline[0] + across * (outline[1] - outline[0])
        bottom = outline[3] + across * (outline[2] - outline[3])
        cx, cy = top + down * (bottom - top)
        radius = self.rng.uniform(0.06, 0.14) * side
        ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
        spot = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2))
        return np.asarray(spot * self.rng.uniform(120, 220), np.float32)
