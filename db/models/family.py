"""What the parents' page keeps (issue 17 §3): the one-time codes sent to parents and their
short sessions. Like the office's sessions, neither is people data: no sync version, never
replicated to a kiosk. Codes and tokens are kept only as keyed hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import OFFICE_ONLY, SECRET, Base


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
