"""What the parents' page keeps (issue 17 §3): the one-time codes sent to parents and their
short sessions. Like the office's sessions, neither is people data: no sync version, never
replicated to a kiosk. Codes and tokens are kept only as keyed hashes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import OFFICE_ONLY, SECRET, SENSITIVE, Base


class FamilyCode(Base):
    """One code asked for at the parents' sign-in. A row is written for every address asked
    about, known or not (``adult_id`` None, nothing sent), so the rate limits and the time
    taken are the same and the page never tells whose address the office holds."""

    __tablename__ = "family_codes"
    __table_args__ = (
        Index("ix_family_codes_email_at", "email", "created_at"),
        Index("ix_family_codes_client_at", "client", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), info=OFFICE_ONLY)  # as typed, lower case
    adult_id: Mapped[int | None] = mapped_column(ForeignKey("adults.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), info=SECRET)
    client: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class FamilySession(Base):
    """A parent signed in to the parents' page: separate from the office's sessions (another
    table, another cookie), so a parent's cookie can never open a staff page."""

    __tablename__ = "family_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True, info=SECRET)
    adult_id: Mapped[int] = mapped_column(ForeignKey("adults.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class FamilyRequest(Base):
    """What a parent sent from the parents' page, waiting for the office: an absence with its
    reason, or a one-off written permission for a named adult on given dates. A request is
    never a permission: only when staff accept it (``decided_by_staff_id``, ``decided_at``)
    is a written permission recorded (``permission_id``), as if taken at the desk."""

    __tablename__ = "family_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "absence" or "permission"
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    from_adult_id: Mapped[int] = mapped_column(ForeignKey("adults.id"), index=True)
    made_at: Mapped[datetime]
    first_day: Mapped[date]
    last_day: Mapped[date]
    adult_name: Mapped[str] = mapped_column(String(201), default="")  # who may collect
    reason: Mapped[str] = mapped_column(String(1000), default="", info=SENSITIVE)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None]
    permission_id: Mapped[int | None] = mapped_column(ForeignKey("one_off_permissions.id"))
    # The photo of the adult a parent asks to collect, re-encoded as every upload is: staff
    # compare it with the nursery's records before accepting; erased with the request.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, info=SENSITIVE)
    # When an absence's days were written onto the register as ``child_absent`` events, the
    # one record of it the register, the doors and the alerts read. None: a request from
    # before that (migration 0024), which the hub writes there at its next start.
    on_register_at: Mapped[datetime | None]
