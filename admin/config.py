"""One settings object for the hub process, read once at start.

The secret key signs CSRF tokens. It comes from ``HANDOVER_SECRET_KEY`` or from the file named
by ``HANDOVER_SECRET_KEY_FILE``. A demo database (made by ``handover seed-demo``) may run with a
key generated at start; any other database refuses to start with a missing, short or
well-known key, because the panel guards children's records.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from admin.mail import MailConfigError, SmtpSettings, parse_smtp_url
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Setting

if TYPE_CHECKING:
    from admin.tls import HubCertificate

MIN_SECRET_CHARS = 32
WELL_KNOWN_SECRETS = frozenset(
    {"changeme", "change-me", "secret", "secret-key", "changethis", "default", "password"}
)


class ConfigError(RuntimeError):
    """The hub cannot start; the message says what to do."""


@dataclass(frozen=True)
class HubSettings:
    database_url: str
    secret_key: str
    demo: bool
    session_idle_minutes: int = 30
    login_failures_allowed: int = 5
    login_window_minutes: int = 15
    login_failures_per_address: int = 20  # any usernames: a tired typist never meets it
    # Plain HTTP (``handover hub --insecure-http``): every office page says so in red.
    insecure_http: bool = False
    certificate: HubCertificate | None = None  # what the hub serves and kiosks pin (admin/tls.py)
    live_poll_seconds: float = 1.0
    data_dir: Path | None = None  # None: the SQLite file's folder (see admin/ops/health.py)
    min_free_mb: int = 100  # less free space in the data folder makes /healthz answer 503
    metrics_token: str | None = None  # None: /metrics for this machine only
    smtp: SmtpSettings | None = None  # None: notices wait in the database, unsent
    parents_page: bool = False  # HANDOVER_PARENTS_PAGE=1: /family for parents (issue 17 §3)


def _read_secret(env: Mapping[str, str]) -> str | None:
    if env.get("HANDOVER_SECRET_KEY"):
        return env["HANDOVER_SECRET_KEY"].strip()
    return _read_file(env, "HANDOVER_SECRET_KEY_FILE")


def _read_file(env: Mapping[str, str], name: str) -> str | None:
    """The stripped contents of the file the variable names (a secret kept out of the
    environment and of process listings), or None when the variable is unset."""
    path = env.get(name, "").strip()
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read {name} {path}: {exc.strerror}") from exc


def check_secret(secret: str | None, *, demo: bool) -> str:
    """The key to use, or a ConfigError saying how to make a good one."""
    if secret is None or secret == "":
        if demo:
            return secrets.token_urlsafe(32)
        raise ConfigError(
            "no secret key: set HANDOVER_SECRET_KEY or HANDOVER_SECRET_KEY_FILE "
            '(make one with: python3 -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    if secret.lower() in WELL_KNOWN_SECRETS or len(secret) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"the secret key is a default or too short (at least {MIN_SECRET_CHARS} characters); "
            'make one with: python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return secret


def is_demo_database(database_url: str) -> bool:
    """Upgrades the database to the newest schema first: the hub does that at every start."""
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine)
        with session_factory(engine)() as session:
            setting = session.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
            return bool(setting is not None and (setting.extra or {}).get("demo") is True)
    finally:
        engine.dispose()


def _whole_number(env: Mapping[str, str], name: str, default: int, *, low: int, what: str) -> int:
    value = env.get(name, str(default)).strip()
    if not value.isdigit() or int(value) < low:
        raise ConfigError(f"{name} must be a whole number of {what} (at least {low})")
    return int(value)


def load_settings(database_url: str, env: Mapping[str, str] | None = None) -> HubSettings:
    env = os.environ if env is None else env
    demo = is_demo_database(database_url)
    idle = _whole_number(env, "HANDOVER_SESSION_IDLE_MINUTES", 30, low=1, what="minutes")
    data_dir = env.get("HANDOVER_DATA_DIR", "").strip()
    return HubSettings(
        database_url=database_url,
        secret_key=check_secret(_read_secret(env), demo=demo),
        demo=demo,
        session_idle_minutes=idle,
        data_dir=Path(data_dir) if data_dir else None,
        min_free_mb=_whole_number(env, "HANDOVER_MIN_FREE_MB", 100, low=0, what="megabytes"),
        metrics_token=env.get("HANDOVER_METRICS_TOKEN", "").strip() or None,
        smtp=_smtp(env),
        parents_page=env.get("HANDOVER_PARENTS_PAGE", "").strip().lower() in ("1", "yes", "true"),
    )


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    """The nursery's SMTP server, when ``HANDOVER_SMTP_URL`` names one (admin/mail.py)."""
    url = env.get("HANDOVER_SMTP_URL", "").strip()
    if not url:
        return None
    try:
        return parse_smtp_url(
            url,
            sender=env.get("HANDOVER_SMTP_FROM", "").strip(),
            password=_read_file(env, "HANDOVER_SMTP_PASSWORD_FILE") or "",
            retry_seconds=_whole_number(
                env, "HANDOVER_SMTP_RETRY_SECONDS", 60, low=1, what="seconds"
            ),
        )
    except MailConfigError as exc:
        raise ConfigError(str(exc)) from exc
