"""What seed-demo prints once: the demo nursery's plain passwords, PINs and card payloads.

Kept apart from :mod:`db.seed` so the command line and the README can print them without
reading how the nursery is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class StaffLogin:
    username: str
    full_name: str
    role: str
    password: str
    pin: str


@dataclass(frozen=True)
class PrintedCard:
    holder: str
    staff: bool
    payload: str
    revoked: bool


@dataclass(frozen=True)
class FamilyPassword:
    family: str
    password: str


@dataclass(frozen=True)
class Permission:
    adult: str
    child: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class NotablePeople:
    restricted_person: str
    restricted_child: str
    restriction_reason: str
    one_off: Permission
    expired: Permission
    under_age_person: str
    under_age_years: int
    lost_card_holder: str


@dataclass(frozen=True)
class DemoCredentials:
    """The plain secrets, shown once: the database holds only their hashes."""

    setting_name: str
    staff: tuple[StaffLogin, ...]
    cards: tuple[PrintedCard, ...]
    agreed_passwords: tuple[FamilyPassword, ...]
    notable: NotablePeople


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    body = [list(row) for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in body]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(row) for row in body)]


def _heading(text: str) -> list[str]:
    return ["", text, "-" * len(text)]


def format_credentials(creds: DemoCredentials) -> str:
    """A plain-text block for the terminal and the README: headed sections, aligned columns."""
    title = f"{creds.setting_name}: demo credentials"
    lines = [title, "=" * len(title), "Shown once: the database keeps only hashes of these."]
    lines += _heading("Staff (admin panel password; PIN at the kiosk)")
    lines += _table(
        ("username", "name", "role", "password", "PIN"),
        ((s.username, s.full_name, s.role, s.password, s.pin) for s in creds.staff),
    )
    lines += _heading("QR cards (show to the kiosk camera, or type into a USB scanner field)")
    lines += _table(
        ("holder", "kind", "status", "payload"),
        (
            (
                c.holder,
                "staff" if c.staff else "adult",
                "REVOKED" if c.revoked else "valid",
                c.payload,
            )
            for c in creds.cards
        ),
    )
    lines += _heading("Agreed passwords (case and extra spaces do not matter)")
    lines += _table(
        ("family", "password"), ((p.family, p.password) for p in creds.agreed_passwords)
    )
    lines += _heading("People to try at the door")
    lines += _notable_lines(creds.notable)
    return "\n".join(lines) + "\n"


def _notable_lines(people: NotablePeople) -> list[str]:
    one_off, expired = people.one_off, people.expired
    rows = (
        (
            people.restricted_person,
            people.restricted_child,
            f"must not collect: {people.restriction_reason}; old card = critical alert",
        ),
        (
            one_off.adult,
            one_off.child,
            f"one-off permission, {_dates(one_off)} only; staff check ID",
        ),
        (expired.adult, expired.child, f"permission expired ({_dates(expired)}): refused"),
        (people.under_age_person, "", f"aged {people.under_age_years}: on record, collects no one"),
        (people.lost_card_holder, "", "first card lost and revoked (alert); the new card works"),
    )
    return _table(("who", "child", "at the door"), rows)


def _dates(permission: Permission) -> str:
    if permission.valid_from == permission.valid_to:
        return permission.valid_from.isoformat()
    return f"{permission.valid_from.isoformat()} to {permission.valid_to.isoformat()}"
