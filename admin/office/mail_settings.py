"""The nursery's mail server as set in the panel (issue 17): host, port, encryption, user,
sender, and a password the hub keeps in a file of its own in its data folder (read and
written by the hub's user only), never in the database and never shown back on a page.

Which settings the hub uses: ``HANDOVER_SMTP_URL`` when it is set (a scripted install stays
as its script made it; the Settings page says so and shows them), else the panel's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from admin.mail import SmtpSettings
from db.models import MailSettings, Notice, Staff

PASSWORD_FILE = "smtp-password"  # noqa: S105  # the file's name, not a password
TLS_CHOICES = {
    "starttls": "STARTTLS (usually port 587)",
    "tls": "TLS from the start (usually port 465)",
    "none": "None (only a server inside the nursery's own network)",
}


@dataclass(frozen=True)
class MailChoice:
    """The settings in use and where they came from: "environment", "panel" or "none"."""

    smtp: SmtpSettings | None
    source: str


def panel_row(db: Session) -> MailSettings:
    return db.get(MailSettings, 1) or MailSettings(
        id=1, host="", port=587, tls="starttls", user="", sender=""
    )


def password_file(data_folder: Path) -> Path:
    return data_folder / PASSWORD_FILE


def has_password(data_folder: Path) -> bool:
    return password_file(data_folder).is_file()


def _read_password(data_folder: Path) -> str:
    try:
        return password_file(data_folder).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def panel_smtp(db: Session, data_folder: Path, *, retry_seconds: int = 60) -> SmtpSettings | None:
    row = db.get(MailSettings, 1)
    if row is None or not row.host or not row.sender:
        return None
    return SmtpSettings(
        host=row.host,
        port=row.port,
        sender=row.sender,
        tls=row.tls,
        user=row.user,
        password=_read_password(data_folder) if row.user else "",
        retry_seconds=retry_seconds,
    )


def mail_in_use(db: Session, *, from_env: SmtpSettings | None, data_folder: Path) -> MailChoice:
    if from_env is not None:
        return MailChoice(from_env, "environment")
    smtp = panel_smtp(db, data_folder)
    return MailChoice(smtp, "panel" if smtp else "none")


def save_mail_settings(
    db: Session,
    data_folder: Path,
    *,
    values: SmtpSettings,
    new_password: str | None,
    by: Staff,
    now: datetime,
) -> None:
    """``new_password`` None keeps the stored one; "" forgets it. The row is committed by the
    caller; the password file is written first, so a failed write saves nothing."""
    if new_password is not None:
        _write_password(data_folder, new_password)
    row = panel_row(db)
    row.host, row.port, row.tls = values.host, values.port, values.tls
    row.user, row.sender = values.user, values.sender
    row.changed_at, row.changed_by_staff_id = now, by.id
    db.merge(row)
    # Notices waiting out a wait the old settings earned are tried with the new ones at once.
    db.execute(update(Notice).where(Notice.status == "waiting").values(next_try_at=now))


def _write_password(data_folder: Path, password: str) -> None:
    path = password_file(data_folder)
    if not password:
        path.unlink(missing_ok=True)
        return
    data_folder.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".new")
    # Created readable by the hub's user alone, before a byte of the password is written.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(password)
    os.replace(temporary, path)
