"""The hub's own certificates (admin/tls.py): made once, kept private, renewed before they
expire or when the machine has a new address, and a given certificate checked at start."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509

from admin.tls import RENEW_WHEN_LEFT, SERVER_DAYS, TlsError, given_certificate, own_certificate
from db.clock import utc_now


def _served(folder: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate((folder / "hub.pem").read_bytes())


def test_a_new_hub_makes_its_ca_and_a_certificate_for_its_names_with_private_keys(
    tmp_path: Path,
) -> None:
    made = own_certificate(tmp_path / "tls", listen_host="192.0.2.10")
    assert stat.S_IMODE((tmp_path / "tls").stat().st_mode) == 0o700
    for key in ("office-ca-key.pem", "hub-key.pem"):
        assert stat.S_IMODE((tmp_path / "tls" / key).stat().st_mode) == 0o600
    names = (
        _served(tmp_path / "tls")
        .extensions.get_extension_for_class(x509.SubjectAlternativeName)
        .value
    )
    addresses = {str(a) for a in names.get_values_for_type(x509.IPAddress)}
    assert {"127.0.0.1", "192.0.2.10"} <= addresses
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert made.ca_file is not None and made.pinned_pem == made.ca_file.read_text()


def test_the_certificate_is_kept_and_renewed_only_near_its_end_under_the_same_ca(
    tmp_path: Path,
) -> None:
    first = own_certificate(tmp_path, listen_host="127.0.0.1")
    again = own_certificate(tmp_path, listen_host="127.0.0.1")
    assert again.served_fingerprint == first.served_fingerprint  # nothing to renew yet
    near_the_end = utc_now() + timedelta(days=SERVER_DAYS) - RENEW_WHEN_LEFT + timedelta(days=1)
    renewed = own_certificate(tmp_path, listen_host="127.0.0.1", now=near_the_end)
    assert renewed.served_fingerprint != first.served_fingerprint
    assert renewed.pinned_pem == first.pinned_pem  # the same CA: kiosks and browsers trust it


def test_a_new_address_gets_a_new_certificate(tmp_path: Path) -> None:
    first = own_certificate(tmp_path, listen_host="127.0.0.1")
    moved = own_certificate(tmp_path, listen_host="192.0.2.77")
    assert moved.served_fingerprint != first.served_fingerprint
    assert moved.pinned_pem == first.pinned_pem


def test_a_given_certificate_with_the_wrong_key_or_no_pem_is_refused(tmp_path: Path) -> None:
    one = own_certificate(tmp_path / "one", listen_host="127.0.0.1")
    two = own_certificate(tmp_path / "two", listen_host="127.0.0.1")
    with pytest.raises(TlsError, match="is not the key of the certificate"):
        given_certificate(one.cert_file, two.key_file)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(TlsError, match="no PEM certificate"):
        given_certificate(junk, one.key_file)
    with pytest.raises(TlsError, match="cannot read"):
        given_certificate(tmp_path / "missing.pem", one.key_file)
    assert given_certificate(one.cert_file, one.key_file).ca_file is None
