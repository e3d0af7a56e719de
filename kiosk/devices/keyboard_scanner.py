"""A USB 2D scanner is a keyboard: it types the card's payload, very fast, then Enter.

This class tells such a burst from a person at the keyboard by timing alone, so it needs no
Kivy: the app feeds it from ``Window.on_textinput`` (characters) and ``Window.on_key_down``
(Enter) and acts on what :meth:`KeyboardScanner.feed_enter` returns. The app should not feed
it while a text field has focus: a fast typist pressing Enter in a form is not a card.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LINE_ENDS = "\r\n"


class KeyboardScanner:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_gap: float = 0.5,
        min_length: int = 6,
        max_length: int = 512,
    ) -> None:
        self._clock = clock
        self._max_gap = max_gap
        self._min_length = min_length
        self._max_length = max_length
        self._buffer: list[str] = []
        self._length = 0
        self._last_key: float | None = None
        # Set when a burst grew too long: the rest of it is ignored up to Enter, otherwise its
        # tail would be taken for a payload of its own.
        self._overflowed = False

    def feed_text(self, text: str) -> str | None:
        """Characters as typed. Scanners set to end with a carriage return send it as text on
        some systems: a line end here ends the burst like Enter, and its payload is returned."""
        payload = None
        for chunk, line_end in _split_lines(text):
            self._add(chunk)
            if line_end:
                payload = self.feed_enter() or payload
        return payload

    def feed_enter(self) -> str | None:
        """Enter was pressed: the payload if it ends a scanner's burst, else None."""
        now = self._clock()
        quick = self._last_key is not None and now - self._last_key <= self._max_gap
        payload = "".join(self._buffer).strip()
        acceptable = quick and not self._overflowed and len(payload) >= self._min_length
        self.reset()
        return payload if acceptable else None

    def reset(self) -> None:
        self._buffer.clear()
        self._length = 0
        self._last_key = None
        self._overflowed = False

    def _add(self, chunk: str) -> None:
        if not chunk:
            return
        now = self._clock()
        if self._last_key is not None and now - self._last_key > self._max_gap:
            self.reset()  # a pause: whatever came before was a person, not a scanner
        self._last_key = now
        if self._overflowed:
            return
        self._buffer.append(chunk)
        self._length += len(chunk)
        if self._length > self._max_length:
            self._buffer.clear()
            self._length = 0
            self._overflowed = True


def _split_lines(text: str) -> list[tuple[str, bool]]:
    """``"ab\\r\\ncd"`` -> ``[("ab", True), ("", True), ("cd", False)]``."""
    parts: list[tuple[str, bool]] = []
    current: list[str] = []
    for char in text:
        if char in LINE_ENDS:
            parts.append(("".join(current), True))
            current = []
        else:
            current.append(char)
    parts.append(("".join(current), False))
    return parts
