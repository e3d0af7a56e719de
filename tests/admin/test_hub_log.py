"""The hub's own log, read from the console of ``handover hub`` in its own process (what the
journal holds under systemd): one structured line per thing that happened, and no name, no
password, no code and no token in any of them."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.models import Event, SigningKey
from handover import cli
from tests.admin.conftest import MANAGER, STAFF, csrf_of
from tests.admin.hub_process import RunningHub, pair_kiosk, signed_in

# What the demo's people are called, and what they type: none of it belongs in a log.
NEVER_LOGGED = ("saskia", "Saskia", "Joanne", "Whitfield", "acorns-", "Zoë", "Fletcher", "Darren")


@pytest.fixture
def hub(database: str, tmp_path: Path) -> Iterator[RunningHub]:
    hub = RunningHub(database, tmp_path / "console.log").start()
    yield hub
    hub.stop()


def _fields(line: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in shlex.split(line))


def _assert_nothing_personal(hub: RunningHub, *secrets: str) -> None:
    console = hub.output()
    for word in (*NEVER_LOGGED, *secrets):
        assert word not in console, f"{word!r} is in the hub's log"
    structured = [line for line in console.splitlines() if line.startswith("time=")]
    assert structured and all("event" in _fields(line) for line in structured)


def test_a_login_a_pairing_and_a_refused_batch_each_give_one_line_and_no_name_or_secret(
    hub: RunningHub,
) -> None:
    with hub.client() as stranger:
        page = stranger.get("/login")
        wrong = {"username": "manager", "password": "acorns-guess", "csrf_token": csrf_of(page)}
        assert stranger.post("/login", data=wrong).status_code == 400
    saskia = signed_in(hub, STAFF)
    manager = signed_in(hub, MANAGER)
    kiosk = pair_kiosk(hub, manager, "Side door")
    refused = httpx.post(
        f"{hub.url}/api/v1/events",
        headers={"Authorization": f"Bearer {kiosk.token}"},
        verify=hub.verify,
        json={
            "events": [
                {
                    "uuid": str(uuid4()),
                    "type": "Collected by Darren!",
                    "device": "x",
                    "occurred_at": datetime.now(UTC).isoformat(),
                    "payload": {"note": "Zoë Fletcher"},
                }
            ]
        },
    )
    assert refused.status_code == 422
    poll = httpx.get(
        f"{hub.url}/api/v1/events",
        headers={"Authorization": f"Bearer {kiosk.token}"},
        verify=hub.verify,
    )
    assert poll.status_code == 200
    saskia.close()
    manager.close()
    [failed] = hub.log_lines("login_failed")
    assert _fields(failed)["client"] == "127.0.0.1"
    logins = [_fields(line) for line in hub.log_lines("login")]
    assert len(logins) == 2 and all(line["staff"].isdigit() for line in logins)
    [paired] = hub.log_lines("kiosk_paired")
    assert _fields(paired)["kiosk"] == str(kiosk.kiosk_id)
    routes = [_fields(line)["route"] for line in hub.log_lines("request")]
    assert "/api/v1/pair" in routes and "/api/v1/events" in routes  # the pairing, the refusal
    assert routes.count("/api/v1/events") == 1  # a kiosk's poll every few seconds is not
    [batch] = hub.log_lines("sync_refused")
    assert _fields(batch) | {"time": ""} == _fields(batch) | {
        "time": "",
        "level": "info",
        "event": "sync_refused",
        "route": "/api/v1/events",
        "status": "422",
        "code": "invalid_request",
        "kiosk": str(kiosk.kiosk_id),
    }
    _assert_nothing_personal(hub, kiosk.code, kiosk.token.split(".")[1])


def test_alerts_settings_and_pages_are_logged_by_id_and_route_never_by_name(
    hub: RunningHub,
) -> None:
    manager = signed_in(hub, MANAGER)
    kiosk = pair_kiosk(hub, manager, "Side door")
    alert = {
        "uuid": str(uuid4()),
        "type": "alert_raised",
        "device": "side-door",
        "occurred_at": datetime.now(UTC).isoformat(),
        "child_id": 3,
        "payload": {
            "reason": "restricted_person",
            "severity": "critical",
            "presented": {"name": "Darren"},
        },
    }
    pushed = httpx.post(
        f"{hub.url}/api/v1/events",
        json={"events": kiosk.door.signed_json(alert)},
        headers={"Authorization": f"Bearer {kiosk.token}"},
        verify=hub.verify,
    )
    assert pushed.status_code == 200, pushed.text
    page = manager.get("/alerts")
    note = {"note": "Saskia phoned Joanne; Darren left", "csrf_token": csrf_of(page)}
    assert manager.post(f"/alerts/{alert['uuid']}/resolve", data=note).status_code == 303
    assert manager.get("/children", params={"q": "Fletcher"}).status_code == 200
    settings = {**_settings_form(manager), "late_collection_grace_minutes": "25"}
    assert manager.post("/settings", data=settings).status_code == 303
    manager.close()
    [raised] = [_fields(line) for line in hub.log_lines("alert_raised")]
    assert raised["alert"] == alert["uuid"] and raised["severity"] == "critical"
    assert raised["reason"] == "restricted_person" and raised["child"] == "3"
    [resolved] = [_fields(line) for line in hub.log_lines("alert_resolved")]
    assert resolved["alert"] == alert["uuid"] and resolved["staff"].isdigit()
    [changed] = [_fields(line) for line in hub.log_lines("settings_changed")]
    assert changed["fields"] == "late_collection_grace_minutes"
    pages = [_fields(line) for line in hub.log_lines("request")]
    assert {"method": "GET", "route": "/children", "status": "200"} in [
        {k: page[k] for k in ("method", "route", "status")} for page in pages
    ]  # the search for "Fletcher" is there, by route: its query string is not
    _assert_nothing_personal(hub, kiosk.token.split(".")[1])
    # The resolution was recorded in the office: signed with the hub's own key, in its chain.
    engine = make_engine(hub.database)
    with session_factory(engine)() as db:
        office = db.scalar(select(SigningKey.public_key).where(SigningKey.device == "office"))
        by = db.scalar(select(Event.signer).where(Event.type == "alert_resolved"))
    engine.dispose()
    assert office is not None and by == office
    assert cli.main(["verify", "--db", hub.database]) == 0


def _settings_form(manager: httpx.Client) -> dict[str, str]:
    page = manager.get("/settings").text
    values = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    return {key: value for key, value in values.items()}
