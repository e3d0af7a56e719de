"""The hub's sync API for kiosks, served at ``/api/v1`` (see :func:`build_api`).

A FastAPI application of its own, mounted by :mod:`admin.app`: it has its own OpenAPI
document (``/api/v1/openapi.json``) and its own error handlers, so every error it gives is
``{"code", "message"}`` while the office pages keep theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from admin.api import devices, events, faults, people, rounds
from admin.api.errors import install_api_handlers
from admin.api.limits import BodyLimit
from admin.api.quota import KioskQuotas
from admin.api.seen import SeenBook
from admin.db_slots import DatabaseSlots

if TYPE_CHECKING:
    from admin.tls import HubCertificate


def build_api(
    sessions: sessionmaker[Session],
    *,
    clock: Callable[[], datetime],
    slots: DatabaseSlots,
    certificate: HubCertificate | None = None,
) -> FastAPI:
    api = FastAPI(
        title="Handover sync API",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    # The dependencies in admin.deps read these from the application that serves the request.
    api.state.sessions = sessions
    api.state.db_slots = slots  # the office's own: one count of connections for both
    api.state.clock = clock
    api.state.seen = SeenBook(sessions)
    api.state.quotas = KioskQuotas()
    api.state.certificate = certificate  # what kiosks pin at pairing (admin/api/pairing_proof.py)
    install_api_handlers(api)
    api.add_middleware(BodyLimit)
    for module in (devices, people, events, rounds, faults):
        api.include_router(module.router)
    return api
