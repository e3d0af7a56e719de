"""Signing in and out, idle expiry, CSRF tokens and login rate limiting.

Sessions are server-side: the browser's cookie holds a random token and the database holds its
SHA-256. CSRF tokens are an HMAC of the session (or, before login, of a random cookie) under the
hub's secret key, so a form from another site cannot carry a valid one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from db.credentials import CredentialError, check_password, hash_secret
from db.models import LoginAttempt, Staff, WebSession

SESSION_COOKIE = "handover_session"
PRE_COOKIE = "handover_pre"  # the CSRF seed of a browser not yet signed in
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute
# A fixed hash, so an unknown username costs as much time as a wrong password.
_DUMMY_HASH = "$2b$12$3MkieOc.5iACHG.RICKQm.QyyIH2Q0BajOj6hlok9IvLYwgmyorSG"


STAFF_PASSWORD_MIN = 10  # characters in a staff member's panel password


def csrf_seed(request: Request) -> str:
    """What this browser's CSRF token is bound to: its session, or before sign-in the random
    seed cookie the hub handed it."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        return f"session:{token}"
    pre = request.cookies.get(PRE_COOKIE) or getattr(request.state, "pre_seed", "")
    return f"pre:{pre}"


def csrf_token(secret_key: str, seed: str) -> str:
    return hmac.new(secret_key.encode(), seed.encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, seed: str, token: str) -> bool:
    return bool(token) and hmac.compare_digest(csrf_token(secret_key, seed), token)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class SessionState:
    staff: Staff | None
    expired: bool = False


def staff_for_token(
    db: Session, token: str, *, now: datetime, idle: timedelta, touch: bool = True
) -> SessionState:
    """The member of staff signed in with this token; an idle session is ended here."""
    row = db.get(WebSession, hash_secret(token)) if token.isascii() else None
    if row is None:
        return SessionState(None)
    staff = db.get(Staff, row.staff_id)
    if now - row.last_seen_at > idle or staff is None or not _may_sign_in(staff):
        db.delete(row)
        db.commit()
        return SessionState(None, expired=True)
    if touch and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.commit()
    return SessionState(staff)


def _may_sign_in(staff: Staff) -> bool:
    return staff.active and staff.deleted_at is None and staff.password_hash is not None


def start_session(db: Session, staff: Staff, *, now: datetime) -> str:
    token = new_session_token()
    db.add(
        WebSession(
            token_hash=hash_secret(token), staff_id=staff.id, created_at=now, last_seen_at=now
        )
    )
    db.commit()
    return token


def end_session(db: Session, token: str) -> None:
    if token.isascii():
        db.execute(delete(WebSession).where(WebSession.token_hash == hash_secret(token)))
        db.commit()


def end_sessions_of(db: Session, staff_id: int) -> None:
    """After a password reset every browser signed in as that person is signed out."""
    db.execute(delete(WebSession).where(WebSession.staff_id == staff_id))


@dataclass(frozen=True)
class LoginResult:
    staff: Staff | None
    message: str = ""
    locked: bool = False


def recent_failures(db: Session, username: str, *, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.username == username,
            LoginAttempt.at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    return int(db.scalar(query) or 0)


def attempt_login(
    db: Session,
    *,
    username: str,
    password: str,
    client: str,
    now: datetime,
    allowed: int,
    window: timedelta,
) -> LoginResult:
    """Checks a username and password, counting failures per username over a window."""
    username = username.strip().lower()[:64]
    if recent_failures(db, username, since=now - window) >= allowed:
        minutes = int(window.total_seconds() // 60)
        return LoginResult(
            None,
            f"Too many failed attempts for this username. Please wait {minutes} minutes "
            "and try again, or ask the manager to reset the password.",
            locked=True,
        )
    staff = db.scalar(select(Staff).where(func.lower(Staff.username) == username))
    ok = False
    try:
        if staff is not None and _may_sign_in(staff) and staff.password_hash:
            ok = check_password(password, staff.password_hash)
        else:
            check_password(password or "x", _DUMMY_HASH)
    except (CredentialError, ValueError):
        ok = False
    db.add(LoginAttempt(username=username, client=client[:64], at=now, succeeded=ok))
    db.commit()
    if not ok or staff is None:
        return LoginResult(None, "That username and password do not match. Please try again.")
    return LoginResult(staff)
