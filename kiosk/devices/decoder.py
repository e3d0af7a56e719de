"""Frame in, QR texts out.

zxing-cpp is the default: on these machines it read more of the blurred, tilted, noisy and small
codes than pyzbar and about ten times faster (PLATFORM.md, ``benchmarks/decode.py``). pyzbar
stays selectable because the project brief names it. Both are told to look for QR codes only:
the cards are QR, and every other symbology is time spent and a chance of a false read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import cv2
import numpy as np

from db.credentials import MalformedCard, parse_card
from kiosk.devices.camera import Frame

Decoder = Callable[[Frame], list[str]]

DECODERS = ("zxing", "pyzbar")
PYZBAR_MISSING = "pyzbar needs the zbar library: apt-get install libzbar0"


def to_grey(frame: Frame) -> Frame:
    """One conversion per frame, here, so neither library converts (or guesses) on its own."""
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 3:
        return np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY), np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[:, :, 0]
    raise ValueError(f"A frame is grey or BGR, not an array of shape {frame.shape}.")


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))  # the same code seen twice in a frame is one card


def zxing_decoder(*, second_look: bool = True) -> Decoder:
    """zxing-cpp, QR only. With ``second_look``, a frame where it found a QR code but could not
    read it is read again: with a fixed threshold, then by zbar where libzbar is installed. A
    phone screen's glare and pixel grid (moiré) defeat zxing's local threshold more often than
    a printed card does, and zbar reads a different share of them (``benchmarks/decode.py``,
    the phone rows). Frames with no code in them, nearly all, cost nothing more; nor do codes
    read at the first look."""
    import zxingcpp

    again = _second_look() if second_look else None

    # The format is named at each call, not held in a zxingcpp object by this closure: one still
    # alive when the kiosk exits makes nanobind print "leaked" lines into the log every time.
    def decode(frame: Frame) -> list[str]:
        grey = to_grey(frame)
        qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        found = zxingcpp.read_barcodes(grey, formats=qr_only, return_errors=again is not None)
        texts = [barcode.text for barcode in found if barcode.valid]
        if texts or not found or again is None:
            return _unique(texts)
        return again(grey)

    return decode


def _second_look() -> Decoder:
    import zxingcpp

    try:
        zbar: Decoder | None = pyzbar_decoder()
    except RuntimeError:
        zbar = None  # a kiosk without libzbar0 still takes the fixed-threshold look

    def look_again(grey: Frame) -> list[str]:
        qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        fixed = zxingcpp.Binarizer.FixedThreshold
        found = zxingcpp.read_barcodes(grey, formats=qr_only, binarizer=fixed)
        texts = [barcode.text for barcode in found if barcode.valid]
        if not texts and zbar is not None:
            texts = zbar(grey)
        return _unique(t for t in texts if _a_card(t))

    return look_again


def _a_card(text: str) -> bool:
    """Only one of our cards passes the second look. It reads glare and a screen's pixel grid
    that the first could not, where a phantom code is likelier (a phone moved about in the glare
    once gave "59477"); passed on, that would be refused at the door as a card, and while
    collecting it raises an alert to staff for a parent who did nothing wrong."""
    try:
        parse_card(text)
    except MalformedCard:
        return False
    return True


def pyzbar_decoder() -> Decoder:
    try:
        # pyzbar loads libzbar when imported; without it the error says only "Unable to find
        # zbar shared library", which does not tell a person setting up a kiosk what to do.
        from pyzbar import pyzbar
    except ImportError as exc:
        raise RuntimeError(PYZBAR_MISSING) from exc

    qr_only = [pyzbar.ZBarSymbol.QRCODE]

    def decode(frame: Frame) -> list[str]:
        found: list[Any] = pyzbar.decode(to_grey(frame), symbols=qr_only)
        # A cereal box's QR code may hold any bytes; it must not crash the camera thread.
        return _unique(bytes(symbol.data).decode("utf-8", errors="replace") for symbol in found)

    return decode


def make_decoder(name: str) -> Decoder:
    """The decoder a kiosk's ``decoder`` setting names: ``zxing`` or ``pyzbar``."""
    key = name.strip().lower()
    if key == "zxing":
        return zxing_decoder()
    if key == "pyzbar":
        return pyzbar_decoder()
    raise ValueError(f"Unknown QR decoder '{name}': use one of {', '.join(DECODERS)}.")
