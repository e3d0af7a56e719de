"""Who may be given a QR card, as the Cards page lists them for ticking (issue 15.3): the adults
who collect the children of each room, under that room (an adult who collects from two rooms
is under both), the staff, and adults who collect no child yet. Each says whether they hold a
card in use already, since issuing a new one stops the old."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Adult, Authorisation, Card, Child, Room, Staff
from db.names import full_name, sort_key


@dataclass(frozen=True)
class Holder:
    ref: str  # "adult:12" or "staff:3", as the issue form sends it
    name: str
    collects: str  # "Mia, Theo": the children's first names, to tell two Sarahs apart
    has_card: bool


@dataclass
class HolderGroup:
    key: str  # "room-3", "staff", "others": the page's anchor for the group
    title: str
    holders: list[Holder] = field(default_factory=list)


@dataclass(frozen=True)
class HolderList:
    groups: list[HolderGroup]
    children: list[int]  # whom the list names, for the audit log
    adults: list[int]
    staff: list[int]


def _with_cards(db: Session) -> set[str]:
    held = db.execute(
        select(Card.holder_adult_id, Card.holder_staff_id).where(Card.revoked_at.is_(None))
    ).all()
    return {f"adult:{a}" if a is not None else f"staff:{s}" for a, s in held}


def _collected(db: Session) -> list[tuple[int, int | None, int, str]]:
    """(adult, room, child, child's first name) for every live authorisation."""
    rows = db.execute(
        select(Authorisation.adult_id, Child.room_id, Child.id, Child.first_name)
        .join(Child, Child.id == Authorisation.child_id)
        .where(Authorisation.deleted_at.is_(None), Child.deleted_at.is_(None))
    ).all()
    return [(a, room, child, first) for a, room, child, first in rows]


def _staff(db: Session, carded: set[str]) -> HolderGroup:
    group = HolderGroup("staff", "Staff")
    staff = db.scalars(select(Staff).where(Staff.deleted_at.is_(None))).all()
    for member in sorted(staff, key=lambda s: sort_key(s.last_name, s.first_name)):
        ref = f"staff:{member.id}"
        name = full_name(member.first_name, member.last_name)
        group.holders.append(Holder(ref, name, "", ref in carded))
    return group


def card_holders(db: Session) -> HolderList:
    carded = _with_cards(db)
    rooms = {
        r.id: r.name
        for r in db.scalars(select(Room).where(Room.deleted_at.is_(None)).order_by(Room.id))
    }
    adults = {
        a.id: full_name(a.first_name, a.last_name)
        for a in db.scalars(select(Adult).where(Adult.deleted_at.is_(None)))
    }
    collected = [c for c in _collected(db) if c[0] in adults]
    firsts: dict[int, list[str]] = defaultdict(list)
    in_room: dict[int | None, set[int]] = defaultdict(set)
    for adult, room, _, first in collected:
        firsts[adult].append(first)
        in_room[room if room in rooms else None].add(adult)

    def holder(adult: int) -> Holder:
        ref = f"adult:{adult}"
        collects = ", ".join(sorted(set(firsts[adult]), key=sort_key))
        return Holder(ref, adults[adult], collects, ref in carded)

    def by_name(ids: set[int]) -> list[Holder]:
        return sorted((holder(a) for a in ids), key=lambda h: sort_key(h.name))

    groups = [HolderGroup(f"room-{r}", name, by_name(in_room[r])) for r, name in rooms.items()]
    if in_room[None]:
        groups.append(HolderGroup("no-room", "Children with no room yet", by_name(in_room[None])))
    staff = _staff(db, carded)
    groups.append(staff)
    others = set(adults) - set(firsts)
    if others:
        groups.append(HolderGroup("others", "Adults who collect no child yet", by_name(others)))
    return HolderList(
        groups=[g for g in groups if g.holders],
        children=sorted({c for _, _, c, _ in collected}),
        adults=sorted(adults),
        staff=[int(h.ref.removeprefix("staff:")) for h in staff.holders],
    )
