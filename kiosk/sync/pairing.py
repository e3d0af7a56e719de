"""Pairing a kiosk with its hub, and where the device token and the hub's certificate are kept.

Both sit in files beside the kiosk's database, readable by their owner only, not in the
database itself: a copy of the database made for support then carries no way into the hub.

Pairing cannot be intercepted (the protocol is in admin/api/pairing_proof.py): the kiosk looks
at the certificate it is shown, proves to the hub with the pairing code which one that was
(without ever sending the code), and pins the certificate the hub proves with the same code.
From then on it trusts that certificate only (:func:`hub_client`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from db.credentials import pairing_code_hash, pairing_proof, pem_fingerprint
from kiosk.sync.hub_errors import HubNotTrusted, HubRefused, error_code

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
# One connection for the day. httpx drops a connection idle for 5 s, as long as the door waits
# between rounds, so every round paid a new TCP and TLS handshake (about 8 ms of the door's CPU,
# and the hub's too). The hub keeps an idle connection longer than this
# (handover/hub_server.py), so the door is always the one that closes it, never caught sending
# on a connection the hub is closing.
KEEP_ALIVE_SECONDS = 30.0
LIMITS = httpx.Limits(
    max_connections=10, max_keepalive_connections=2, keepalive_expiry=KEEP_ALIVE_SECONDS
)


@dataclass(frozen=True)
class Pairing:
    token: str
    certificate: str | None  # PEM to trust from now on; None for a plain-HTTP hub


def token_path(db_path: str) -> Path:
    return Path(db_path).expanduser().resolve().with_suffix(".token")


def certificate_path(db_path: str) -> Path:
    return Path(db_path).expanduser().resolve().with_suffix(".hub.pem")


def _write_private(path: Path, text: str) -> None:
    # Created with 0600 from the start: no moment where another user could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def save_token(path: Path, token: str) -> None:
    _write_private(path, token + "\n")


def load_token(path: Path) -> str | None:
    return path.read_text(encoding="ascii").strip() if path.exists() else None


def save_pairing(db_path: str, pairing: Pairing) -> None:
    """The pinned certificate first: a token is never left without the certificate it needs."""
    pin = certificate_path(db_path)
    if pairing.certificate is None:
        pin.unlink(missing_ok=True)
    else:
        _write_private(pin, pairing.certificate)
    save_token(token_path(db_path), pairing.token)


def load_certificate(db_path: str) -> str | None:
    path = certificate_path(db_path)
    return path.read_text(encoding="ascii") if path.exists() else None


def is_paired(db_path: str, *, scheme: str) -> bool:
    """A token, and for an HTTPS hub the certificate pinned with it (a kiosk paired before
    the office served HTTPS has none, and must pair again)."""
    if not token_path(db_path).exists():
        return False
    return scheme == "http" or certificate_path(db_path).exists()


def pinned_context(pem: str) -> ssl.SSLContext:
    """Trusts ``pem`` and nothing else: not the system's authorities, and no host name check.
    The pin is the office's identity; its address may change with a new DHCP lease, and the
    office's own CA signs for no one else."""
    context = ssl.create_default_context(cadata=pem)
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a given certificate pinned itself
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def hub_client(certificate: str | None, *, timeout: httpx.Timeout = TIMEOUT) -> httpx.Client:
    """The kiosk's connection to its hub: verified against the pinned certificate only."""
    if certificate is None:
        return httpx.Client(timeout=timeout, limits=LIMITS)  # a plain-HTTP hub: nothing to verify
    return httpx.Client(timeout=timeout, limits=LIMITS, verify=pinned_context(certificate))


def _certificate_shown(hub_url: str) -> str:
    """The certificate this address shows, unchecked: pairing checks it with the code."""
    parts = urlsplit(hub_url)
    try:
        return ssl.get_server_certificate((parts.hostname or "", parts.port or 443), timeout=5)
    except (OSError, ssl.SSLError) as exc:
        raise httpx.ConnectError(f"no TLS answer from {hub_url}: {exc}") from exc


def pair_with_hub(hub_url: str, *, code: str, device: str, public_key: str) -> Pairing:
    """Trade the code from the office panel for a device token and the certificate to pin,
    telling the hub the public half of the key this door will sign its events with (it goes
    only to the certificate the proof names, so no one in between can swap it). Raises
    :class:`HubRefused`, :class:`HubNotTrusted` (someone in between), or httpx's errors when
    nothing answers."""
    key = pairing_code_hash(code)
    secure = urlsplit(hub_url).scheme == "https"
    shown = _certificate_shown(hub_url) if secure else None
    seen = hashlib.sha256(ssl.PEM_cert_to_DER_cert(shown)).hexdigest() if shown else ""
    body = {
        "device": device,
        "proof": pairing_proof(key, "kiosk", seen),
        "certificate_seen": seen,
        "public_key": public_key,
    }
    # Sent only to the holder of the certificate the proof names.
    with hub_client(shown, timeout=TIMEOUT) as http:
        answer = http.post(f"{hub_url.rstrip('/')}/api/v1/pair", json=body)
    if answer.status_code != 200:
        raise HubRefused(answer.status_code, error_code(answer))
    data = answer.json()
    pinned: str | None = data.get("certificate")
    expected = pairing_proof(key, "hub", pem_fingerprint(pinned), seen)
    if not hmac.compare_digest(expected, str(data.get("certificate_proof", ""))):
        raise HubNotTrusted("the answer to pairing was not made with this pairing code")
    if secure and pinned is None:
        raise HubNotTrusted("the hub named no certificate to trust")
    if pinned is not None:
        _check_pin(hub_url, pinned)
    return Pairing(token=str(data["token"]), certificate=pinned)


def _check_pin(hub_url: str, pinned: str) -> None:
    """The certificate the hub proved must be what it serves with: connect trusting it only."""
    try:
        with hub_client(pinned) as http:
            http.get(f"{hub_url.rstrip('/')}/api/v1/openapi.json")
    except (httpx.ConnectError, ssl.SSLError) as exc:
        raise HubNotTrusted(
            f"the office's certificate does not match what it serves ({exc})"
        ) from exc
