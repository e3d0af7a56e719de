"""What the office (hub) keeps for itself: signed-in sessions and login attempts.

Neither is people data: they carry no sync version and never leave the hub.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import SECRET, Base


class WebSession(Base):
    """A signed-in panel session. The browser holds a random token; only its SHA-256 is here,
    so a copy of the database signs no one in."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True, info=SECRET)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LoginAttempt(Base):
    """One try at the login form, kept for rate limiting and for the manager to read.

    ``device`` is the digest of a browser's device cookie when that browser had signed in as
    this username before (a known device), else empty: failures from unknown browsers lock
    the username only for unknown browsers (admin/security.py)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    device: Mapped[str] = mapped_column(String(64), default="", server_default="")
