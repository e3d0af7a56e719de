"""What staff mode says about the door's own disk: a write that failed, room running low.
Plain data for the translator, like :func:`kiosk.views.sync_lines`; no Kivy."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kiosk.store.disk import MB, SaveFault

Lines = list[tuple[str, dict[str, Any]]]


def disk_lines(
    fault: SaveFault | None, free: int | None, *, low_space_mb: int, zone: ZoneInfo
) -> Lines:
    """Empty while all is well: staff mode's foot is for what needs doing."""
    if fault is not None:
        since = fault.since.astimezone(zone).strftime("%H:%M")
        return [
            (
                "This door cannot save since {time} ({reason}): nothing is being recorded.",
                {"time": since, "reason": fault.reason},
            )
        ]
    if free is not None and free < low_space_mb * MB:
        return [
            (
                "Low on space: {n} MB left on this kiosk (warning below {limit} MB).",
                {"n": free // MB, "limit": low_space_mb},
            )
        ]
    return []
