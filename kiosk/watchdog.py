"""Telling systemd the kiosk is alive (``sd_notify``), with no dependency.

The unit is ``Type=notify`` with ``WatchdogSec=``: the kiosk app (kiosk/app.py) says
``READY=1`` once its first screen is drawn, then ``WATCHDOG=1`` from the Kivy clock. A ping
proves the screen's thread runs; it is sent only if the door thread also answered the previous
round, so a door stuck on a lock is restarted too, not only a frozen screen. Without
``NOTIFY_SOCKET`` (a terminal, the tests, the demo) nothing is sent.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


def notify(message: str, *, environ: dict[str, str] | None = None) -> bool:
    """Send one sd_notify datagram; False when there is nobody to tell."""
    address = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError:  # systemd went away or never listened: a kiosk must not fall over for it
        return False
    return True


def watchdog_interval(environ: dict[str, str] | None = None) -> float | None:
    """Half of systemd's WatchdogSec (it passes WATCHDOG_USEC), as systemd advises."""
    usec = (environ if environ is not None else os.environ).get("WATCHDOG_USEC", "")
    return int(usec) / 2_000_000 if usec.isdigit() and int(usec) > 0 else None


class Watchdog:
    """Pings while both the screen's thread (which calls :meth:`tick`) and the door thread
    (``run_on_door``) answer."""

    def __init__(self, run_on_door: Callable[[Callable[[], None]], Future[Any]]) -> None:
        self.run_on_door = run_on_door
        self.pending: Future[Any] | None = None
        self.ready = False

    def tick(self) -> bool:
        if not self.ready:
            self.ready = notify("READY=1\nSTATUS=The door is open")
        if self.pending is not None and not self.pending.done():
            return False  # the door thread has not answered since the last ping
        self.pending = self.run_on_door(lambda: None)
        return notify("WATCHDOG=1")
