"""Serving the office: the port is taken first, and only then does the hub say it is open."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from admin.tls import HubCertificate


class PortError(Exception):
    """The hub cannot listen where it was asked to; the message says what to do instead."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, as uvicorn would bind it, or a PortError in plain words.
    Binding before the "office is open" line means that line is never printed for a port
    another program holds (uvicorn alone would print it, then fail with Errno 98)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise PortError(f"{host!r} is not an address of this machine ({exc.strerror})") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise PortError(_why_not(host, port, exc)) from exc
    return sock


def _why_not(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another hub, or another program): "
            "stop that one, or choose a free port with --port"
        )
    if exc.errno == errno.EACCES:
        return f"port {port} needs root here: choose one above 1023 with --port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine: choose one with --host"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


KEEP_ALIVE_SECONDS = 65


def serve(app: FastAPI, sock: socket.socket, *, certificate: HubCertificate | None) -> None:
    """Run the app on the bound socket until Ctrl+C or SIGTERM; HTTPS with ``certificate``,
    plain HTTP without (``--insecure-http``)."""
    import uvicorn

    host, port = sock.getsockname()[:2]
    # The access log is the hub's own (route templates, no query strings): see admin/ops.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        # Longer than a door keeps an idle connection (kiosk/sync/pairing.py), so doors keep
        # one TLS connection between rounds and close it themselves; uvicorn's 5 s made each
        # round a new handshake.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        ssl_certfile=None if certificate is None else str(certificate.cert_file),
        ssl_keyfile=None if certificate is None else str(certificate.key_file),
    )
    from handover.tls_renewal import RenewingServer

    try:
        RenewingServer(config, app, certificate).run(sockets=[sock])
    finally:
        sock.close()
