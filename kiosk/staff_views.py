"""What staff mode, the fire roll call and the hallway's banner show, as plain dicts: open
alerts, who is on site by room, and how this door stands with the office. Turned from the
door's snapshot without Kivy, and unit-tested on their own, like :mod:`kiosk.views`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from db.day_parts import Alert, Shift, Stay
from db.names import sort_key
from db.on_site import on_site_by_room as on_site_by_room_of
from db.timeline import Timeline
from db.vocabulary import Reason, Severity
from kiosk.door.book import PeopleBook


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def alert_rows(book: PeopleBook, timeline: Timeline, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Open alerts for staff mode, most serious and oldest first."""
    rank = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.WARNING: 2, Severity.INFO: 3}
    rows = []
    for alert in sorted(timeline.open_alerts(), key=lambda a: (rank[a.severity], a.raised_at)):
        rows.append(_alert_row(book, alert, zone))
    return rows


def _alert_row(book: PeopleBook, alert: Alert, zone: ZoneInfo) -> dict[str, Any]:
    child = book.children.get(alert.child_id or -1)
    adult = book.adults.get(alert.adult_id or -1)
    presented = alert.details.get("presented") or {}
    shown = presented.get("name") or presented.get("card_id") or presented.get("pin_of") or ""
    who = adult.full_name if adult else str(shown)
    return {
        "uuid": alert.uuid,
        "severity": alert.severity.value,
        "reason": alert.reason.value,
        "text": str(alert.details.get("text", "")),
        "time": _clock(alert.raised_at, zone),
        "child": child.full_name if child else "",
        "who": who,
        "acknowledged": alert.acknowledged_at is not None,
        "locked_child_id": alert.child_id if alert.reason == Reason.LOCKED_OUT else None,
    }


def public_alert_banner(timeline: Timeline) -> dict[str, Any] | None:
    """What everyone in the hallway may see: that staff are needed, never who, why or how
    often (a count would tell a watching adult how many incidents there have been)."""
    open_alerts = [a for a in timeline.open_alerts() if a.acknowledged_at is None]
    if not open_alerts:
        return None
    critical = any(a.severity == Severity.CRITICAL for a in open_alerts)
    return {"critical": critical}


def on_site_by_room(
    book: PeopleBook, timeline: Timeline, rooms: dict[int, str], zone: ZoneInfo
) -> list[dict[str, Any]]:
    """The on-site list for staff mode and the fire roll call: children, staff, visitors."""
    home_rooms = {c.id: c.room_id for c in book.children.values()}
    where = on_site_by_room_of(timeline, home_rooms)
    groups: list[dict[str, Any]] = [
        {
            "room": rooms.get(room_id or -1, "Other"),
            "children": [_on_site_child(book, stay, zone) for stay in here.children],
            "staff": [_on_site_staff(book, shift, zone) for shift in here.staff],
        }
        for room_id, here in where.items()
    ]
    result = sorted(groups, key=lambda g: sort_key(g["room"]))
    for g in result:
        g["children"].sort(key=lambda c: sort_key(c["name"]))
        g["staff"].sort(key=lambda s: sort_key(s["name"]))
    visitors = [
        {
            "id": v.uuid,
            "kind": "visitor",
            "name": v.name,
            "since": _clock(v.signed_in_at, zone),
            "detail": f"{v.organisation} · {v.visiting}".strip(" ·"),
        }
        for v in sorted(timeline.visitors_on_site.values(), key=lambda v: v.signed_in_at)
    ]
    if visitors:
        result.append({"room": "Visitors", "children": [], "staff": visitors})
    return result


def _on_site_child(book: PeopleBook, stay: Stay, zone: ZoneInfo) -> dict[str, Any]:
    child = book.children.get(stay.child_id)
    return {
        "id": stay.child_id,
        "kind": "child",
        "name": child.full_name if child else f"#{stay.child_id}",
        "since": _clock(stay.arrived_at, zone),
        "arrival_uuid": stay.arrival_uuid,
        "acknowledged": stay.acknowledged_at is not None,
    }


