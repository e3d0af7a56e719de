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

from sqlalchemy import ColumnElement, delete, func, select
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
    device: str = ""  # the device cookie to give this browser after a good login


@dataclass(frozen=True)
class LoginLimits:
    """Failures allowed in a window: per username (for browsers that never signed in as it)
    and per network address (whatever usernames it tries)."""

    per_username: int
    per_address: int
    window: timedelta


DEVICE_COOKIE = "handover_device"
KNOWN_DEVICE_FOR = timedelta(days=180)


def new_device_cookie(secret_key: str) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{csrf_token(secret_key, 'device:' + nonce)}"


def device_digest(secret_key: str, cookie: str) -> str:
    """The digest a device cookie is known by, or "" for a missing or forged one."""
    nonce, _, mac = cookie.partition(".")
    if not nonce or not csrf_matches(secret_key, "device:" + nonce, mac):
        return ""
    return hashlib.sha256(nonce.encode()).hexdigest()


def _failures(db: Session, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(*where)
    return int(db.scalar(query.where(LoginAttempt.succeeded.is_(False))) or 0)


def _known_device(db: Session, username: str, device: str, now: datetime) -> bool:
    if not device:
        return False
    found = select(LoginAttempt.id).where(
        LoginAttempt.username == username,
        LoginAttempt.device == device,
        LoginAttempt.succeeded.is_(True),
        LoginAttempt.at >= now - KNOWN_DEVICE_FOR,
    )
    return db.scalar(found.limit(1)) is not None


def _refusal(
    db: Session, username: str, client: str, device: str, now: datetime, limits: LoginLimits
) -> str:
    """Why this attempt is refused before any password is checked, or "".

    A stranger's failures lock a username only for browsers that never signed in as it: the
    manager's own computer (it holds a device cookie) still signs her in, with a count of its
    own (OWASP's "device cookies"). An address that fails too often is refused whatever
    username it tries, so one password cannot be tried against every account."""
    since = now - limits.window
    minutes = int(limits.window.total_seconds() // 60)
    if _failures(db, LoginAttempt.client == client, LoginAttempt.at >= since) >= limits.per_address:
        return (
            f"Too many failed attempts from this computer. Please wait {minutes} minutes "
            "and try again."
        )
    mine = LoginAttempt.username == username, LoginAttempt.at >= since
    if _failures(db, *mine, LoginAttempt.device == device) >= limits.per_username:
        return (
            f"Too many failed attempts for this username. Please wait {minutes} minutes and "
            "try again, sign in from a computer you have used before, or ask the manager to "
            "reset the password."
        )
    return ""


def attempt_login(
    db: Session,
    *,
    username: str,
    password: str,
    client: str,
    device_cookie: str,
    secret_key: str,
    now: datetime,
    limits: LoginLimits,
) -> LoginResult:
    """Checks a username and password; a refused attempt costs no password check at all."""
    username, client = username.strip().lower()[:64], client[:64]
    cookie_digest = device_digest(secret_key, device_cookie)
    device = cookie_digest if _known_device(db, username, cookie_digest, now) else ""
    refused = _refusal(db, username, client, device, now, limits)
    if refused:
        return LoginResult(None, refused, locked=True)
    staff = db.scalar(select(Staff).where(func.lower(Staff.username) == username))
    ok = False
    try:
        if staff is not None and _may_sign_in(staff) and staff.password_hash:
            ok = check_password(password, staff.password_hash)
        else:
            check_password(password or "x", _DUMMY_HASH)
    except (CredentialError, ValueError):
        ok = False
    if ok and not cookie_digest:
        device_cookie = new_device_cookie(secret_key)
        cookie_digest = device_digest(secret_key, device_cookie)
    recorded = cookie_digest if ok else device
    db.add(LoginAttempt(username=username, client=client, at=now, succeeded=ok, device=recorded))
    db.commit()
    if not ok or staff is None:
        return LoginResult(None, "That username and password do not match. Please try again.")
    return LoginResult(staff, device=device_cookie)
