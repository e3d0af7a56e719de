"""What each screen shows, as plain dicts: turned from the door's records without Kivy, and
unit-tested on their own. A screen only lays these out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from db.names import sort_key
from db.on_site import on_site_by_room as on_site_by_room_of
from db.timeline import Alert, Shift, Stay, Timeline
from db.vocabulary import Check, Reason, Severity
from kiosk.door.book import PeopleBook
from kiosk.door.decisions import ReleasePending

Tile = dict[str, Any]


def tile_label(first_name: str, last_name: str, privacy_mode: str) -> str:
    """What the public board says of a child (R12): first name, or first name and initial."""
    if privacy_mode == "first_name_initial":
        return f"{first_name} {last_name[:1]}." if last_name else first_name
    return first_name


def child_tiles(
    book: PeopleBook, timeline: Timeline, *, privacy_mode: str, on_site: bool
) -> list[Tile]:
    """The self-registration board: children not yet in (arrival) or on site (collection).
    In card-first mode the board shows no child at all: a card starts everything."""
    if privacy_mode == "card_first":
        return []
    tiles: list[Tile] = []
    for child in book.children.values():
        if (child.id in timeline.on_site) != on_site:
            continue
        tiles.append(
            {
                "id": child.id,
                "label": tile_label(child.first_name, child.last_name, privacy_mode),
                "photo": ("child", child.id)
                if child.has_photo and privacy_mode != "first_name_initial"
                else None,
                "order": sort_key(child.first_name, child.last_name),
                "room": child.room_id,
            }
        )
    tiles.sort(key=lambda t: t["order"])
    return tiles


def rooms_on_board(
    tiles: list[Tile], rooms: dict[int, str], *, fits: int, colours: dict[int, str] | None = None
) -> list[Tile]:
    """The rooms a child picks first when more children are to come than fit on one board
    (R1: still three taps): name, colour (the office's, else by the room's place), its
    children, three faces. None when every child fits on one screen; children in no room
    come last, unnamed."""
    if len(tiles) <= fits:
        return []
    groups: list[Tile] = []
    for place, room_id in enumerate([*sorted(rooms), None]):
        members = [t for t in tiles if (t["room"] if t["room"] in rooms else None) == room_id]
        if members:
            group: Tile = {"id": room_id, "place": place, "children": [t["id"] for t in members]}
            group["label"] = rooms[room_id] if room_id is not None else ""
            group["colour"] = (colours or {}).get(room_id, "") if room_id is not None else ""
            group["faces"] = [t["photo"] for t in members if t["photo"] is not None][:3]
            groups.append(group)
    return groups


def adults_for_child(book: PeopleBook, child_id: int, today: date) -> list[Tile]:
    """Who can be chosen as the collector (or who brought the child): standing authorised
    adults, then adults with a written permission that has not long expired; choosing one
    outside their dates is refused by the door, with an alert."""
    chosen: dict[int, str] = {
        adult_id: auth.relationship for adult_id, auth in book.authorised.get(child_id, {}).items()
    }
    for permission in book.permissions.get(child_id, ()):
        if permission.adult_id not in chosen and (today - permission.valid_to).days <= 7:
            chosen[permission.adult_id] = "Written permission"
    tiles: list[Tile] = []
    for adult_id, relationship in chosen.items():
        adult = book.adults.get(adult_id)
        if adult is None:
            continue
        tiles.append(
            {
                "id": adult.id,
                "label": adult.first_name,
                "detail": relationship,
                "photo": ("adult", adult.id) if adult.has_photo else None,
                "order": sort_key(adult.first_name, adult.last_name),
            }
        )
    tiles.sort(key=lambda t: t["order"])
    return tiles


def family_tiles(book: PeopleBook, child_ids: Iterable[int]) -> list[Tile]:
    """A carer's own children, as the arrival and going-home choices show them."""
    tiles: list[Tile] = []
    for child_id in child_ids:
        child = book.children.get(child_id)
        if child is None:
            continue
        tiles.append(
            {
                "id": child.id,
                "label": child.first_name,
                "photo": ("child", child.id) if child.has_photo else None,
                "order": sort_key(child.first_name, child.last_name),
            }
        )
    tiles.sort(key=lambda t: t["order"])
    return tiles


def siblings_to_bring(
    book: PeopleBook, timeline: Timeline, adult_id: int, already: int
) -> list[Tile]:
    """The carer's other children not yet in: offered so siblings arrive together."""
    others = book.children_of_adult.get(adult_id, ())
    return family_tiles(book, (c for c in others if c != already and c not in timeline.on_site))


def siblings_going_home(
    book: PeopleBook, timeline: Timeline, adult_id: int, chosen: int
) -> list[int]:
    """The collector's other children on site: offered so brothers and sisters go together."""
    others = book.children_of_adult.get(adult_id, ())
    return sorted(c for c in others if c != chosen and c in timeline.on_site)


def key_person_name(book: PeopleBook, child_id: int) -> str:
    child = book.children.get(child_id)
    staff = book.staff.get(child.key_person_id) if child and child.key_person_id else None
    return staff.first_name if staff else ""


def handover_card(book: PeopleBook, pendings: list[ReleasePending]) -> dict[str, Any]:
    """What the member of staff sees before one confirmation: every child going home with this
    collector, what to check (R5), and each child this door never saw arrive."""
    first = pendings[0]
    adult = book.adults.get(first.adult_id) if first.adult_id is not None else None
    checks = {c.value for p in pendings for c in p.checks}
    children = []
    for pending in pendings:
        child = book.children[pending.child_id]
        children.append(
            {
                "name": child.full_name,
                "first_name": child.first_name,
                "photo": ("child", child.id) if child.has_photo else None,
                "not_seen_here": Check.SEE_THE_CHILD in pending.checks,
            }
        )
    return {
        "children": children,
        "collector": first.collector_name,
        "collector_photo": ("adult", adult.id) if adult is not None and adult.has_photo else None,
        "method": first.method.value,
        "checks": sorted(checks),
        "needs_id": Check.CHECK_ID_DOCUMENT.value in checks,
    }


# How long since the last good sync before this door counts itself out of touch with the
# office, and so unsure whether a child was signed in at another door. A few missed rounds.
OUT_OF_TOUCH_SECONDS = 60


def out_of_touch(status: Any, *, now: datetime) -> bool:
    """Whether arrivals at other doors may be missing here. A door that works alone (not
    paired) sees every arrival it will ever see."""
    if status.hub is None:
        return False
    last = status.last_sync_at
    return last is None or (now - last).total_seconds() > OUT_OF_TOUCH_SECONDS


def staff_tiles(book: PeopleBook, timeline: Timeline | None = None) -> list[Tile]:
    on_site = timeline.staff_on_site if timeline else {}
    tiles: list[Tile] = [
        {
            "id": s.id,
            "label": s.first_name,
            "detail": s.last_name,
            "photo": ("staff", s.id),
            "on_site": s.id in on_site,
            "order": sort_key(s.first_name, s.last_name),
        }
        for s in book.staff.values()
        if s.active
    ]
    tiles.sort(key=lambda t: t["order"])
    return tiles


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
    if status.revoked:
        return {
            "lines": [
                ("The office has revoked this kiosk: it no longer syncs. Pair it again.", {}),
                ("Events waiting to send: {n}, kept safely here.", waiting),
            ],
            "warning": True,
            "home": True,
        }
    if status.untrusted:
        return {
            "lines": [
                (UNTRUSTED, {}),
                (UNTRUSTED_WHY, {}),
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
