"""Fill an empty database with a believable nursery, so the door and the office can be tried.

The roster is in :mod:`db.seed_data`. Every hash is made with :mod:`db.credentials`, exactly as
the panel would make it, and the plain secrets come back once, in :class:`DemoCredentials`, to
be printed. Rows are written as the actor ``seed-demo``, so the audit log says where they came
from. The caller commits.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import audit
from db import seed_data as roster
from db.clock import utc_now
from db.credentials import hash_password, hash_secret, new_card
from db.models import (
    Adult,
    Card,
    Child,
    Kiosk,
    NurserySession,
    OneOffPermission,
    RatioRule,
    Restriction,
    Room,
    Setting,
    Staff,
    Visitor,
)
from db.seed_credentials import (
    DemoCredentials,
    FamilyPassword,
    NotablePeople,
    Permission,
    PrintedCard,
    StaffLogin,
    format_credentials,
)
from db.seed_families import Nursery, add_families, avatar
from db.vocabulary import Role

__all__ = ["DemoCredentials", "SeedError", "format_credentials", "seed_demo"]

ACTOR = "seed-demo"
HASH_WORKERS = 4  # bcrypt releases the GIL: ~20 hashes of 0.25 s each take about a second
NOT_EMPTY = "This database already has a nursery; seed-demo only fills an empty one."


class SeedError(RuntimeError):
    pass


def seed_demo(session: Session, *, today: date, now: datetime | None = None) -> DemoCredentials:
    """Fill an empty, migrated database with Little Acorns Pre-School. Flushes; the caller
    commits (or rolls back)."""
    now = now if now is not None else utc_now()
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    for model in (Setting, Staff, Child, Adult):
        if session.scalar(select(model.id).limit(1)) is not None:
            raise SeedError(NOT_EMPTY)
    audit.install()
    audit.set_actor(session, ACTOR)
    pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="seed-hash")
    try:
        return _Builder(Nursery(session, today, now), pool).build()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@functools.cache
def _demo_hash(secret: str, *, agreed: bool = False) -> str:
    """The demo's logins are the same words each time it is seeded, so a process that seeds
    many demo nurseries (the tests, the benchmarks) runs bcrypt once for each, not 2.5 s of it
    a nursery. Those nurseries then share a salt, harmless for logins printed on the screen;
    nothing but the demo comes through here."""
    return hash_password(secret, agreed=agreed)


class _Builder:
    """Writes the roster in dependency order; each step flushes so the next has its ids."""

    def __init__(self, nursery: Nursery, pool: ThreadPoolExecutor) -> None:
        self.n = nursery
        self.session = nursery.session
        self.cards: list[PrintedCard] = []
        self.pins = [str(p) for p in self.n.rng.sample(range(1000, 10000), len(roster.STAFF))]
        self.hashes = self._start_hashing(pool)

    def _start_hashing(self, pool: ThreadPoolExecutor) -> dict[str, Future[str]]:
        # Submitted first, so bcrypt runs on the workers while the avatars are drawn here.
        jobs: dict[str, Future[str]] = {}
        for plan, pin in zip(roster.STAFF, self.pins, strict=True):
            jobs[f"pin:{plan.username}"] = pool.submit(_demo_hash, pin)
            jobs[f"panel:{plan.username}"] = pool.submit(_demo_hash, _panel_password(plan))
        for family in roster.FAMILIES:
            if family.password is not None:
                jobs[family.label] = pool.submit(_demo_hash, family.password, agreed=True)
        return jobs

    def build(self) -> DemoCredentials:
        self._add_setting()
        self._add_staff()
        add_families(self.n, self.hashes)
        self._add_cards()
        notable = self._add_notable_people()
        self.session.flush()
        return DemoCredentials(
            setting_name=roster.SETTING_NAME,
            staff=tuple(self._staff_logins()),
            cards=tuple(self.cards),
            agreed_passwords=tuple(
                FamilyPassword(f.label, f.password) for f in roster.FAMILIES if f.password
            ),
            notable=notable,
        )

    def _add_setting(self) -> None:
        self.session.add(
            Setting(
                name=roster.SETTING_NAME,
                time_zone="Europe/London",
                languages=roster.LANGUAGES,
                # The hub shows "demo" on every page and accepts the printed logins.
                extra={"demo": True},
            )
        )
        for name, starts, ends in roster.SESSIONS:
            self.n.sessions[name] = NurserySession(
                name=name, starts_at=time.fromisoformat(starts), ends_at=time.fromisoformat(ends)
            )
        for room in roster.ROOMS:
            self.n.rooms[room.name] = Room(
                name=room.name,
                colour=room.colour,
                min_age_months=room.min_months,
                max_age_months=room.max_months,
            )
        for label, low, high, per_adult, with_teacher in roster.RATIO_RULES:
            self.session.add(
                RatioRule(
                    label=label,
                    min_age_months=low,
                    max_age_months=high,
                    children_per_adult=per_adult,
                    children_per_adult_with_qualified_teacher=with_teacher,
                )
            )
        self.session.add_all([*self.n.sessions.values(), *self.n.rooms.values()])
        self.session.add(Kiosk(name="Front door"))  # paired from the panel: no token yet
        self.session.add(
            Visitor(
                name="Dr Hana Ito",
                organisation="NHS children's speech and language therapy",
                note="Regular visitor, Tuesdays. Enhanced DBS seen by the manager.",
            )
        )
        self.session.flush()

    def _add_staff(self) -> None:
        for index, plan in enumerate(roster.STAFF):
            self.n.staff[plan.username] = Staff(
                username=plan.username,
                first_name=plan.first,
                last_name=plan.last,
                role=plan.role.value,
                qualified_teacher=plan.qualified_teacher,
                room_id=self.n.rooms[plan.room].id,
                photo=avatar(plan.first, plan.last),
                phone=f"07700 900{200 + index:03d}",  # Ofcom's range for drama: rings no one
                password_hash=self.hashes[f"panel:{plan.username}"].result(),
                pin_hash=self.hashes[f"pin:{plan.username}"].result(),
            )
        self.session.add_all(self.n.staff.values())
        self.session.flush()

    def _issue(
        self, holder: Adult | Staff, *, issued_at: datetime, revoked_at: datetime | None = None
    ) -> None:
        payload = new_card()
        staff = isinstance(holder, Staff)
        manager_id = self.n.manager.id
        self.session.add(
            Card(
                id=payload.card_id,
                holder_adult_id=None if staff else holder.id,
                holder_staff_id=holder.id if staff else None,
                secret_hash=hash_secret(payload.secret),
                issued_at=issued_at,
                issued_by_staff_id=manager_id,
                revoked_at=revoked_at,
                revoked_by_staff_id=None if revoked_at is None else manager_id,
                revoked_reason="" if revoked_at is None else "lost",
            )
        )
        name = f"{holder.first_name} {holder.last_name}"
        self.cards.append(PrintedCard(name, staff, payload.text(), revoked_at is not None))

    def _add_cards(self) -> None:
        for plan in roster.STAFF:
            if plan.card:
                self._issue(self.n.staff[plan.username], issued_at=self.n.days_ago(30, 400))
        lost_at = self.n.now - timedelta(days=21)
        lost = self.n.adults[roster.LOST_CARD]
        self._issue(lost, issued_at=lost_at - timedelta(days=380), revoked_at=lost_at)
        for adult in roster.ADULTS:  # the restricted person's card predates the court order
            if adult.card:
                self._issue(self.n.adults[adult.name], issued_at=self.n.days_ago(60, 300))

    def _add_notable_people(self) -> NotablePeople:
        person, child, reason = roster.RESTRICTED
        self.session.add(
            Restriction(
                child_id=self.n.children[child].id,
                adult_id=self.n.adults[person].id,
                person_name=person,
                reason=reason,
                recorded_by_staff_id=self.n.manager.id,
                recorded_at=self.n.now - timedelta(days=10),
            )
        )
        today = self.n.today
        last_tuesday = today - timedelta(days=today.weekday() + 6)
        return NotablePeople(
            restricted_person=person,
            restricted_child=child,
            restriction_reason=reason,
            one_off=self._permission(roster.ONE_OFF, today, today, "manager"),
            expired=self._permission(
                roster.EXPIRED, last_tuesday, last_tuesday + timedelta(days=1), "saskia"
            ),
            under_age_person=roster.UNDER_AGE,
            under_age_years=next(a.age for a in roster.ADULTS if a.name == roster.UNDER_AGE) or 0,
            lost_card_holder=roster.LOST_CARD,
        )

    def _permission(
        self, who: tuple[str, str, str], valid_from: date, valid_to: date, taken_by: str
    ) -> Permission:
        adult, child, note = who
        # Written permission arrives a couple of days ahead, as it does in life.
        taken_at = self.n.now - timedelta(days=(self.n.today - valid_from).days + 2)
        self.session.add(
            OneOffPermission(
                child_id=self.n.children[child].id,
                adult_id=self.n.adults[adult].id,
                valid_from=valid_from,
                valid_to=valid_to,
                taken_by_staff_id=self.n.staff[taken_by].id,
                taken_at=taken_at,
                note=note,
            )
        )
        return Permission(adult, child, valid_from, valid_to)

    def _staff_logins(self) -> Iterable[StaffLogin]:
        for plan, pin in zip(roster.STAFF, self.pins, strict=True):
            full_name = f"{plan.first} {plan.last}"
            password = _panel_password(plan)
            yield StaffLogin(plan.username, full_name, plan.role.value, password, pin)


def _panel_password(plan: roster.StaffPlan) -> str:
    return roster.MANAGER_PASSWORD if plan.role is Role.MANAGER else roster.STAFF_PASSWORD
