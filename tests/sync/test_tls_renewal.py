"""A hub that runs past its certificate's renewal date serves a new one without a restart,
and kiosks and pairing carry on: a real hub process over HTTPS, its files made due under it."""

from __future__ import annotations

import shutil
import ssl
import time
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509

from admin.tls import own_certificate
from db.clock import utc_now
from kiosk.store.door_key import new_door_key
from kiosk.sync import hub_client, pair_with_hub
from tests.sync.nursery import PAIRING_CODE, Hub, Nursery, free_port


def _served(hub: Hub) -> x509.Certificate:
    return x509.load_pem_x509_certificate(
        ssl.get_server_certificate(("127.0.0.1", hub.port), timeout=5).encode()
    )


def _make_due(tls: Path, scratch: Path) -> x509.Certificate:
    """Put a certificate from the same authority with a week left in place of the served one,
    as the files would be 390 days after the hub made them."""
    shutil.copytree(tls, scratch)
    (scratch / "hub.pem").unlink()
    own_certificate(scratch, listen_host="127.0.0.1", now=utc_now() - timedelta(days=390))
    (scratch / "hub-key.pem").replace(tls / "hub-key.pem")
    (scratch / "hub.pem").replace(tls / "hub.pem")
    return x509.load_pem_x509_certificate((tls / "hub.pem").read_bytes())


def test_a_running_hub_renews_its_certificate_and_pairing_still_works(
    nursery: Nursery, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOVER_TLS_CHECK_SECONDS", "1")
    hub = Hub(nursery.url, free_port(), tmp_path / "hub.log").start()
    try:
        first = _served(hub)
        due = _make_due(hub.data_dir / "tls", tmp_path / "scratch")
        deadline = time.monotonic() + 30
        while (now_served := _served(hub)) == first and time.monotonic() < deadline:
            time.sleep(0.5)
        assert now_served not in (first, due), hub.log.read_text()
        assert now_served.not_valid_after_utc - utc_now() > timedelta(days=390)
        assert "tls_certificate_renewed" in hub.log.read_text()
        with hub.client() as browser:  # a browser that trusts the office's CA: still trusted
            assert browser.get(f"{hub.base}/login").status_code in (200, 303)
        # Pairing proves the certificate the kiosk saw: the API knows the renewed one.
        door = new_door_key().public
        pairing = pair_with_hub(hub.base, code=PAIRING_CODE, device="front-door", public_key=door)
        assert pairing.certificate == hub.ca
        with hub_client(pairing.certificate) as kiosk:
            assert kiosk.get(f"{hub.base}/api/v1/openapi.json").status_code == 200
    finally:
        hub.stop()


def test_a_given_certificate_is_never_replaced_by_the_hub(tmp_path: Path) -> None:
    from admin.tls import given_certificate
    from handover.tls_renewal import renewed

    made = own_certificate(tmp_path / "nursery-ca", listen_host="127.0.0.1")
    given = given_certificate(made.cert_file, made.key_file)
    (made.cert_file).unlink()  # even when due, it is the nursery's to renew
    assert renewed(given, "127.0.0.1") is None
    assert not made.cert_file.exists()
