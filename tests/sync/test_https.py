"""HTTPS by default, and a door that knows its office: a real hub process (SQLite and
PostgreSQL), a man in the middle on the network, and the kiosk's own pairing code."""

from __future__ import annotations

import ssl
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Event, Kiosk
from kiosk.store.door_key import new_door_key
from kiosk.store.local import KioskStore
from kiosk.sync import HubNotTrusted, HubRefused, SyncClient, hub_client, pair_with_hub
from kiosk.sync.pairing import certificate_path, save_pairing, token_path
from kiosk.sync.start import hub_token
from tests.sync.events import arrival
from tests.sync.middle import ManInTheMiddle
from tests.sync.nursery import PAIRING_CODE, SECRET, Hub, Nursery, free_port

KEY = new_door_key().public  # what a door sends at pairing; these tests sign nothing


def _events_at_hub(url: str) -> int:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        count = db.scalar(select(func.count()).select_from(Event)) or 0
    engine.dispose()
    return count


def _front_door(url: str) -> Kiosk:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        kiosk = db.scalar(select(Kiosk).where(Kiosk.name == "Front door"))
        assert kiosk is not None
        db.expunge(kiosk)
    engine.dispose()
    return kiosk


@pytest.fixture
def middle(hub: Hub, tmp_path: Path) -> Iterator[ManInTheMiddle]:
    attacker = ManInTheMiddle(hub.port, tmp_path)
    yield attacker
    attacker.close()


def test_the_office_answers_over_https_with_its_own_ca_and_keeps_its_keys_private(
    hub: Hub,
) -> None:
    tls = hub.data_dir / "tls"
    for key in ("office-ca-key.pem", "hub-key.pem"):
        assert stat.S_IMODE((tls / key).stat().st_mode) == 0o600
    # The host name (127.0.0.1) is in the certificate, and the office's CA signed it.
    with hub.client() as trusting:
        assert trusting.get(f"{hub.base}/login").status_code in (200, 303)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{hub.base}/login")  # a browser not yet told to trust the office's CA
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{hub.port}/login", timeout=5)  # no plain HTTP at all


def test_a_paired_kiosk_refuses_a_man_in_the_middle_and_sends_nothing(
    hub: Hub, nursery: Nursery, store: KioskStore, kiosk_db: Path, middle: ManInTheMiddle
) -> None:
    pairing = pair_with_hub(hub.base, code=PAIRING_CODE, device="front-door", public_key=KEY)
    save_pairing(str(kiosk_db), pairing)
    assert stat.S_IMODE(certificate_path(str(kiosk_db)).stat().st_mode) == 0o600
    store.append([arrival(nursery.child_id, nursery.adult_id)])
    with hub_client(pairing.certificate) as http:
        intercepted = SyncClient(store, middle.url, pairing.token, clock=utc_now, http=http)
        with pytest.raises(HubNotTrusted):
            intercepted.sync_once()
    assert middle.read == []  # not a byte of the token or the events
    assert _events_at_hub(nursery.url) == 0
    assert len(store.unsent(10)) == 1  # kept safely for the real office
    assert "certificate_not_trusted" in (store.sync_status(middle.url).last_error or "")
    with hub_client(pairing.certificate) as http:  # the real office is trusted as before
        assert SyncClient(store, hub.base, pairing.token, clock=utc_now, http=http).push() == 1


def test_pairing_through_a_man_in_the_middle_is_refused_and_the_code_still_works(
    hub: Hub, nursery: Nursery, middle: ManInTheMiddle
) -> None:
    with pytest.raises(HubRefused) as refused:
        pair_with_hub(middle.url, code=PAIRING_CODE, device="front-door", public_key=KEY)
    assert refused.value.code == "certificate_mismatch"
    relayed = b"".join(middle.read)
    assert PAIRING_CODE.encode() not in relayed and b"ACRNDOOR2026" not in relayed
    assert _front_door(nursery.url).token_hash is None  # nothing was paired
    assert "kiosk_pairing_intercepted" in hub.log.read_text()
    pairing = pair_with_hub(hub.base, code=PAIRING_CODE, device="front-door", public_key=KEY)
    assert pairing.certificate == hub.ca


