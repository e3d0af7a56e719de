"""``/healthz``: is this hub fit to take a door's events? For systemd, an update that must
decide whether to roll back, and monitoring. No login, no personal data, and cheap: one
connection for ``SELECT 1`` and the schema revision, and a ``statvfs`` of the data folder.

200 with ``"status": "ok"``, or 503 with ``"status": "unhealthy"`` and a sentence per reason.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from admin.config import HubSettings
from admin.record_check import last_verification
from db.engine import normalise_url

router = APIRouter()
MB = 1024 * 1024


def data_folder(settings: HubSettings) -> Path:
    """Where the hub's data lives: ``HANDOVER_DATA_DIR``, else the SQLite file's folder,
    else the folder the hub was started in (where its backups and secret key usually are)."""
    if settings.data_dir is not None:
        return settings.data_dir
    url = make_url(normalise_url(settings.database_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database or ".").resolve().parent
    return Path.cwd()


def _revision(connection: Connection) -> str | None:
    # Read directly: alembic's MigrationContext costs ten times as much (2.5 ms) per poll.
    try:
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:  # no table yet: a database never migrated
        return None
    return str(found) if found is not None else None


def _database(engine: Engine, head: str) -> tuple[dict[str, Any], list[str]]:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = _revision(connection)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        return {"database": {"ok": False}}, [f"the database does not answer: {reason}"]
    schema = {"ok": revision == head, "revision": revision, "head": head}
    reasons = (
        []
        if revision == head
        else [
            f"the database's schema is at {revision or 'nothing'}, this hub needs {head}: "
            "run handover migrate (or restart the hub, which migrates)"
        ]
    )
    return {"database": {"ok": True}, "schema": schema}, reasons


def _disk(folder: Path, minimum_mb: int) -> tuple[dict[str, Any], list[str]]:
    try:
        free_mb = shutil.disk_usage(folder).free // MB
    except OSError as exc:
        return {"disk": {"ok": False, "path": str(folder)}}, [
            f"the data folder {folder} cannot be read: {exc.strerror}"
        ]
    ok = free_mb >= minimum_mb
    disk = {"ok": ok, "path": str(folder), "free_mb": free_mb, "minimum_mb": minimum_mb}
    reasons = (
        []
        if ok
        else [
            f"only {free_mb} MB free in {folder} (at least {minimum_mb} MB wanted): "
            "a full disk stops the hub storing events"
        ]
    )
    return {"disk": disk}, reasons


def health_report(engine: Engine, settings: HubSettings, head: str) -> tuple[bool, dict[str, Any]]:
    database, reasons = _database(engine, head)
    disk, disk_reasons = _disk(data_folder(settings), settings.min_free_mb)
    verification = last_verification(data_folder(settings))
    reasons += disk_reasons
    if verification.status == "failed":
        reasons.append(f"the last verification of the record failed: {verification.problem}")
    body: dict[str, Any] = {
        "status": "unhealthy" if reasons else "ok",
        "reasons": reasons,
        **database,
        **disk,
        "verification": {
            "status": verification.status,
            "finished_at": verification.finished_at,
            "problem": verification.problem,
        },
    }
    return not reasons, body


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    ok, body = health_report(state.engine, state.settings, state.schema_head)
    return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})
