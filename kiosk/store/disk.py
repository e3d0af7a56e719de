"""When the kiosk's disk will not take a write: one exception the door understands, and how
much room is left.

SQLite says "database or disk is full", "disk I/O error" or "attempt to write a readonly
database" as ``OperationalError``; the operating system may say ``OSError`` first. Each means
the same thing to a family at the door: nothing was recorded. :func:`saving` turns them all
into :class:`CannotSave`, so the door can say so plainly instead of showing a calm "please
wait" over an arrival that never happened.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import DatabaseError, IntegrityError, ProgrammingError

MB = 1024 * 1024


class StoreFault(Exception):
    """The kiosk's own database let the door down; ``reason`` is shown to staff."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CannotSave(StoreFault):
    """A write to the kiosk's own database failed: nothing of it is on disk."""


@dataclass(frozen=True)
class SaveFault:
    """This door could not write to its own disk. Kept in memory only (the disk is what
    failed); ``uuid`` names the report to the office, so a resend raises one alert, not two."""

    reason: str
    since: datetime
    free_bytes: int | None
    uuid: str


@contextmanager
def saving() -> Iterator[None]:
    try:
        yield
    except (IntegrityError, ProgrammingError):
        raise  # a bug in what we wrote, not a disk that will not take it
    except DatabaseError as error:  # OperationalError among them: full, I/O, read-only, damaged
        raise CannotSave(_first_line(error.orig) if error.orig else str(error)) from error
    except OSError as error:
        raise CannotSave(error.strerror or str(error)) from error


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def free_bytes(database: Path | None) -> int | None:
    """Room left on the filesystem that holds the database; None when it is not a file."""
    if database is None:
        return None
    try:
        return shutil.disk_usage(database.parent).free
    except OSError:
        return None
