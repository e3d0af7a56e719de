"""Who saw whose personal data (R12): every page, download and photo that shows a named child,
adult or member of staff writes a "view" entry to the audit log, one per person and thing
seen (a page, the register, a photo) per signed-in session per day, so the log answers "who
looked at Mia's record this month" without a row for every refresh of the Today page.

The entries are written in one statement per request; which ones a session has written today
is remembered in the hub's memory (a restart writes them once more, which is harmless).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import datetime

from fastapi import Request
from sqlalchemy import insert
from sqlalchemy.orm import Session

from admin.security import SESSION_COOKIE
from db.audit import ACTOR_KEY
from db.credentials import hash_secret
from db.models import AuditEntry

REMEMBERED = 200_000  # (session, person, thing) triples: a few MB at most


class ViewLog:
    """The views already written today, per session: the oldest are forgotten first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: OrderedDict[tuple[str, ...], None] = OrderedDict()

    def fresh(self, keys: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        with self._lock:
            new = [k for k in keys if k not in self._seen]
            for key in new:
                self._seen[key] = None
            while len(self._seen) > REMEMBERED:
                self._seen.popitem(last=False)
            return new


def record_door_pull(
    db: Session,
    *,
    kiosk_id: int,
    what: str,
    counts: Mapping[str, int],
    span: str,
    now: datetime,
) -> None:
    """R12: a door's pull of people data or of events is a view of it, logged once per pull
    (not per row, and never for a pull that found nothing new), with how many rows of each kind
    went and the cursors it went between (``span``, e.g. "120-164"), so an entry stays small
    however big the pull; commits."""
    db.add(
        AuditEntry(
            at=now,
            actor=f"kiosk:{kiosk_id}",
            action="view",
            entity=what,
            entity_id=span,
            changes={"fields": sorted(counts), "rows": dict(counts)},
        )
    )
    db.commit()


def record_seen(
    request: Request,
    db: Session,
    entity: str,
    ids: Iterable[object],
    what: str,
    *,
    cookie: str = SESSION_COOKIE,
) -> None:
    """Writes a view of ``what`` (e.g. "register", "photo") for each person in ``ids`` of
    ``entity`` ("children", "adults", "staff"), once per session per day, and commits.
    ``cookie`` names the session's cookie: the parents' page has its own."""
    record_people_seen(request, db, {entity: ids}, what, cookie=cookie)


def record_people_seen(
    request: Request,
    db: Session,
    people: Mapping[str, Iterable[object]],
    what: str,
    *,
    cookie: str = SESSION_COOKIE,
) -> None:
    """:func:`record_seen` for a page that shows several kinds of people (a register names
    children and the adults who brought them), in one statement."""
    token = request.cookies.get(cookie, "")
    session = hash_secret(token)[:16] if token.isascii() else "?"
    now = request.app.state.clock()
    day = now.date().isoformat()
    keys = [
        (session, day, entity, str(i), what)
        for entity, ids in people.items()
        for i in dict.fromkeys(i for i in ids if i is not None)
    ]
    fresh = request.app.state.viewed.fresh(keys)
    if not fresh:
        return
    actor = str(db.info.get(ACTOR_KEY, "system"))
    rows = [
        {
            "at": now,
            "actor": actor,
            "action": "view",
            "entity": entity,
            "entity_id": person,
            "changes": {"fields": [what]},
        }
        for _, _, entity, person, _ in fresh
    ]
    db.execute(insert(AuditEntry), rows)
    db.commit()
