"""What the office (hub) keeps for itself: signed-in sessions, login attempts and the e-mail
notices waiting to be sent.

None is people data: they carry no sync version and never leave the hub.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import OFFICE_ONLY, SECRET, Base


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


class Notice(Base):
    """One e-mail to one adult, queued in the same transaction as the change it tells of and
    sent later by the hub's sender (admin/notice_sender.py): the register never waits for mail.

    ``status`` is ``waiting`` (due at ``next_try_at``), ``sending`` (claimed and committed just
    before the message went to the server), ``sent`` or ``failed`` (``last_error`` holds the
    server's reason). A row left ``sending`` by a hub that stopped mid-send is never sent again
    by itself: it may have arrived, and a parent is never told the same thing twice."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_status_next_try_at", "status", "next_try_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # "collection_change"
    to_adult_id: Mapped[int | None] = mapped_column(ForeignKey("adults.id"), index=True)
    # The one child it is about: erasing a child's records erases their notices (admin/retention).
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(200), info=OFFICE_ONLY)
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text, info=OFFICE_ONLY)
    html_body: Mapped[str] = mapped_column(Text, info=OFFICE_ONLY)
    summary: Mapped[str] = mapped_column(String(500), info=OFFICE_ONLY)  # for the manager's list
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    queued_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")


class MailSettings(Base):
    """The nursery's SMTP server as set in the panel's Settings (one row, ``id`` 1). The
    password is not here: the hub keeps it in a file of its own (admin/mail_settings.py), so
    a copy or export of the database carries no way into the nursery's mailbox.
    ``HANDOVER_SMTP_URL``, when set, wins over this row (a scripted install stays scripted)."""

    __tablename__ = "mail_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(200), default="")
    port: Mapped[int] = mapped_column(default=587)
    tls: Mapped[str] = mapped_column(String(16), default="starttls")
    user: Mapped[str] = mapped_column(String(200), default="")
    sender: Mapped[str] = mapped_column(String(200), default="")
    changed_at: Mapped[datetime | None]
    changed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class NoticeCursor(Base):
    """How far the hub has read the event log for notices parents opted into (arrivals,
    departures, late collections): one row, ``id`` 1. Read after the doors' events are stored,
    never while, so a sync never waits on e-mail."""

    __tablename__ = "notice_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
