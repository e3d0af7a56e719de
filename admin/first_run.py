"""The one-time setup code of a new hub (issue 13.4).

A hub that is not a demo and has no manager yet makes a code when it starts and prints it on
its console (the journal, under systemd). ``/setup`` asks for it, so the first anonymous
visitor on the nursery's network cannot make themselves the manager. The code lives in this
process only: a restart makes a new one (and forgets the old), and once the first manager
exists there is no code at all. Wrong codes are counted for everyone, not per address: a
code has about 59 bits, and five tries per quarter of an hour leaves nothing to guess.
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from admin.office.pairing import new_pairing_code

SETUP_TRIES = 5
SETUP_WINDOW = timedelta(minutes=15)


def _plain(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    message: str = ""
    locked: bool = False


class SetupCode:
    def __init__(self, code: str) -> None:
        self.code = code
        self._lock = threading.Lock()
        self._failures: deque[datetime] = deque()

    @classmethod
    def new(cls) -> SetupCode:
        return cls(new_pairing_code())

    def check(self, offered: str, *, now: datetime) -> CodeCheck:
        with self._lock:
            while self._failures and self._failures[0] <= now - SETUP_WINDOW:
                self._failures.popleft()
            if len(self._failures) >= SETUP_TRIES:
                minutes = int(SETUP_WINDOW.total_seconds() // 60)
                return CodeCheck(
                    False,
                    f"Too many wrong setup codes. Wait {minutes} minutes and try again, "
                    "or restart the hub: it prints a new code.",
                    locked=True,
                )
            if secrets.compare_digest(_plain(offered).encode(), _plain(self.code).encode()):
                return CodeCheck(True)
            if offered.strip():
                self._failures.append(now)
            left = SETUP_TRIES - len(self._failures)
            said = "That is not the setup code." if offered.strip() else "Please type it."
            return CodeCheck(False, f"{said} Tries left: {left}.")


def setup_code_banner(code: str, office_url: str) -> str:
    """What the console shows: the one place the code appears."""
    return (
        f"This hub has no manager yet. Open {office_url}setup and enter\n"
        f"Setup code: {code}\n"
        "(it works once, until the manager's account is made; a restart prints a new one)"
    )
