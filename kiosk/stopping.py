"""Ending the kiosk at once on SIGTERM, whatever its screen is doing.

Seen: with its display hung (a compositor that stopped answering; reproduced by stopping
Xvfb with SIGSTOP), ``systemctl stop`` left the kiosk running until systemd's SIGKILL 90 s
later. SDL installs its own SIGTERM handler, which only queues a quit event for the screen's
thread to read; a screen's thread stuck inside SDL never reads it, and it holds Python's GIL,
so no Python-level handler or thread can act either.

So SDL is told to leave signals alone and SIGTERM keeps the kernel's default action: the
process ends at once, with no help from the stuck thread. Nothing is lost by not stopping
"cleanly": every event the screen confirmed is a committed transaction with
``synchronous=FULL`` before it is confirmed, and the SIGKILL tests in
tests/sync/test_faults.py check exactly that (every confirmed event there, each with its
outbox row, ``integrity_check`` ok).
"""

from __future__ import annotations

import os
import signal


def end_at_once_on_sigterm() -> None:
    """Call before Kivy (and so SDL) is imported."""
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"  # an SDL hint, read from the environment
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
