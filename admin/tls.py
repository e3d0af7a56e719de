"""The hub's own certificates: a small certificate authority of its own, and the certificate
the office is served with.

A nursery has no domain name and no IT department, so ``handover hub`` makes what HTTPS needs
on its first start and keeps it with its data, in ``tls/`` (the keys readable by the hub's user
only). The authority lives ten years and is what the office's browsers are told to trust once
(the login page links it) and what each kiosk pins at pairing. The server certificate it signs
names this machine's host names and addresses; it is made again (at start, and while the hub
runs: handover/tls_renewal.py) when fewer than 30 days are left, or when the machine has a name
or address it does not cover (a new DHCP lease), so browsers keep trusting it without anyone
acting.

A certificate given with ``--tls-cert/--tls-key`` (from the nursery's own CA, or a reverse
proxy's) is served as it is; kiosks then pin that certificate file.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from db.clock import utc_now

CA_YEARS = 10
# 397 days: the longest server certificate Safari and Chrome accept.
SERVER_DAYS = 397
RENEW_WHEN_LEFT = timedelta(days=30)


class TlsError(Exception):
    """The hub cannot serve HTTPS with what it was given; the message says what to do."""


@dataclass(frozen=True)
class HubCertificate:
    """What uvicorn serves, and what a kiosk pins at pairing."""

    cert_file: Path
    key_file: Path
    pinned_pem: str  # the office's CA (or the given certificate chain): kiosks trust only this
    served_fingerprint: str  # SHA-256 of the server certificate's DER, as a kiosk sees it
    ca_file: Path | None  # the file browsers are told to trust; None for a given certificate


def fingerprint_of_der(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _first_certificate(pem: bytes) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificates(pem)[0]
    except (ValueError, IndexError) as exc:
        raise TlsError("the certificate file holds no PEM certificate") from exc


def given_certificate(cert_file: Path, key_file: Path) -> HubCertificate:
    """``--tls-cert/--tls-key``: checked here, so a typo stops the hub with one line."""
    try:
        pem = cert_file.read_bytes()
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except OSError as exc:
        raise TlsError(f"cannot read {exc.filename}: {exc.strerror}") from exc
    except (ValueError, TypeError) as exc:
        raise TlsError(f"{key_file} is not an unencrypted PEM private key") from exc
    served = _first_certificate(pem)
    if _spki(served.public_key()) != _spki(key.public_key()):
        raise TlsError(f"{key_file} is not the key of the certificate in {cert_file}")
    return HubCertificate(
        cert_file=cert_file,
        key_file=key_file,
        pinned_pem=pem.decode("ascii"),
        served_fingerprint=fingerprint_of_der(served.public_bytes(serialization.Encoding.DER)),
        ca_file=None,
    )


def _spki(public: object) -> bytes:
    return public.public_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def own_certificate(
    folder: Path, *, listen_host: str, now: datetime | None = None
) -> HubCertificate:
    """The hub's own authority and server certificate in ``folder``, made or renewed as
    needed."""
    now = now or utc_now()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    ca_file, ca_key_file = folder / "office-ca.pem", folder / "office-ca-key.pem"
    cert_file, key_file = folder / "hub.pem", folder / "hub-key.pem"
    if not ca_file.exists() or not ca_key_file.exists():
        _write_key(ca_key_file, ca_key := ec.generate_private_key(ec.SECP256R1()))
        ca_file.write_bytes(_pem(_authority(ca_key, now)))
        cert_file.unlink(missing_ok=True)
    ca = _first_certificate(ca_file.read_bytes())
    names = machine_names(listen_host)
    if _needs_renewing(cert_file, names, now):
        signer = serialization.load_pem_private_key(ca_key_file.read_bytes(), password=None)
        if not isinstance(signer, ec.EllipticCurvePrivateKey):
            raise TlsError(
                f"{ca_key_file} is not the office CA's key: move tls/ aside to start anew"
            )
        _write_key(key_file, key := ec.generate_private_key(ec.SECP256R1()))
        cert_file.write_bytes(_pem(_server(ca, signer, key, names, now)))
    served = _first_certificate(cert_file.read_bytes())
    return HubCertificate(
        cert_file=cert_file,
        key_file=key_file,
        pinned_pem=_pem(ca).decode("ascii"),
        served_fingerprint=fingerprint_of_der(served.public_bytes(serialization.Encoding.DER)),
        ca_file=ca_file,
    )


def machine_names(listen_host: str) -> tuple[list[str], list[str]]:
    """Host names and addresses a browser or kiosk may reach this machine by."""
    hostname = socket.gethostname()
    dns = {"localhost", hostname, f"{hostname}.local", socket.getfqdn()}
    addresses = {"127.0.0.1", "::1"}
    if listen_host not in ("0.0.0.0", "::", ""):  # noqa: S104 - recognised, not bound
        (addresses if _is_address(listen_host) else dns).add(listen_host)
    for info in [*_resolved(hostname), _route_address()]:
        if info and not ipaddress.ip_address(info).is_loopback:
            addresses.add(info)
    return sorted(d for d in dns if d and not _is_address(d)), sorted(addresses)


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _resolved(hostname: str) -> list[str]:
    try:
        return [str(info[4][0]).split("%")[0] for info in socket.getaddrinfo(hostname, None)]
    except OSError:
        return []


def _route_address() -> str:
    """The address this machine is seen by on its LAN. A UDP "connect" sends no packet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            return str(probe.getsockname()[0])
        except OSError:
            return ""


def _needs_renewing(cert_file: Path, names: tuple[list[str], list[str]], now: datetime) -> bool:
    if not cert_file.exists():
        return True
    served = _first_certificate(cert_file.read_bytes())
    if served.not_valid_after_utc - now < RENEW_WHEN_LEFT:
        return True
    covered = served.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    have_dns = set(covered.get_values_for_type(x509.DNSName))
    have_ip = {str(ip) for ip in covered.get_values_for_type(x509.IPAddress)}
    return not (set(names[0]) <= have_dns and set(names[1]) <= have_ip)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    # Created 0600 from the start: no moment where another user could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    os.chmod(path, 0o600)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _authority(key: ec.EllipticCurvePrivateKey, now: datetime) -> x509.Certificate:
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, f"Handover office CA ({socket.gethostname()})")]
    )
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _server(
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    key: ec.EllipticCurvePrivateKey,
    names: tuple[list[str], list[str]],
    now: datetime,
) -> x509.Certificate:
    dns, addresses = names
    alternative = [x509.DNSName(d) for d in dns] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in addresses
    ]
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns[0] if dns else "handover")])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signs=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _usage(*, signs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not signs,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs,
        crl_sign=signs,
        encipher_only=False,
        decipher_only=False,
    )
