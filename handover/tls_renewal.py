"""The hub's own server certificate, renewed while the hub runs.

A hub in a nursery office may run for a year without a restart, longer than its server
certificate lasts (397 days, the most browsers accept). So besides the check at start
(admin/tls.py), the running hub looks again every few hours and, when the certificate is due
(fewer than 30 days left) or the machine has a new name or address, serves the new one to the
next connection: loaded into the live TLS context on the server's own event loop, and told to
the API, whose pairing checks the certificate a kiosk saw. Kiosks pin the office's authority,
not this certificate, so they notice nothing. A certificate given with ``--tls-cert`` is the
nursery's to renew; the hub leaves it alone.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
from typing import TYPE_CHECKING

import uvicorn

from admin.ops.logs import log_event
from admin.tls import HubCertificate, TlsError, own_certificate

if TYPE_CHECKING:
    from fastapi import FastAPI

CHECK_EVERY = 6 * 3600.0  # seconds; HANDOVER_TLS_CHECK_SECONDS overrides (tests use 1)


def check_every() -> float:
    try:
        return max(1.0, float(os.environ.get("HANDOVER_TLS_CHECK_SECONDS", CHECK_EVERY)))
    except ValueError:
        return CHECK_EVERY


def renewed(served: HubCertificate, listen_host: str) -> HubCertificate | None:
    """The hub's own certificate made again if it is due, or None when what is served stands
    (or is not the hub's to renew)."""
    if served.ca_file is None:
        return None
    fresh = own_certificate(served.cert_file.parent, listen_host=listen_host)
    return None if fresh.served_fingerprint == served.served_fingerprint else fresh


async def keep_renewed(
    context: ssl.SSLContext, app: FastAPI, served: HubCertificate, listen_host: str
) -> None:
    """Every :func:`check_every` seconds until the server stops."""
    while True:
        await asyncio.sleep(check_every())
        try:
            fresh = await asyncio.to_thread(renewed, served, listen_host)
        except (TlsError, OSError) as exc:  # the old one is served meanwhile; said once a round
            log_event("tls_renewal_failed", reason=str(exc))
            continue
        if fresh is None:
            continue
        # The settings keep the old one: only the served certificate changed, not the
        # authority the login page links. On the loop that makes the handshakes, so the
        # context is never changed under one.
        context.load_cert_chain(fresh.cert_file, fresh.key_file)
        app.state.api.state.certificate = fresh
        served = fresh
        log_event("tls_certificate_renewed", fingerprint=fresh.served_fingerprint[:16])


class RenewingServer(uvicorn.Server):
    """uvicorn's server, with the hub's own certificate kept renewed while it runs."""

    def __init__(
        self, config: uvicorn.Config, app: FastAPI, certificate: HubCertificate | None
    ) -> None:
        super().__init__(config)
        self.app, self.certificate = app, certificate
        self.renewal: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        context = self.config.ssl  # made by config.load(), used for every new connection
        if self.certificate is not None and context is not None:
            self.renewal = asyncio.create_task(
                keep_renewed(context, self.app, self.certificate, self.config.host)
            )

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.renewal is not None:
            self.renewal.cancel()
        self._drop_idle_connections()
        await super().shutdown(sockets)

    def _drop_idle_connections(self) -> None:
        """A door or a browser keeps its connection open between requests (65 s). uvicorn
        closes an idle one politely, and TLS then waits for the other side's goodbye, which a
        client between requests never sends: every stop or update waited out the whole grace
        period (2 s). Nothing is in flight on an idle connection, so it is cut at once; a
        request under way still gets its answer."""
        for connection in list(self.server_state.connections):
            cycle = getattr(connection, "cycle", None)
            transport = getattr(connection, "transport", None)
            if transport is not None and (cycle is None or cycle.response_complete):
                transport.abort()