def test_an_old_kiosk_with_a_token_but_no_certificate_is_told_to_pair_again(
    hub: Hub, kiosk_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_path(str(kiosk_db)).write_text("1.a-token-from-before-https\n", encoding="ascii")
    assert hub_token(db=str(kiosk_db), hub_url=hub.base, code=None, device="front-door") is None
    assert "pair it again" in capsys.readouterr().err


def test_a_wrong_code_pairs_nothing_and_is_counted(hub: Hub, nursery: Nursery) -> None:
    with pytest.raises(HubRefused) as refused:
        pair_with_hub(hub.base, code="WRON-GCOD-E234", device="front-door", public_key=KEY)
    assert refused.value.code == "pairing_code_unknown"
    assert _front_door(nursery.url).token_hash is None


def test_an_insecure_http_hub_says_so_in_red_and_still_pairs(
    nursery: Nursery, tmp_path: Path
) -> None:
    plain = Hub(nursery.url, free_port(), tmp_path / "plain.log", insecure=True).start()
    try:
        page = httpx.get(f"{plain.base}/login", timeout=10, follow_redirects=True)
        assert 'class="insecure-ribbon"' in page.text and "plain HTTP" in page.text
        assert "Secure" not in page.headers.get("set-cookie", "")  # else no browser signs in
        pairing = pair_with_hub(plain.base, code=PAIRING_CODE, device="front-door", public_key=KEY)
        assert pairing.certificate is None
    finally:
        plain.stop()
    assert not (tmp_path / "tls").exists()


def test_a_given_certificate_is_served_and_pinned(nursery: Nursery, tmp_path: Path) -> None:
    from admin.tls import own_certificate

    made = own_certificate(tmp_path / "nursery-ca", listen_host="127.0.0.1")
    hub = Hub(nursery.url, free_port(), tmp_path / "given" / "hub.log")
    hub.data_dir.mkdir()
    hub.start("--tls-cert", str(made.cert_file), "--tls-key", str(made.key_file))
    try:
        served = ssl.get_server_certificate(("127.0.0.1", hub.port))
        assert served.strip() == made.cert_file.read_text().strip()
        pairing = pair_with_hub(hub.base, code=PAIRING_CODE, device="front-door", public_key=KEY)
        assert pairing.certificate == made.cert_file.read_text()
        with hub_client(pairing.certificate) as http:
            assert http.get(f"{hub.base}/api/v1/openapi.json").status_code == 200
    finally:
        hub.stop()
    assert not (hub.data_dir / "tls").exists()  # it made no CA of its own


def _hub_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handover", "hub", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).parents[2]),
            "HANDOVER_SECRET_KEY": SECRET,
            "HANDOVER_DATA_DIR": str(cwd),
        },
    )


def test_half_a_certificate_or_a_key_that_does_not_match_stops_the_hub_with_one_line(
    nursery: Nursery, tmp_path: Path
) -> None:
    from admin.tls import own_certificate

    one = own_certificate(tmp_path / "one", listen_host="127.0.0.1")
    two = own_certificate(tmp_path / "two", listen_host="127.0.0.1")
    half = _hub_command("--db", nursery.url, "--tls-cert", str(one.cert_file), cwd=tmp_path)
    assert half.returncode == 2 and "--tls-cert and --tls-key go together" in half.stderr
    both = ("--tls-cert", str(one.cert_file), "--tls-key", str(one.key_file), "--insecure-http")
    mixed = _hub_command("--db", nursery.url, *both, cwd=tmp_path)
    assert mixed.returncode == 2 and "--insecure-http serves no certificate" in mixed.stderr
    port = str(free_port())
    wrong = ("--tls-cert", str(one.cert_file), "--tls-key", str(two.key_file), "--port", port)
    answer = _hub_command("--db", nursery.url, *wrong, cwd=tmp_path)
    assert answer.returncode == 1
    assert "is not the key of the certificate" in answer.stderr
    assert "Traceback" not in answer.stderr
