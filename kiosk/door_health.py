"""What staff mode says about the door's own disk: a write that failed, room running low.
Plain data for the translator, like :func:`kiosk.staff_views.sync_lines`; no Kivy."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kiosk.store.disk import MB, SaveFault

Lines = list[tuple[str, dict[str, Any]]]
CANNOT_SAVE = "This door cannot save since {time} ({reason}): nothing is being recorded."
LOW_SPACE = "Low on space: {n} MB left on this kiosk (warning below {limit} MB)."
RESTORED = (
    "At {time} this door's database was damaged ({problem}): it was restored from the "
    "backup {backup}."
)
REBUILT = (
    "At {time} this door's database was damaged ({problem}): it was rebuilt from the office hub."
)
READ_BACK = "Events read back from the damaged file and kept, to be sent: {n}."
LAST_SYNC = (
    "Last good sync before the damage: {time}. Anything recorded here after it and not listed "
    "above may be missing: check the register."
)
NEVER_SYNCED = "This door had not synced with the office before the damage: check the register."
# For the translators (kiosk/messages.py): each is shown through the translator.
MESSAGES = (CANNOT_SAVE, LOW_SPACE, RESTORED, REBUILT, READ_BACK, LAST_SYNC, NEVER_SYNCED)


def disk_lines(
    fault: SaveFault | None, free: int | None, *, low_space_mb: int, zone: ZoneInfo
) -> Lines:
    """Empty while all is well: staff mode's foot is for what needs doing."""
    if fault is not None:
        since = fault.since.astimezone(zone).strftime("%H:%M")
        return [(CANNOT_SAVE, {"time": since, "reason": fault.reason})]
    if free is not None and free < low_space_mb * MB:
        return [(LOW_SPACE, {"n": free // MB, "limit": low_space_mb})]
    return []


def recovery_lines(recovery: Any, names: dict[int, str], *, zone: ZoneInfo) -> Lines:
    """What start-up did about a damaged database (a :class:`kiosk.store.health.Recovery`), and
    what may be missing: the events read back from the damaged file are listed (they are kept
    and will be sent); anything else recorded here after the last good sync may be lost."""
    if recovery is None:
        return []

    def at(moment: Any) -> str:
        return str(moment.astimezone(zone).strftime("%d %b %H:%M")) if moment else ""

    params = {"time": at(recovery.at), "problem": recovery.problem}
    if recovery.backup is not None:
        lines: Lines = [(RESTORED, params | {"backup": recovery.backup.name})]
    else:
        lines = [(REBUILT, params)]
    lines.append((READ_BACK, {"n": len(recovery.read_back)}))
    for event in recovery.read_back:
        what = str(event.type).replace("_", " ")
        who = names.get(event.child_id, "") if event.child_id is not None else ""
        line = {"time": at(event.occurred_at), "what": what, "who": who}
        lines.append(("{time} · {what} · {who}", line))
    if recovery.last_sync_at is not None:
        lines.append((LAST_SYNC, {"time": at(recovery.last_sync_at)}))
    else:
        lines.append((NEVER_SYNCED, {}))
    return lines