def _on_site_staff(book: PeopleBook, shift: Shift, zone: ZoneInfo) -> dict[str, Any]:
    staff = book.staff.get(shift.staff_id)
    return {
        "id": shift.staff_id,
        "kind": "staff",
        "name": staff.full_name if staff else f"#{shift.staff_id}",
        "since": _clock(shift.signed_in_at, zone),
    }


# How long the office may be out of touch before the home screen tells staff (staff mode
# always says). A hub restarting or a Wi-Fi blip is shorter than this.
QUIET_OFFLINE = 30 * 60
# What staff mode says when the office's address shows a certificate this door did not pin.
UNTRUSTED = "This door no longer trusts the office's certificate, so it sends nothing."
UNTRUSTED_WHY = (
    "Something may be pretending to be the office. Tell the manager; if the office has a new "
    "certificate, pair this kiosk again."
)
# A kiosk paired before kiosks signed their events (issue 13): the hub refuses its events
# (``pair_again``) until it has a key, which it makes when it is paired again.
PAIR_AGAIN = (
    "Pair this kiosk again (office, Kiosks page): it was paired before kiosks signed their "
    "events, and the office takes none from it until then."
)


REVOKED = "The office has revoked this kiosk: it no longer syncs. Pair it again."
# Why a door has stopped syncing, the most pressing first: a status attribute, and what to say.
STOPPED = (
    ("untrusted", (UNTRUSTED, UNTRUSTED_WHY)),
    ("must_pair_again", (PAIR_AGAIN,)),
    ("revoked", (REVOKED,)),
)


def sync_lines(status: Any, *, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """What staff mode says about the office hub, from a :class:`~kiosk.store.local.SyncStatus`:
    ``lines`` as ``(message, params)`` for the translator, ``warning`` when staff should act,
    ``home`` when it is worth a line on the home screen too."""

    def clock(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%H:%M") if at else ""

    if status.hub is None:
        return {
            "lines": [("This kiosk works alone: it is not paired with an office hub.", {})],
            "warning": False,
            "home": False,
        }
    waiting = {"n": status.waiting}
    for stopped, messages in STOPPED:  # the door sends nothing until staff act on it
        if getattr(status, stopped):
            return {
                "lines": [
                    *((message, {}) for message in messages),
                    ("Events waiting to send: {n}, kept safely here.", waiting),
                ],
                "warning": True,
                "home": True,
            }
    lines: list[tuple[str, dict[str, Any]]] = []
    warning = False
    home = False
    if status.last_error is None and status.last_sync_at is not None:
        lines.append(
            ("In touch with the office; last sync {time}.", {"time": clock(status.last_sync_at)})
        )
        lines.append(("Events waiting to send: {n}.", waiting))
    else:
        warning = True
        if status.last_sync_at is None:
            lines.append(("The office hub has not answered yet.", {}))
        else:
            since = {"time": clock(status.last_sync_at)}
            lines.append(("The office hub has not answered since {time}.", since))
            home = (now - status.last_sync_at).total_seconds() > QUIET_OFFLINE
        lines.append(("Events waiting to send: {n}, kept safely here.", waiting))
    skew = status.clock_skew_seconds
    if skew is not None and abs(skew) >= 60:
        minutes = {"n": round(abs(skew) / 60)}
        # skew is the hub's time minus ours: positive means this kiosk is behind.
        message = (
            "This kiosk's clock is {n} min slow."
            if skew > 0
            else "This kiosk's clock is {n} min fast."
        )
        lines.append((message, minutes))
        warning = True
    return {"lines": lines, "warning": warning, "home": home}


def out_of_touch(status: Any, *, now: datetime, limit_seconds: int) -> bool:
    """Whether arrivals at other doors may be missing here: no good sync for longer than the
    office's ``kiosk_out_of_touch_seconds``. A door that works alone (not paired) sees every
    arrival it will ever see."""
    if status.hub is None:
        return False
    last = status.last_sync_at
    return last is None or (now - last).total_seconds() > limit_seconds
