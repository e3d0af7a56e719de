"""PostgreSQL backups: ``pg_dump`` custom-format dumps, each proven by restoring it.

A dump counts only once it has been restored into a scratch database on the same server and
found to hold Handover's schema (``alembic_version``); the scratch database is dropped after.
A role without CREATEDB cannot make that scratch database: the dump is then checked by
``pg_restore --list`` only, and the line printed says so and how to grant it.

A restore replaces the database's ``public`` schema in one transaction (``psql -1`` with
``ON_ERROR_STOP``): a damaged dump changes nothing. It refuses while anything else is connected
(handover/running.py), and first dumps the database it replaces beside the backup.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ProgrammingError

from handover.running import DatabaseInUse, postgres_sessions


class PostgresBackupError(Exception):
    pass


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for pg_dump and psql, and an environment with the password:
    a password on a command line is visible to every user of the machine in ``ps``."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], *, stdin: bytes | None = None) -> bytes:
    # PostgreSQL's own tools, from PATH: Debian's /usr/bin/pg_dump picks the newest client
    # installed. Arguments are a list, never a shell line.
    try:
        done = subprocess.run(  # noqa: S603
            command, env=env, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError as exc:
        raise PostgresBackupError(
            f"{command[0]} is not installed: apt-get install postgresql-client"
        ) from exc
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines() or ["no output"]
        raise PostgresBackupError(f"{command[0]} failed: {reason[0]}")
    return done.stdout


def _prove(dump: Path, url: URL) -> str:
    """Restore ``dump`` into a scratch database and look for the schema; returns how it was
    checked."""
    # Named after the database it proves, so that whoever lists the server (a test, an admin)
    # can tell one nursery's proving database from another's running at the same moment.
    scratch = f"handover_check_{secrets.token_hex(6)}_{url.database or ''}"[:63]
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            try:
                connection.execute(text(f'CREATE DATABASE "{scratch}"'))
            except ProgrammingError:
                _run(["pg_restore", "--list", str(dump)], _libpq(url)[1])
                return "checked by listing it only (grant CREATEDB to check by restoring)"
        try:
            libpq, env = _libpq(url.set(database=scratch))
            _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "-d", libpq,
                  str(dump)], env)  # fmt: skip
            check = create_engine(url.set(database=scratch))
            try:
                with check.connect() as connection:
                    revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            finally:
                check.dispose()
            if not revision:
                raise PostgresBackupError(f"{dump} restored without a schema revision")
            return f"checked by restoring it (schema {revision})"
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
    finally:
        admin.dispose()


def dump(database_url: str, target: Path) -> str:
    """Dump into ``target`` (made only once proven); returns how the dump was checked."""
    url = make_url(database_url)
    libpq, env = _libpq(url)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    _run(["pg_dump", "--format=custom", "--file", str(partial), libpq], env)
    try:
        how = _prove(partial, url)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    return how


def restore(copy: Path, database_url: str, *, keep_in: Path, stamp: str) -> Path:
    """Put ``copy`` back as the database; returns the dump of the database it replaced."""
    if not copy.is_file():
        raise PostgresBackupError(f"there is no backup at {copy}")
    url = make_url(database_url)
    others = postgres_sessions(database_url)
    if others:
        raise DatabaseInUse(
            f"{url.database} is in use ({len(others)} connection(s): {', '.join(others[:3])}); "
            "stop its hub first (systemctl stop handover-hub@NAME)"
        )
    libpq, env = _libpq(url)
    _run(["pg_restore", "--list", str(copy)], env)  # a readable dump, before anything changes
    kept = keep_in / f"{url.database}.before-restore-{stamp}.dump"
    _run(["pg_dump", "--format=custom", "--file", str(kept), libpq], env)
    script = _run(["pg_restore", "--no-owner", "--no-acl", "--file", "-", str(copy)], env)
    replace = b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n" + script
    _run(["psql", "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-d", libpq],
         env, stdin=replace)  # fmt: skip
    return kept
